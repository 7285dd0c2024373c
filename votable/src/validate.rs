//! Structural validation of a VOTable document.
//!
//! [`validate`] reads a whole document (data included, in constant memory) and reports problems
//! with their line and column: malformed XML, unknown datatypes, bad arraysizes, wrong number of
//! TABLEDATA cells, values that do not fit their datatype, truncated or bad base64 data, dangling
//! `ref`s, invalid `ID`s, missing required attributes; and, as warnings, UCDs that are not clean
//! UCD1+ (unknown or misplaced words, deprecated and UCD1 words: see `vo-ucd`). It is not a
//! replacement for XSD validation but catches what a schema cannot (cell counts, value syntax,
//! references, vocabularies).
//!
//! ```
//! let xml = r#"<VOTABLE version="1.5" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>
//! <FIELD name="a" datatype="int" ref="nowhere"/>
//! <DATA><TABLEDATA><TR><TD>1</TD><TD>2</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"#;
//! let problems = vo_votable::validate(xml.as_bytes());
//! assert!(problems.iter().any(|p| p.message.contains("more cells")));
//! assert!(problems.iter().any(|p| p.message.contains("nowhere")));
//! ```

use std::collections::HashSet;
use std::fmt;
use std::io::BufRead;

use crate::model::{Field, Group, Resource, Table, VoTable};
use crate::reader::VotableReader;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Allowed but discouraged (e.g. deprecated elements, `arraysize="1"`).
    Warning,
    /// The document violates the standard; readers may fail on it.
    Error,
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column in bytes (0 when unknown).
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}:{}: {level}: {}", self.line, self.column, self.message)
    }
}

/// Reads the whole document and returns its problems (empty for a clean document).
///
/// Every bad TABLEDATA value is reported (the first 100 with their positions, then a count),
/// and so is every row with the wrong number of cells. Reading stops at the first error in the
/// XML or in binary data, since the position in the stream is unknown afterwards; metadata
/// checks run on whatever was parsed.
pub fn validate<R: BufRead>(input: R) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut reader = match VotableReader::new(input) {
        Ok(r) => r.collecting_value_errors(),
        Err(e) => {
            problems.push(from_error(&e));
            return problems;
        }
    };
    let mut fatal = None;
    for batch in reader.by_ref() {
        if let Err(e) = batch {
            fatal = Some(from_error(&e));
            break;
        }
    }
    let value_errors = reader.take_value_errors();
    problems.extend(value_errors.listed.iter().map(from_error));
    if value_errors.unlisted > 0 {
        problem(&mut problems, Severity::Error, format!("{} more bad values, not listed", value_errors.unlisted));
    }
    problems.extend(fatal);
    check_metadata(reader.document(), &mut problems);
    problems
}

fn from_error(e: &crate::Error) -> Problem {
    let position = e.position().unwrap_or_default();
    Problem { line: position.line, column: position.column, message: e.to_string(), severity: Severity::Error }
}

fn problem(problems: &mut Vec<Problem>, severity: Severity, message: String) {
    problems.push(Problem { line: 0, column: 0, message, severity });
}

/// Checks that need the whole model: versions, IDs, references, attribute values.
fn check_metadata(doc: &VoTable, problems: &mut Vec<Problem>) {
    if !matches!(doc.version.as_str(), "1.0" | "1.1" | "1.2" | "1.3" | "1.4" | "1.5") {
        problem(problems, Severity::Error, format!("unknown VOTABLE version \"{}\"", doc.version));
    }
    if let Some(ns) = &doc.namespace
        && !crate::reader::is_votable_namespace(ns)
    {
        problem(problems, Severity::Error, format!("unknown VOTable namespace \"{ns}\""));
    }
    if doc.resources.is_empty() {
        problem(problems, Severity::Error, "VOTABLE has no RESOURCE".into());
    }
    if doc.definitions.is_some() {
        problem(problems, Severity::Warning, "DEFINITIONS is deprecated since VOTable 1.1".into());
    }
    let mut ids = HashSet::new();
    let mut duplicate = Vec::new();
    doc.visit(&mut |element| {
        if let Some(id) = element.id()
            && !ids.insert(id.to_string())
        {
            duplicate.push(id.to_string());
        }
    });
    for id in duplicate {
        problem(problems, Severity::Error, format!("ID \"{id}\" is used more than once"));
    }
    for id in &ids {
        if !is_xml_name(id) {
            problem(
                problems,
                Severity::Error,
                format!("ID \"{id}\" is not a valid XML ID (must start with a letter or '_')"),
            );
        }
    }
    for c in &doc.coosys {
        if c.id.is_none() {
            problem(problems, Severity::Error, "COOSYS without the required ID".into());
        }
    }
    for_each_field(doc, &mut |field, what| check_ucd(field, what, problems));
    let mut check_ref = |reference: &Option<String>, what: &str| {
        if let Some(r) = reference
            && !ids.contains(r)
        {
            problem(problems, Severity::Error, format!("{what} ref=\"{r}\" does not match any ID"));
        }
    };
    for_each_field(doc, &mut |field, what| {
        check_ref(&field.reference, &format!("{what} '{}'", field.name));
    });
    for_each_group(doc, &mut |group| {
        check_ref(&group.reference, "GROUP");
        for r in group.field_refs.iter().chain(&group.param_refs) {
            check_ref(&Some(r.reference.clone()), "FIELDref/PARAMref");
        }
    });
    for_each_field(doc, &mut |field, what| check_field(field, what, problems));
}

