//! A namespace-resolved element tree. Readers of the VOResource types walk this tree rather than
//! the event stream, which keeps each `read` function a plain description of the schema.
//!
//! The tree is also the *infoset* used by round-trip tests: names are compared by namespace URI
//! (never by prefix), `xsi:type` values are resolved to `{namespace}local`, text is compared
//! trimmed, and namespace declarations and `xsi:schemaLocation` (which our writers do not emit)
//! are left out.

use quick_xml::events::Event;
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;

use crate::error::{Position, ResourceError};
use crate::xml::ns;

/// A name resolved against the namespaces in scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    pub namespace: Option<String>,
    pub local: String,
}

impl QualifiedName {
    pub fn new(namespace: Option<&str>, local: &str) -> Self {
        QualifiedName { namespace: namespace.map(str::to_string), local: local.to_string() }
    }

    pub fn is(&self, namespace: &str, local: &str) -> bool {
        self.namespace.as_deref() == Some(namespace) && self.local == local
    }
}

impl std::fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// An attribute other than a namespace declaration, `xsi:type` or `xsi:schemaLocation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: QualifiedName,
    pub value: String,
}

/// One element with its attributes, its direct text (concatenated) and its child elements.
#[derive(Debug, Clone)]
pub struct Element {
    pub name: QualifiedName,
    pub attributes: Vec<Attribute>,
    /// The resolved `xsi:type`, if any.
    pub xsi_type: Option<QualifiedName>,
    /// The `xsi:type` as written (prefix and all), for error messages.
    pub xsi_type_written: Option<String>,
    pub text: String,
    pub children: Vec<Element>,
    pub position: Position,
}

impl Element {
    fn new(name: QualifiedName, position: Position) -> Self {
        Element {
            name,
            attributes: Vec::new(),
            xsi_type: None,
            xsi_type_written: None,
            text: String::new(),
            children: Vec::new(),
            position,
        }
    }

    /// The local name (readers match children by local name: VOResource children are unqualified,
    /// VOSI availability children are qualified, and lenient reading accepts both).
    pub fn local_name(&self) -> &str {
        &self.name.local
    }

    /// The text content without surrounding whitespace.
    pub fn trimmed_text(&self) -> &str {
        self.text.trim()
    }

    /// The value of an unqualified attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.name.namespace.is_none() && a.name.local == name).map(|a| a.value.as_str())
    }

    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name.local == local)
    }

    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name.local == local)
    }

    /// Whether the `xsi:type` is `{namespace}local`.
    pub fn has_type(&self, namespace: &str, local: &str) -> bool {
        self.xsi_type.as_ref().is_some_and(|t| t.is(namespace, local))
    }

    /// Compares two trees as infosets; on a difference, says where and what.
    pub fn infoset_difference(&self, other: &Element) -> Option<String> {
        let here = format!("<{}> at {}", self.name, self.position);
        if self.name != other.name {
            return Some(format!("{here}: element name differs from {}", other.name));
        }
        if self.xsi_type != other.xsi_type {
            return Some(format!("{here}: xsi:type {:?} vs {:?}", self.xsi_type, other.xsi_type));
        }
        let mut mine = self.attributes.clone();
        let mut theirs = other.attributes.clone();
        mine.sort_by_key(|a| a.name.to_string());
        theirs.sort_by_key(|a| a.name.to_string());
        if mine.len() != theirs.len()
            || mine.iter().zip(&theirs).any(|(a, b)| a.name != b.name || a.value.trim() != b.value.trim())
        {
            return Some(format!("{here}: attributes {mine:?} vs {theirs:?}"));
        }
        if self.trimmed_text() != other.trimmed_text() {
            return Some(format!("{here}: text {:?} vs {:?}", self.trimmed_text(), other.trimmed_text()));
        }
        if self.children.len() != other.children.len() {
            let names = |e: &Element| e.children.iter().map(|c| c.name.local.clone()).collect::<Vec<_>>();
            return Some(format!("{here}: children {:?} vs {:?}", names(self), names(other)));
        }
        self.children.iter().zip(&other.children).find_map(|(a, b)| a.infoset_difference(b))
    }
}

/// Elements are equal when their infosets are (positions and prefixes do not count).
impl PartialEq for Element {
    fn eq(&self, other: &Element) -> bool {
        self.infoset_difference(other).is_none()
    }
}

/// Turns byte offsets into line/column positions, scanning the input once from left to right.
struct PositionTracker<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> PositionTracker<'a> {
    fn new(text: &'a str) -> Self {
        PositionTracker { text, offset: 0, line: 1, line_start: 0 }
    }

    fn at(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        if offset >= self.offset {
            for (i, byte) in self.text.as_bytes()[self.offset..offset].iter().enumerate() {
                if *byte == b'\n' {
                    self.line += 1;
                    self.line_start = self.offset + i + 1;
                }
            }
            self.offset = offset;
        }
        Position { line: self.line, column: offset.saturating_sub(self.line_start) + 1 }
    }
}

fn resolved_namespace(result: ResolveResult<'_>) -> Option<String> {
    match result {
        ResolveResult::Bound(ns) => Some(ns.0.to_string()),
        _ => None,
    }
}

