//! An indenting XML writer. Escaping comes from quick-xml; the writer adds what our documents
//! need on top: prefixed names, optional attributes (skipped when `None`), leaves, and removal of
//! characters XML 1.0 cannot carry (a control character in a user's description must not make
//! the whole capabilities document unreadable).

use quick_xml::escape::{escape, partial_escape};

use crate::xml::ns;
use crate::xml::tree::Element;

/// Builds one XML document (or fragment) as a string.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    open: Vec<String>,
    /// Indentation of the outermost element, for fragments embedded in a larger document.
    base_depth: usize,
}

/// An attribute list: `None` values are left out.
pub type Attrs<'a> = [(&'a str, Option<&'a str>)];

impl XmlWriter {
    /// A document, starting with the XML declaration.
    pub fn new() -> Self {
        XmlWriter { out: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_string(), ..Default::default() }
    }

    /// A fragment without XML declaration whose elements are indented `base_depth` levels.
    pub fn fragment(base_depth: usize) -> Self {
        XmlWriter { base_depth, ..Default::default() }
    }

    fn indent(&mut self) {
        for _ in 0..(self.base_depth + self.open.len()) {
            self.out.push_str("  ");
        }
    }

    fn open_tag(&mut self, name: &str, attributes: &Attrs<'_>) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            if let Some(value) = value {
                self.out.push(' ');
                self.out.push_str(key);
                self.out.push_str("=\"");
                self.out.push_str(&escape(xml_chars_only(value)));
                self.out.push('"');
            }
        }
    }

    /// Opens an element; close it with [`XmlWriter::end`].
    pub fn start(&mut self, name: &str, attributes: &Attrs<'_>) {
        self.open_tag(name, attributes);
        self.out.push_str(">\n");
        self.open.push(name.to_string());
    }

    /// Closes the element opened last.
    pub fn end(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out.push_str(&name);
            self.out.push_str(">\n");
        }
    }

    /// `<name attributes/>`
    pub fn empty(&mut self, name: &str, attributes: &Attrs<'_>) {
        self.open_tag(name, attributes);
        self.out.push_str("/>\n");
    }

    /// `<name attributes>text</name>`
    pub fn leaf(&mut self, name: &str, attributes: &Attrs<'_>, text: &str) {
        self.open_tag(name, attributes);
        self.out.push('>');
        self.out.push_str(&partial_escape(xml_chars_only(text)));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// A leaf without attributes.
    pub fn text(&mut self, name: &str, text: &str) {
        self.leaf(name, &[], text);
    }

    /// A leaf only if there is a value.
    pub fn optional(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.text(name, text);
        }
    }

    /// One leaf per value.
    pub fn each(&mut self, name: &str, texts: &[String]) {
        for text in texts {
            self.text(name, text);
        }
    }

    /// A leaf holding a number or boolean, if there is one.
    pub fn optional_value<T: ToString>(&mut self, name: &str, value: Option<T>) {
        if let Some(value) = value {
            self.text(name, &value.to_string());
        }
    }

    /// Writes an element kept verbatim from a document we read (e.g. an STC coverage profile),
    /// declaring on it every namespace its subtree uses.
    pub fn verbatim(&mut self, element: &Element) {
        let mut namespaces: Vec<String> = Vec::new();
        collect_namespaces(element, &mut namespaces);
        let prefixes: Vec<(String, String)> = namespaces
            .iter()
            .enumerate()
            .map(|(i, uri)| {
                (uri.clone(), ns::conventional_prefix(uri).map_or_else(|| format!("ns{i}"), str::to_string))
            })
            .collect();
        let declarations: Vec<(String, String)> =
            prefixes.iter().map(|(uri, prefix)| (format!("xmlns:{prefix}"), uri.clone())).collect();
        self.verbatim_element(element, &prefixes, &declarations);
    }

    fn verbatim_element(
        &mut self,
        element: &Element,
        prefixes: &[(String, String)],
        declarations: &[(String, String)],
    ) {
        let qualify = |namespace: &Option<String>, local: &str| match namespace {
            Some(uri) => {
                let prefix = prefixes.iter().find(|(u, _)| u == uri).map(|(_, p)| p.as_str()).unwrap_or("xml");
                format!("{prefix}:{local}")
            }
            None => local.to_string(),
        };
        let name = qualify(&element.name.namespace, &element.name.local);
        let xsi_type = element.xsi_type.as_ref().map(|t| qualify(&t.namespace, &t.local));
        let attribute_names: Vec<String> =
            element.attributes.iter().map(|a| qualify(&a.name.namespace, &a.name.local)).collect();
        let mut attributes: Vec<(&str, Option<&str>)> =
            declarations.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))).collect();
        attributes
            .extend(attribute_names.iter().zip(&element.attributes).map(|(k, a)| (k.as_str(), Some(a.value.as_str()))));
        attributes.push(("xsi:type", xsi_type.as_deref()));
        if element.children.is_empty() {
            let text = element.trimmed_text();
            if text.is_empty() {
                self.empty(&name, &attributes);
            } else {
                self.leaf(&name, &attributes, text);
            }
        } else {
            self.start(&name, &attributes);
            for child in &element.children {
                self.verbatim_element(child, prefixes, &[]);
            }
            self.end();
        }
    }

    /// The document text; closes any element still open.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

fn collect_namespaces(element: &Element, found: &mut Vec<String>) {
    let mut add = |uri: &str| {
        if !found.iter().any(|f| f == uri) {
            found.push(uri.to_string());
        }
    };
    let names =
        std::iter::once(&element.name).chain(element.attributes.iter().map(|a| &a.name)).chain(&element.xsi_type);
    names.filter_map(|name| name.namespace.as_deref()).for_each(&mut add);
    if element.xsi_type.is_some() {
        add(ns::XSI);
    }
    for child in &element.children {
        collect_namespaces(child, found);
    }
}

/// Drops characters that XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF).
fn xml_chars_only(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    if text.chars().all(allowed) {
        text.into()
    } else {
        text.chars().filter(|c| allowed(*c)).collect::<String>().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_skips_missing_attributes() {
        let mut w = XmlWriter::fragment(0);
        w.start("a", &[("x", Some("1 < \"2\"")), ("y", None)]);
        w.text("b", "x & y < z");
        w.optional("c", None);
        w.empty("d", &[]);
        assert_eq!(w.finish(), "<a x=\"1 &lt; &quot;2&quot;\">\n  <b>x &amp; y &lt; z</b>\n  <d/>\n</a>\n");
    }

    #[test]
    fn control_characters_are_dropped() {
        let mut w = XmlWriter::fragment(0);
        w.text("b", "bell\u{7} tab\t");
        assert_eq!(w.finish(), "<b>bell tab\t</b>\n");
    }
}
