//! The UCD1+ word list and the table of deprecated words, both embedded from the IVOA files in
//! `resources/`, plus the handful of UCD1 names that old standards (SCS 1.03) still mandate.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// Version of the embedded word list (`#PEN-UCDlist-v1.5-2022-09-20`).
pub const VOCABULARY_VERSION: &str = "1.5";
/// Release date of the embedded word list.
pub const VOCABULARY_DATE: &str = "2022-09-20";

const WORD_LIST: &str = include_str!("../resources/ucd-list.txt");
const DEPRECATED_LIST: &str = include_str!("../resources/ucd-list-deprecated.txt");

/// The syntax code of a word (first column of `ucd-list.txt`), which says where the word may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntaxFlag {
    /// `P`: only as the first (primary) word.
    Primary,
    /// `S`: never first; only qualifies a preceding word.
    Secondary,
    /// `Q`: first or later.
    Either,
    /// `E`: like `Q`; a photometric quantity that may be followed by one `em.*` word.
    Photometric,
    /// `C`: like `Q`; a colour index that may be followed by two `em.*` words.
    Colour,
    /// `V`: like `Q`; a vector that may be followed by one axis or reference-frame word.
    Vector,
}

impl SyntaxFlag {
    /// Parses the one-letter code used in the word list.
    pub fn from_code(code: char) -> Option<SyntaxFlag> {
        match code {
            'P' => Some(SyntaxFlag::Primary),
            'S' => Some(SyntaxFlag::Secondary),
            'Q' => Some(SyntaxFlag::Either),
            'E' => Some(SyntaxFlag::Photometric),
            'C' => Some(SyntaxFlag::Colour),
            'V' => Some(SyntaxFlag::Vector),
            _ => None,
        }
    }

    /// The one-letter code used in the word list.
    pub fn code(self) -> char {
        match self {
            SyntaxFlag::Primary => 'P',
            SyntaxFlag::Secondary => 'S',
            SyntaxFlag::Either => 'Q',
            SyntaxFlag::Photometric => 'E',
            SyntaxFlag::Colour => 'C',
            SyntaxFlag::Vector => 'V',
        }
    }

    /// Whether a word with this flag may start a UCD.
    pub fn can_be_primary(self) -> bool {
        self != SyntaxFlag::Secondary
    }

    /// Whether a word with this flag may follow the first word.
    pub fn can_be_secondary(self) -> bool {
        self != SyntaxFlag::Primary
    }

    /// A short human description, used by [`crate::explain`].
    pub fn describe(self) -> &'static str {
        match self {
            SyntaxFlag::Primary => "primary only",
            SyntaxFlag::Secondary => "secondary only",
            SyntaxFlag::Either => "primary or secondary",
            SyntaxFlag::Photometric => "photometric quantity, may be followed by one em.* word",
            SyntaxFlag::Colour => "colour index, may be followed by two em.* words",
            SyntaxFlag::Vector => "vector, may be followed by an axis or frame word",
        }
    }
}

impl fmt::Display for SyntaxFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// One word of the controlled vocabulary, spelled as in the list (the canonical case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Word {
    pub name: &'static str,
    pub flag: SyntaxFlag,
    pub description: &'static str,
}

/// A deprecated word and what replaces it (a whole UCD, e.g. `phot.color;em.opt.B;em.opt.V`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeprecatedWord {
    pub name: &'static str,
    pub replacement: &'static str,
}

/// A UCD1 (pre-UCD1+) name still required by an old standard, with its UCD1+ equivalent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegacyWord {
    pub name: &'static str,
    pub equivalent: &'static str,
    pub description: &'static str,
}

/// The UCD1 names Simple Cone Search 1.03 mandates for its result columns and SR parameter.
static LEGACY_WORDS: [LegacyWord; 4] = [
    LegacyWord { name: "ID_MAIN", equivalent: "meta.id;meta.main", description: "Main identifier of a source (UCD1)" },
    LegacyWord {
        name: "POS_EQ_RA_MAIN",
        equivalent: "pos.eq.ra;meta.main",
        description: "Main right ascension of a source (UCD1)",
    },
    LegacyWord {
        name: "POS_EQ_DEC_MAIN",
        equivalent: "pos.eq.dec;meta.main",
        description: "Main declination of a source (UCD1)",
    },
    LegacyWord { name: "OBS_ANG-SIZE", equivalent: "phys.angSize;obs", description: "Angular size of a search (UCD1)" },
];

struct Vocabulary {
    words: Vec<Word>,
    by_lower_name: HashMap<String, usize>,
    deprecated: HashMap<String, DeprecatedWord>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let words = parse_word_list(WORD_LIST);
        let by_lower_name = words.iter().enumerate().map(|(i, w)| (w.name.to_ascii_lowercase(), i)).collect();
        let deprecated =
            parse_deprecated_list(DEPRECATED_LIST).into_iter().map(|d| (d.name.to_ascii_lowercase(), d)).collect();
        Vocabulary { words, by_lower_name, deprecated }
    })
}

/// Reads `code | word | description` lines; `#` lines are comments. The file is ours (embedded
/// at compile time), so a malformed line is a packaging bug caught by the tests, and is skipped.
fn parse_word_list(text: &'static str) -> Vec<Word> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut columns = line.splitn(3, '|');
            let code = columns.next()?.trim();
            let name = columns.next()?.trim();
            let description = columns.next()?.trim();
            let flag = SyntaxFlag::from_code(code.chars().next()?)?;
            Some(Word { name, flag, description })
        })
        .collect()
}

/// Reads `deprecated replacement` lines (whitespace separated).
fn parse_deprecated_list(text: &'static str) -> Vec<DeprecatedWord> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut columns = line.split_whitespace();
            Some(DeprecatedWord { name: columns.next()?, replacement: columns.next()? })
        })
        .collect()
}

