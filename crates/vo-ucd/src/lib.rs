//! The IVOA UCD1+ controlled vocabulary: parsing, validation and explanation of UCD strings.
//!
//! A UCD (Unified Content Descriptor) says what a column or parameter holds: `pos.eq.ra;meta.main`
//! is "the main right ascension". It is a `;`-separated list of words from the IVOA word list
//! (embedded here, version [`VOCABULARY_VERSION`] of [`VOCABULARY_DATE`]), matched ignoring case.
//! Each word has a syntax flag saying where it may stand ([`SyntaxFlag`]).
//!
//! - [`parse`] gives a [`Ucd`] or the first hard error ([`UcdError`], with the byte offset);
//! - [`validate`] lists every finding ([`UcdIssue`]): errors, warnings (deprecated words,
//!   UCD1 names like SCS 1.03's `POS_EQ_RA_MAIN`, custom namespaces) and advice;
//! - [`explain`] describes each word; [`lookup`] finds one word.
//!
//! ```
//! let ucd = vo_ucd::parse("POS.EQ.RA;Meta.Main").unwrap();
//! assert_eq!(ucd.to_string(), "pos.eq.ra;meta.main"); // canonical case
//!
//! let issues = vo_ucd::validate("phys.distance");
//! assert_eq!(issues[0].kind.name(), "DEPRECATED");
//! assert!(issues[0].message.contains("pos.distance"));
//!
//! assert!(vo_ucd::parse("meta.main;pos.eq.ra").is_err()); // meta.main is secondary-only
//! assert_eq!(
//!     vo_ucd::explain("phot.mag;em.opt.V").unwrap(),
//!     "phot.mag: Photometric magnitude\nem.opt.V: Optical band between 500 and 600 nm"
//! );
//! ```

mod issue;
mod ucd;
mod vocabulary;

pub use issue::{IssueKind, Severity, UcdError, UcdIssue};
pub use ucd::{Ucd, UcdWord};
pub use vocabulary::{
    DeprecatedWord, LegacyWord, SyntaxFlag, VOCABULARY_DATE, VOCABULARY_VERSION, Word, closest_word, lookup,
    lookup_deprecated, lookup_legacy, words,
};

/// Parses a UCD, accepting deprecated words, UCD1 names and custom namespaces (which
/// [`validate`] reports as warnings), and failing on the first error.
pub fn parse(input: &str) -> Result<Ucd, UcdError> {
    ucd::into_ucd(ucd::analyse(input))
}

/// Every finding about a UCD string, in the order of the words (sequence findings after word
/// findings). An empty list means the UCD is a clean UCD1+.
pub fn validate(input: &str) -> Vec<UcdIssue> {
    ucd::analyse(input).issues
}

/// One line per word, `word: description`, in canonical case.
pub fn explain(input: &str) -> Result<String, UcdError> {
    let ucd = parse(input)?;
    let lines: Vec<String> = ucd.words().iter().map(explain_word).collect();
    Ok(lines.join("\n"))
}

