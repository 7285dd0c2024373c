//! Reading a UCD string word by word and checking it against the vocabulary and the sequence rules
//! of the UCD1+ list [UCDL §2]: a `S` word never starts a UCD, a `P` word never follows the first
//! word; `E`, `C` and `V` words take one `em.*`, two `em.*` and one axis/frame word respectively.

use std::fmt;

use crate::issue::{IssueKind, UcdError, UcdIssue};
use crate::vocabulary::{
    self, DeprecatedWord, LegacyWord, SyntaxFlag, Word, closest_word, lookup, lookup_deprecated, lookup_legacy,
};

/// One word of a parsed UCD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UcdWord {
    /// A word of the current vocabulary.
    Standard(&'static Word),
    /// A word removed from the vocabulary (accepted with a warning).
    Deprecated(&'static DeprecatedWord),
    /// A UCD1 name still mandated by SCS 1.03 (accepted with a warning).
    Legacy(&'static LegacyWord),
    /// A word in a custom namespace (`ns:word`), not checked against any list.
    Namespaced { namespace: String, name: String },
}

impl UcdWord {
    /// The word in canonical case (namespaced words as written).
    pub fn text(&self) -> String {
        match self {
            UcdWord::Standard(w) => w.name.to_string(),
            UcdWord::Deprecated(d) => d.name.to_string(),
            UcdWord::Legacy(l) => l.name.to_string(),
            UcdWord::Namespaced { namespace, name } => format!("{namespace}:{name}"),
        }
    }

    /// The syntax flag, for words of the current vocabulary.
    pub fn flag(&self) -> Option<SyntaxFlag> {
        match self {
            UcdWord::Standard(w) => Some(w.flag),
            _ => None,
        }
    }

    /// What this word stands for in the current vocabulary (a replacement may be several words).
    pub fn current_equivalent(&self) -> String {
        match self {
            UcdWord::Standard(w) => w.name.to_string(),
            UcdWord::Deprecated(d) => d.replacement.to_string(),
            UcdWord::Legacy(l) => l.equivalent.to_string(),
            UcdWord::Namespaced { .. } => self.text(),
        }
    }
}

/// A UCD that passed [`crate::parse`]: no unknown words, sequence rules respected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ucd {
    words: Vec<UcdWord>,
}

impl Ucd {
    pub fn words(&self) -> &[UcdWord] {
        &self.words
    }

    /// The first word: what the quantity is.
    pub fn primary(&self) -> &UcdWord {
        &self.words[0]
    }

    /// Whether one of the words is `name` (case-insensitive), e.g. `meta.main`.
    pub fn contains(&self, name: &str) -> bool {
        self.words.iter().any(|w| w.text().eq_ignore_ascii_case(name))
    }

    /// Whether every word belongs to the current vocabulary (no deprecated, legacy or custom word).
    pub fn is_current(&self) -> bool {
        self.words.iter().all(|w| matches!(w, UcdWord::Standard(_)))
    }

    /// The UCD rewritten with current words: deprecated and UCD1 words replaced.
    pub fn to_current(&self) -> String {
        self.words.iter().map(UcdWord::current_equivalent).collect::<Vec<_>>().join(";")
    }
}

/// Canonical spelling: words as in the list, joined by `;`.
impl fmt::Display for Ucd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self.words.iter().map(UcdWord::text).collect();
        f.write_str(&texts.join(";"))
    }
}

/// Everything learnt from one pass over a UCD string.
pub(crate) struct Analysis {
    /// Each readable word with its byte offset and its position among the `;`-separated pieces.
    pub words: Vec<(usize, usize, UcdWord)>,
    pub issues: Vec<UcdIssue>,
    pub first_error: Option<UcdError>,
}

impl Analysis {
    fn error(&mut self, error: UcdError) {
        if self.first_error.is_none() {
            self.first_error = Some(error.clone());
        }
        self.issues.push(error.into());
    }

    fn note(&mut self, kind: IssueKind, offset: usize, message: String) {
        self.issues.push(UcdIssue::new(kind, offset, message));
    }
}

pub(crate) fn analyse(input: &str) -> Analysis {
    let mut analysis = Analysis { words: Vec::new(), issues: Vec::new(), first_error: None };
    if input.trim().is_empty() {
        analysis.error(UcdError::Empty);
        return analysis;
    }
    let mut offset = 0;
    for (position, piece) in input.split(';').enumerate() {
        read_word(piece, offset, position, &mut analysis);
        offset += piece.len() + 1;
    }
    check_sequence(&mut analysis);
    check_qualifiers(&mut analysis);
    check_duplicates(&mut analysis);
    analysis
}