/// Parses a whole document into its root element.
pub fn parse_document(text: &str) -> Result<Element, ResourceError> {
    let mut reader = NsReader::from_str(text);
    let mut positions = PositionTracker::new(text);
    let mut stack: Vec<Element> = Vec::new();
    let xml_error = |positions: &mut PositionTracker, offset: u64, message: String| ResourceError::Xml {
        position: positions.at(usize::try_from(offset).unwrap_or(usize::MAX)),
        message,
    };
    loop {
        let start_offset = reader.buffer_position();
        let event = match reader.read_resolved_event() {
            Ok((resolved, event)) => (resolved_namespace(resolved), event),
            Err(e) => return Err(xml_error(&mut positions, reader.error_position(), e.to_string())),
        };
        match event {
            (namespace, event @ (Event::Start(_) | Event::Empty(_))) => {
                let is_empty = matches!(event, Event::Empty(_));
                let (Event::Start(start) | Event::Empty(start)) = event else { continue };
                let local = start.local_name().as_ref().to_string();
                let mut element = Element::new(QualifiedName { namespace, local }, positions.at(start_offset as usize));
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|e| xml_error(&mut positions, start_offset, e.to_string()))?;
                    let key = attribute.key;
                    if key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| xml_error(&mut positions, start_offset, e.to_string()))?
                        .into_owned();
                    let (attr_ns, attr_local) = reader.resolver().resolve_attribute(key);
                    let name = QualifiedName {
                        namespace: resolved_namespace(attr_ns),
                        local: attr_local.as_ref().to_string(),
                    };
                    if name.is(ns::XSI, "type") {
                        let written = QName(value.trim());
                        let type_ns = resolved_namespace(reader.resolver().resolve_prefix(written.prefix(), true));
                        let type_local = written.local_name().as_ref().to_string();
                        element.xsi_type = Some(QualifiedName { namespace: type_ns, local: type_local });
                        element.xsi_type_written = Some(value.trim().to_string());
                    } else if !name.is(ns::XSI, "schemaLocation") {
                        element.attributes.push(Attribute { name, value });
                    }
                }
                if !is_empty {
                    stack.push(element);
                } else if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                } else {
                    return Ok(element);
                }
            }
            (_, Event::End(_)) => {
                let element =
                    stack.pop().ok_or_else(|| xml_error(&mut positions, start_offset, "unexpected end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            (_, Event::Text(text)) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&text.xml10_content());
                }
            }
            (_, Event::CData(data)) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&data.xml10_content());
                }
            }
            (_, Event::GeneralRef(reference)) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        quick_xml::escape::resolve_predefined_entity(&reference).map(str::to_string).ok_or_else(
                            || xml_error(&mut positions, start_offset, format!("unknown entity &{};", &*reference)),
                        )?
                    }
                    Err(e) => return Err(xml_error(&mut positions, start_offset, e.to_string())),
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&resolved);
                }
            }
            (_, Event::Eof) => {
                return Err(xml_error(
                    &mut positions,
                    start_offset,
                    "document ends before its root element is closed".into(),
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsi_type_is_resolved_by_namespace_not_prefix() {
        let doc = r#"<r xmlns:x="http://www.w3.org/2001/XMLSchema-instance" xmlns:t="http://www.ivoa.net/xml/TAPRegExt/v1.0">
  <capability x:type="t:TableAccess"/></r>"#;
        let root = parse_document(doc).unwrap();
        assert!(root.children[0].has_type(ns::TR, "TableAccess"));
        assert_eq!(root.children[0].xsi_type_written.as_deref(), Some("t:TableAccess"));
        assert!(root.children[0].attributes.is_empty());
    }

    #[test]
    fn entities_character_references_and_cdata_become_text() {
        let root = parse_document("<a>x &amp; y &#x3C; z <![CDATA[<raw>]]></a>").unwrap();
        assert_eq!(root.text, "x & y < z <raw>");
        assert!(parse_document("<a>&nbsp;</a>").unwrap_err().to_string().contains("unknown entity"));
    }

    #[test]
    fn positions_are_lines_and_columns() {
        let root = parse_document("<a>\n  <b/>\n    <c></c></a>").unwrap();
        assert_eq!(root.children[0].position, Position { line: 2, column: 3 });
        assert_eq!(root.children[1].position, Position { line: 3, column: 5 });
    }

    #[test]
    fn infoset_comparison_ignores_prefixes_and_reports_differences() {
        let a = parse_document(r#"<p:a xmlns:p="urn:x" k="1"><b> t </b></p:a>"#).unwrap();
        let b = parse_document(r#"<q:a xmlns:q="urn:x" k="1"><b>t</b></q:a>"#).unwrap();
        assert_eq!(a, b);
        let c = parse_document(r#"<q:a xmlns:q="urn:x" k="2"><b>t</b></q:a>"#).unwrap();
        assert!(a.infoset_difference(&c).unwrap().contains("attributes"));
    }

    #[test]
    fn unclosed_documents_are_errors() {
        assert!(matches!(parse_document("<a><b></b>"), Err(ResourceError::Xml { .. })));
        assert!(matches!(parse_document(""), Err(ResourceError::Xml { .. })));
    }
}