fn explain_word(word: &UcdWord) -> String {
    match word {
        UcdWord::Standard(w) => format!("{}: {}", w.name, w.description),
        UcdWord::Deprecated(d) => {
            let meaning: Vec<&str> = d.replacement.split(';').filter_map(lookup).map(|w| w.description).collect();
            format!("{}: deprecated, use {} ({})", d.name, d.replacement, meaning.join("; "))
        }
        UcdWord::Legacy(l) => format!("{}: {} (UCD1 name for {})", l.name, l.description, l.equivalent),
        UcdWord::Namespaced { namespace, name } => {
            format!("{namespace}:{name}: non-standard word in namespace {namespace:?}, not described by the IVOA list")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<IssueKind> {
        validate(input).into_iter().map(|i| i.kind).collect()
    }

    #[test]
    fn standard_ucds_from_the_protocols_are_clean() {
        for ucd in [
            "meta.id;meta.main",
            "pos.eq.ra;meta.main",
            "pos.eq.dec;meta.main",
            "phys.angSize;obs",
            "meta.ref.url",
            "meta.code.error",
            "phys.size;meta.file",
            "meta.id.assoc",
            "meta.bib.bibcode",
            "meta.ref.ivoid",
            "phot.mag;em.opt.V",
            "phot.color;em.opt.B;em.opt.V",
            "pos.pm;pos.eq.ra",
            "stat.error;phot.flux",
        ] {
            assert_eq!(validate(ucd), vec![], "{ucd}");
            assert_eq!(parse(ucd).unwrap().to_string(), ucd);
        }
    }

    #[test]
    fn matching_ignores_case_and_output_is_canonical() {
        let ucd = parse("PHOT.MAG;EM.IR.j").unwrap();
        assert_eq!(ucd.to_string(), "phot.mag;em.IR.J");
        assert!(ucd.contains("em.ir.j"));
        assert!(ucd.is_current());
        assert_eq!(ucd.primary().text(), "phot.mag");
    }

    #[test]
    fn empty_ucd_is_an_error() {
        assert_eq!(parse(""), Err(UcdError::Empty));
        assert_eq!(parse("   "), Err(UcdError::Empty));
        assert_eq!(kinds(""), vec![IssueKind::Empty]);
    }

    #[test]
    fn empty_words_are_errors_with_offsets() {
        assert_eq!(parse("pos.eq.ra;;meta.main"), Err(UcdError::EmptyWord { offset: 10 }));
        assert_eq!(parse("pos.eq.ra;"), Err(UcdError::EmptyWord { offset: 10 }));
        assert_eq!(parse(";pos.eq.ra"), Err(UcdError::EmptyWord { offset: 0 }));
    }

    #[test]
    fn bad_characters_and_empty_atoms_are_syntax_errors() {
        let err = parse("pos.eq.ra;meta main").unwrap_err();
        assert!(matches!(err, UcdError::BadSyntax { offset: 10, .. }), "{err:?}");
        assert!(err.to_string().contains("' '"), "{err}");
        assert!(matches!(parse("pos..ra"), Err(UcdError::BadSyntax { offset: 0, .. })));
        assert!(matches!(parse("pos.eq.ra."), Err(UcdError::BadSyntax { .. })));
        assert!(matches!(parse(":pos.eq.ra"), Err(UcdError::BadSyntax { .. })));
        assert!(matches!(parse("pos.eq.ra;meta.mäin"), Err(UcdError::BadSyntax { offset: 10, .. })));
    }

    #[test]
    fn unknown_words_are_named_errors_with_a_suggestion() {
        let err = parse("pos.eq.ra;meta.mian").unwrap_err();
        assert_eq!(err, UcdError::UnknownWord { word: "meta.mian".into(), offset: 10, suggestion: Some("meta.main") });
        assert!(err.to_string().contains("did you mean \"meta.main\""));
        let issues = validate("custom_thing");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind.name(), "UNKNOWN_WORD");
        assert!(issues[0].is_error());
    }

    #[test]
    fn secondary_word_must_not_start_a_ucd() {
        assert_eq!(parse("meta.main;pos.eq.ra"), Err(UcdError::SecondaryFirst { word: "meta.main".into() }));
        assert_eq!(kinds("em.opt.V"), vec![IssueKind::SecondaryFirst]);
    }

    #[test]
    fn primary_word_must_be_first() {
        assert_eq!(parse("pos.eq.ra;meta.id"), Err(UcdError::PrimaryNotFirst { word: "meta.id".into(), offset: 10 }));
        // Two primary words: the second is wrong.
        assert_eq!(kinds("meta.id;meta.note"), vec![IssueKind::PrimaryNotFirst]);
    }

    #[test]
    fn either_words_may_stand_anywhere() {
        assert!(parse("pos.eq.ra").is_ok());
        assert!(parse("stat.error;pos.eq.ra").is_ok());
    }

    #[test]
    fn deprecated_words_warn_with_their_replacement() {
        let issues = validate("phot.color.B-V");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::Deprecated);
        assert_eq!(issues[0].severity(), Severity::Warning);
        assert!(issues[0].message.contains("phot.color;em.opt.B;em.opt.V"));
        let ucd = parse("PHYS.distance;meta.main").unwrap();
        assert!(!ucd.is_current());
        assert_eq!(ucd.to_string(), "phys.distance;meta.main");
        assert_eq!(ucd.to_current(), "pos.distance;meta.main");
    }

    #[test]
    fn scs_ucd1_names_are_recognised_legacy_with_a_warning() {
        for (name, equivalent) in [
            ("ID_MAIN", "meta.id;meta.main"),
            ("POS_EQ_RA_MAIN", "pos.eq.ra;meta.main"),
            ("POS_EQ_DEC_MAIN", "pos.eq.dec;meta.main"),
        ] {
            let ucd = parse(name).unwrap();
            assert_eq!(ucd.to_string(), name);
            assert_eq!(ucd.to_current(), equivalent);
            let issues = validate(&name.to_ascii_lowercase());
            assert_eq!(issues.len(), 1, "{issues:?}");
            assert_eq!(issues[0].kind.name(), "UCD1");
            assert_eq!(issues[0].severity(), Severity::Warning);
        }
    }

    #[test]
    fn namespaced_words_are_accepted_unchecked_with_a_warning() {
        let ucd = parse("custom:my.word;meta.main").unwrap();
        assert_eq!(ucd.words()[0], UcdWord::Namespaced { namespace: "custom".into(), name: "my.word".into() });
        assert_eq!(kinds("custom:my.word"), vec![IssueKind::Namespaced]);
        let vox = validate("VOX:Image_AccessReference");
        assert_eq!(vox[0].kind, IssueKind::Namespaced);
        assert!(vox[0].message.contains("VOX"));
    }

    #[test]
    fn ivoa_prefix_is_stripped_with_advice() {
        let ucd = parse("ivoa:pos.eq.ra;meta.main").unwrap();
        assert_eq!(ucd.to_string(), "pos.eq.ra;meta.main");
        let issues = validate("ivoa:pos.eq.ra");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::IvoaNamespace);
        assert_eq!(issues[0].severity(), Severity::Advice);
        assert!(matches!(parse("ivoa:pos.nonsense"), Err(UcdError::UnknownWord { .. })));
    }

    #[test]
    fn whitespace_around_words_is_accepted_with_a_warning() {
        let ucd = parse(" pos.eq.ra ; meta.main").unwrap();
        assert_eq!(ucd.to_string(), "pos.eq.ra;meta.main");
        let issues = validate("pos.eq.ra; meta.main");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::Whitespace);
        assert_eq!(issues[0].offset, 11);
    }

    #[test]
    fn photometric_words_take_one_band() {
        assert_eq!(kinds("phot.mag;em.opt.V"), vec![]);
        assert_eq!(kinds("phot.mag;em.opt.V;em.opt.B"), vec![IssueKind::ExtraBand]);
        // A photometric word used as a qualifier still takes its band.
        assert_eq!(kinds("stat.error;phot.mag;em.opt.V"), vec![]);
    }

    #[test]
    fn colour_words_take_two_bands() {
        assert_eq!(kinds("phot.color;em.opt.B;em.opt.V"), vec![]);
        assert_eq!(kinds("phot.color;em.opt.U;em.opt.B;em.opt.V"), vec![IssueKind::ExtraBand]);
        assert!(validate("phot.color;em.opt.U;em.opt.B;em.opt.V")[0].message.contains("two"));
    }

    #[test]
    fn vector_words_take_one_axis_or_frame() {
        assert_eq!(kinds("pos.pm;pos.eq.ra"), vec![]);
        assert_eq!(kinds("phys.veloc;pos.galactocentric"), vec![]);
        assert_eq!(kinds("pos.pm;pos.eq.ra;pos.eq.dec"), vec![IssueKind::ExtraAxis]);
    }

    #[test]
    fn duplicated_words_get_advice() {
        let issues = validate("pos.eq.ra;meta.main;META.MAIN");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::DuplicateWord);
        assert_eq!(issues[0].offset, 20);
    }

    #[test]
    fn all_findings_are_reported_not_just_the_first() {
        let found = kinds("meta.main;pos.eq.nonsense;phys.distance;meta.id");
        assert!(found.contains(&IssueKind::SecondaryFirst), "{found:?}");
        assert!(found.contains(&IssueKind::UnknownWord));
        assert!(found.contains(&IssueKind::Deprecated));
        assert!(found.contains(&IssueKind::PrimaryNotFirst));
    }

    #[test]
    fn explain_describes_every_kind_of_word() {
        assert_eq!(
            explain("pos.eq.ra;meta.main").unwrap(),
            "pos.eq.ra: Right ascension in equatorial coordinates\nmeta.main: Main value of something"
        );
        assert_eq!(explain("phys.distance").unwrap(), "phys.distance: deprecated, use pos.distance (Linear distance)");
        assert!(explain("ID_MAIN").unwrap().contains("UCD1 name for meta.id;meta.main"));
        assert!(explain("x:y").unwrap().starts_with("x:y: non-standard word"));
        assert!(matches!(explain("nonsense.word"), Err(UcdError::UnknownWord { .. })));
    }

    #[test]
    fn issues_display_severity_and_name() {
        let issue = &validate("phys.distance")[0];
        assert!(issue.to_string().starts_with("warning DEPRECATED: "), "{issue}");
    }
}