fn check_field(field: &Field, what: &str, problems: &mut Vec<Problem>) {
    let name = &field.name;
    if name.trim().is_empty() {
        problem(problems, Severity::Error, format!("{what} without a name"));
    }
    if let Some(size) = &field.arraysize
        && size.leading.is_empty()
        && size.last == crate::model::LastDim::Fixed(1)
    {
        problem(problems, Severity::Warning, format!("{what} '{name}': arraysize=\"1\" should not be used"));
    }
    if field.datatype == crate::model::Datatype::Char && field.arraysize.is_none() && field.xtype.is_none() {
        problem(problems, Severity::Warning, format!("{what} '{name}': char without arraysize holds one character"));
    }
    if let Some(null) = field.null_value() {
        if !field.datatype.is_integer() {
            problem(
                problems,
                Severity::Warning,
                format!("{what} '{name}': VALUES null is only defined for integer datatypes"),
            );
        } else if let Err(e) = crate::layout::CellLayout::new(field) {
            problem(problems, Severity::Error, e.to_string());
        }
        let _ = null;
    }
    if let Some(p) = &field.precision {
        let digits = p.strip_prefix(['E', 'F']).unwrap_or(p);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            problem(problems, Severity::Error, format!("{what} '{name}': precision=\"{p}\" is not [EF]?digits"));
        }
    }
}

fn is_xml_name(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// UCD findings (UCD1+ word list, word order, deprecated and UCD1 words) as warnings: a wrong
/// UCD does not make the document unreadable, but clients that select columns by UCD miss it.
fn check_ucd(field: &Field, what: &str, problems: &mut Vec<Problem>) {
    let Some(ucd) = field.ucd.as_deref() else { return };
    for issue in vo_ucd::validate(ucd) {
        if issue.severity() >= vo_ucd::Severity::Warning {
            let message = format!("{what} '{}': UCD \"{ucd}\": {}", field.name, issue.message);
            problem(problems, Severity::Warning, message);
        }
    }
}

fn for_each_field(doc: &VoTable, f: &mut dyn FnMut(&Field, &str)) {
    fn groups(gs: &[Group], f: &mut dyn FnMut(&Field, &str)) {
        for g in gs {
            g.params.iter().for_each(|p| f(&p.field, "PARAM"));
            groups(&g.groups, f);
        }
    }
    fn table(t: &Table, f: &mut dyn FnMut(&Field, &str)) {
        t.fields.iter().for_each(|x| f(x, "FIELD"));
        t.params.iter().for_each(|p| f(&p.field, "PARAM"));
        groups(&t.groups, f);
    }
    fn resources(rs: &[Resource], f: &mut dyn FnMut(&Field, &str)) {
        for r in rs {
            r.params.iter().for_each(|p| f(&p.field, "PARAM"));
            groups(&r.groups, f);
            r.tables.iter().for_each(|t| table(t, f));
            resources(&r.resources, f);
        }
    }
    doc.params.iter().for_each(|p| f(&p.field, "PARAM"));
    groups(&doc.groups, f);
    resources(&doc.resources, f);
}

fn for_each_group(doc: &VoTable, f: &mut dyn FnMut(&Group)) {
    fn groups(gs: &[Group], f: &mut dyn FnMut(&Group)) {
        for g in gs {
            f(g);
            groups(&g.groups, f);
        }
    }
    fn resources(rs: &[Resource], f: &mut dyn FnMut(&Group)) {
        for r in rs {
            groups(&r.groups, f);
            r.tables.iter().for_each(|t| groups(&t.groups, f));
            resources(&r.resources, f);
        }
    }
    groups(&doc.groups, f);
    resources(&doc.resources, f);
}