/// Finds a word of the current vocabulary, ignoring case.
///
/// ```
/// let word = vo_ucd::lookup("POS.EQ.RA").unwrap();
/// assert_eq!(word.name, "pos.eq.ra");
/// assert_eq!(word.flag, vo_ucd::SyntaxFlag::Either);
/// ```
pub fn lookup(name: &str) -> Option<&'static Word> {
    let vocabulary = vocabulary();
    vocabulary.by_lower_name.get(&name.to_ascii_lowercase()).map(|&i| &vocabulary.words[i])
}

/// Finds a deprecated word (ignoring case) and its replacement.
pub fn lookup_deprecated(name: &str) -> Option<&'static DeprecatedWord> {
    vocabulary().deprecated.get(&name.to_ascii_lowercase())
}

/// Finds a UCD1 name that an older standard still mandates (ignoring case).
pub fn lookup_legacy(name: &str) -> Option<&'static LegacyWord> {
    LEGACY_WORDS.iter().find(|w| w.name.eq_ignore_ascii_case(name))
}

/// All words of the current vocabulary, in list order.
pub fn words() -> &'static [Word] {
    &vocabulary().words
}

/// The known word closest in spelling to `name`, offered as "did you mean" for unknown words.
pub fn closest_word(name: &str) -> Option<&'static Word> {
    let lower = name.to_ascii_lowercase();
    words()
        .iter()
        .map(|w| (strsim::jaro_winkler(&lower, &w.name.to_ascii_lowercase()), w))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, w)| w)
}

/// Whether `word` names part of the electromagnetic spectrum (the words `E` and `C` words take).
pub(crate) fn is_band_word(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("em.") && lookup(name).is_some_and(|w| w.flag == SyntaxFlag::Secondary)
}

/// Whether `word` names an axis or a reference frame (what a `V` word may be followed by).
pub(crate) fn is_axis_or_frame_word(name: &str) -> bool {
    const FRAME_FAMILIES: [&str; 10] = [
        "pos.az",
        "pos.bodyrc",
        "pos.cartesian",
        "pos.earth",
        "pos.ecliptic",
        "pos.eq",
        "pos.galactic",
        "pos.supergalactic",
        "pos.lunar",
        "pos.lsr",
    ];
    const SINGLE_FRAMES: [&str; 6] =
        ["pos.cmb", "pos.lg", "pos.bodycentric", "pos.galactocentric", "pos.geocentric", "pos.heliocentric"];
    let lower = name.to_ascii_lowercase();
    if lower == "pos.lunar.occult" || lookup(name).is_none() {
        return false;
    }
    SINGLE_FRAMES.contains(&lower.as_str())
        || FRAME_FAMILIES.iter().any(|family| lower == *family || lower.starts_with(&format!("{family}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matches_version_constants() {
        let header = WORD_LIST.lines().next().unwrap();
        assert_eq!(header, format!("#PEN-UCDlist-v{VOCABULARY_VERSION}-{VOCABULARY_DATE}"));
    }

    #[test]
    fn every_data_line_of_the_list_is_read() {
        let data_lines = WORD_LIST.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count();
        assert_eq!(words().len(), data_lines);
        assert_eq!(words().len(), 554);
    }

    #[test]
    fn flag_counts_match_the_list() {
        let count = |flag| words().iter().filter(|w| w.flag == flag).count();
        assert_eq!(count(SyntaxFlag::Primary), 68);
        assert_eq!(count(SyntaxFlag::Secondary), 148);
        assert_eq!(count(SyntaxFlag::Either), 296);
        assert_eq!(count(SyntaxFlag::Photometric), 35);
        assert_eq!(count(SyntaxFlag::Colour), 1);
        assert_eq!(count(SyntaxFlag::Vector), 6);
    }

    #[test]
    fn every_replacement_of_a_deprecated_word_is_a_current_word() {
        assert!(vocabulary().deprecated.len() > 200);
        for dep in vocabulary().deprecated.values() {
            assert!(lookup(dep.name).is_none(), "{} is both current and deprecated", dep.name);
            for word in dep.replacement.split(';') {
                assert!(lookup(word).is_some(), "replacement {word} of {} is unknown", dep.name);
            }
        }
    }

    #[test]
    fn flags_round_trip_through_codes() {
        for code in ['P', 'S', 'Q', 'E', 'C', 'V'] {
            assert_eq!(SyntaxFlag::from_code(code).unwrap().code(), code);
        }
        assert_eq!(SyntaxFlag::from_code('X'), None);
    }

    #[test]
    fn lookups_ignore_case() {
        assert_eq!(lookup("EM.ir.j").unwrap().name, "em.IR.J");
        assert_eq!(lookup_deprecated("PHYS.DISTANCE").unwrap().replacement, "pos.distance");
        assert_eq!(lookup_legacy("pos_eq_ra_main").unwrap().equivalent, "pos.eq.ra;meta.main");
        assert!(lookup("pos.eq.nonsense").is_none());
    }

    #[test]
    fn closest_word_suggests_near_misses_only() {
        assert_eq!(closest_word("pos.eq.raa").unwrap().name, "pos.eq.ra");
        assert!(closest_word("zzzzzz").is_none());
    }

    #[test]
    fn band_and_frame_words_are_classified() {
        assert!(is_band_word("em.opt.V"));
        assert!(!is_band_word("em.wl"));
        assert!(is_axis_or_frame_word("pos.eq.ra"));
        assert!(is_axis_or_frame_word("pos.galactocentric"));
        assert!(!is_axis_or_frame_word("pos.lunar.occult"));
        assert!(!is_axis_or_frame_word("pos.pm"));
    }
}