fn read_word(piece: &str, piece_offset: usize, position: usize, analysis: &mut Analysis) {
    let text = piece.trim();
    let offset = piece_offset + (piece.len() - piece.trim_start().len());
    if text.is_empty() {
        analysis.error(UcdError::EmptyWord { offset: piece_offset });
        return;
    }
    if text.len() != piece.len() {
        analysis.note(IssueKind::Whitespace, offset, format!("spaces around {text:?} are not part of UCD syntax"));
    }
    let (namespace, name) = match text.split_once(':') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, text),
    };
    if let Some(ns) = namespace
        && let Err(reason) = check_atom(ns)
    {
        analysis.error(UcdError::BadSyntax { word: text.to_string(), offset, reason: format!("namespace {reason}") });
        return;
    }
    if let Err(reason) = check_atoms(name) {
        analysis.error(UcdError::BadSyntax { word: text.to_string(), offset, reason });
        return;
    }
    match namespace {
        Some(ns) if !ns.eq_ignore_ascii_case("ivoa") => {
            let what = if ns.eq_ignore_ascii_case("vox") { "the SIA 1.0 VOX namespace" } else { "a custom namespace" };
            analysis.note(
                IssueKind::Namespaced,
                offset,
                format!("{text:?} is in {what}; clients will not understand it and it is not checked"),
            );
            let word = UcdWord::Namespaced { namespace: ns.to_string(), name: name.to_string() };
            analysis.words.push((offset, position, word));
            return;
        }
        Some(_) if lookup(name).is_some() => analysis.note(
            IssueKind::IvoaNamespace,
            offset,
            format!("{text:?}: the ivoa: prefix is implied for standard words; write {name:?}"),
        ),
        _ => {}
    }
    if let Some(word) = lookup(name) {
        analysis.words.push((offset, position, UcdWord::Standard(word)));
    } else if let Some(deprecated) = lookup_deprecated(name) {
        analysis.note(
            IssueKind::Deprecated,
            offset,
            format!("{name:?} is deprecated; use {:?} instead", deprecated.replacement),
        );
        analysis.words.push((offset, position, UcdWord::Deprecated(deprecated)));
    } else if let Some(legacy) = lookup_legacy(name) {
        analysis.note(
            IssueKind::LegacyUcd1,
            offset,
            format!("{name:?} is a UCD1 name (as SCS 1.03 requires); the UCD1+ equivalent is {:?}", legacy.equivalent),
        );
        analysis.words.push((offset, position, UcdWord::Legacy(legacy)));
    } else {
        let suggestion = closest_word(name).map(|w| w.name);
        analysis.error(UcdError::UnknownWord { word: text.to_string(), offset, suggestion });
    }
}

/// Atoms are letters, digits, `-` (as in `em.X-ray`, `em.IR.3-4um`) and `_` (UCD1 names).
fn check_atom(atom: &str) -> Result<(), String> {
    if atom.is_empty() {
        return Err("is empty".to_string());
    }
    match atom.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        Some(c) => Err(format!("character {c:?} is not allowed (only letters, digits, '-' and '_')")),
        None => Ok(()),
    }
}

fn check_atoms(name: &str) -> Result<(), String> {
    for (index, atom) in name.split('.').enumerate() {
        check_atom(atom).map_err(|reason| format!("atom {} {reason}", index + 1))?;
    }
    Ok(())
}

fn check_sequence(analysis: &mut Analysis) {
    let mut errors = Vec::new();
    for (offset, position, word) in &analysis.words {
        let Some(flag) = word.flag() else { continue };
        let first = *position == 0;
        if first && !flag.can_be_primary() {
            errors.push(UcdError::SecondaryFirst { word: word.text() });
        } else if !first && !flag.can_be_secondary() {
            errors.push(UcdError::PrimaryNotFirst { word: word.text(), offset: *offset });
        }
    }
    for error in errors {
        analysis.error(error);
    }
}

fn check_qualifiers(analysis: &mut Analysis) {
    let mut notes = Vec::new();
    for (index, (offset, _, word)) in analysis.words.iter().enumerate() {
        let following = &analysis.words[index + 1..];
        let run = |test: fn(&str) -> bool| following.iter().take_while(|(_, _, w)| test(&w.text())).count();
        match word.flag() {
            Some(SyntaxFlag::Photometric) if run(vocabulary::is_band_word) > 1 => notes.push((
                IssueKind::ExtraBand,
                *offset,
                format!("photometric quantity {:?} takes one em.* word, found more", word.text()),
            )),
            Some(SyntaxFlag::Colour) if run(vocabulary::is_band_word) > 2 => notes.push((
                IssueKind::ExtraBand,
                *offset,
                format!("colour {:?} takes two em.* words, found more", word.text()),
            )),
            Some(SyntaxFlag::Vector) if run(vocabulary::is_axis_or_frame_word) > 1 => notes.push((
                IssueKind::ExtraAxis,
                *offset,
                format!("vector {:?} takes one axis or frame word, found more", word.text()),
            )),
            _ => {}
        }
    }
    for (kind, offset, message) in notes {
        analysis.note(kind, offset, message);
    }
}

fn check_duplicates(analysis: &mut Analysis) {
    let mut notes = Vec::new();
    for (index, (offset, _, word)) in analysis.words.iter().enumerate() {
        let text = word.text();
        if analysis.words[..index].iter().any(|(_, _, earlier)| earlier.text().eq_ignore_ascii_case(&text)) {
            notes.push((*offset, format!("{text:?} appears more than once")));
        }
    }
    for (offset, message) in notes {
        analysis.note(IssueKind::DuplicateWord, offset, message);
    }
}

pub(crate) fn into_ucd(analysis: Analysis) -> Result<Ucd, UcdError> {
    match analysis.first_error {
        Some(error) => Err(error),
        None => Ok(Ucd { words: analysis.words.into_iter().map(|(_, _, w)| w).collect() }),
    }
}
