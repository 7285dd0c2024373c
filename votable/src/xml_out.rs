//! Serialising the document model to XML text (everything except table data).
//!
//! The streaming writer needs the document in three pieces: the part before the table data, the
//! part between the data and the place where trailing INFOs go (inside the RESOURCE, after the
//! TABLE), and the rest. [`write_document`] produces those pieces in one pass.

use crate::model::{
    CooSys, Field, FieldRef, Group, Info, Link, NAMESPACE_1_3, Param, Resource, Table, TimeSys, VERSION, Values,
    ValuesOption, ValuesType, VoTable,
};

/// Where the data of the streamed table goes, and what surrounds it.
pub(crate) struct DataSlot<'a> {
    /// The table whose data is streamed (compared by address).
    pub table: &'a Table,
    /// Opening markup inside `<DATA>`, e.g. `<BINARY2><STREAM encoding="base64">`.
    pub open: &'a str,
    /// Closing markup, e.g. `</STREAM></BINARY2>`.
    pub close: &'a str,
}

/// The document split at the data and at the trailing-INFO insertion point.
#[derive(Debug, Default)]
pub(crate) struct DocumentParts {
    /// Up to and including the opening data markup.
    pub head: String,
    /// From the closing data markup to where trailing INFOs are inserted.
    pub middle: String,
    /// The rest of the document.
    pub tail: String,
    /// Indentation depth for inserted trailing INFOs.
    pub trailer_depth: usize,
}

/// Serialises `doc`; with a `slot`, splits it around that table's data.
pub(crate) fn write_document(doc: &VoTable, slot: Option<&DataSlot<'_>>) -> DocumentParts {
    let mut out = XmlOut { buf: String::with_capacity(4096), depth: 0, data_at: None, trailer_at: None };
    out.buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // Only the versions sharing the v1.3 namespace can be written in it.
    let version = match doc.version.as_str() {
        v @ ("1.3" | "1.4" | "1.5") => v,
        _ => VERSION,
    };
    out.start(
        "VOTABLE",
        &[
            ("version", Some(version)),
            ("ID", doc.id.as_deref()),
            ("xmlns", Some(NAMESPACE_1_3)),
            ("xmlns:xsi", Some("http://www.w3.org/2001/XMLSchema-instance")),
            ("xsi:schemaLocation", Some("http://www.ivoa.net/xml/VOTable/v1.3 http://www.ivoa.net/xml/VOTable/v1.3")),
        ],
    );
    out.description(doc.description.as_deref());
    out.infos(&doc.infos);
    doc.coosys.iter().for_each(|c| out.coosys(c));
    doc.timesys.iter().for_each(|t| out.timesys(t));
    doc.params.iter().for_each(|p| out.param(p));
    doc.groups.iter().for_each(|g| out.group(g));
    doc.resources.iter().for_each(|r| out.resource(r, slot));
    out.infos(&doc.trailing_infos);
    out.end("VOTABLE");

    let data_at = out.data_at.unwrap_or(out.buf.len());
    let (trailer_at, trailer_depth) = out.trailer_at.unwrap_or((out.buf.len(), 1));
    let mut head = out.buf;
    let tail = head.split_off(trailer_at);
    let middle = head.split_off(data_at);
    DocumentParts { head, middle, tail, trailer_depth }
}

/// Serialises INFO elements at the given depth (used for trailing INFOs written by `finish`).
pub(crate) fn write_infos(infos: &[Info], depth: usize) -> String {
    let mut out = XmlOut { buf: String::new(), depth, data_at: None, trailer_at: None };
    out.infos(infos);
    out.buf
}

/// A VALUES element as a standalone XML fragment (kept in Arrow metadata).
pub(crate) fn values_fragment(values: &Values) -> String {
    let mut out = XmlOut { buf: String::new(), depth: 0, data_at: None, trailer_at: None };
    out.values(values);
    out.buf.trim_end().to_string()
}

/// LINK elements as a standalone XML fragment (kept in Arrow metadata).
pub(crate) fn links_fragment(links: &[Link]) -> String {
    let mut out = XmlOut { buf: String::new(), depth: 0, data_at: None, trailer_at: None };
    links.iter().for_each(|l| out.link(l));
    out.buf.trim_end().to_string()
}

fn escape_into(out: &mut String, text: &str, attribute: bool) {
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| needs_escape(c, attribute)) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or('\u{FFFD}');
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Attribute values are whitespace-normalised by parsers unless written as references.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push('\u{FFFD}'),
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
}

fn needs_escape(c: char, attribute: bool) -> bool {
    match c {
        '&' | '<' | '>' => true,
        '"' | '\t' | '\n' | '\r' => attribute,
        _ => !is_xml_char(c),
    }
}

/// The XML 1.0 `Char` production.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

struct XmlOut {
    buf: String,
    depth: usize,
    data_at: Option<usize>,
    trailer_at: Option<(usize, usize)>,
}

type Attrs<'a> = [(&'a str, Option<&'a str>)];

impl XmlOut {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
    }

    fn tag(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(name);
        for (key, value) in attrs {
            if let Some(value) = value {
                self.buf.push(' ');
                self.buf.push_str(key);
                self.buf.push_str("=\"");
                escape_into(&mut self.buf, value, true);
                self.buf.push('"');
            }
        }
    }

    fn start(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.tag(name, attrs);
        self.buf.push_str(">\n");
        self.depth += 1;
    }

    fn empty(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.tag(name, attrs);
        self.buf.push_str("/>\n");
    }

    fn end(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    /// An element with optional text content (empty element when there is none).
    fn with_text(&mut self, name: &str, attrs: &Attrs<'_>, text: Option<&str>) {
        match text {
            None => self.empty(name, attrs),
            Some(text) => {
                self.tag(name, attrs);
                self.buf.push('>');
                escape_into(&mut self.buf, text, false);
                self.buf.push_str("</");
                self.buf.push_str(name);
                self.buf.push_str(">\n");
            }
        }
    }

    fn description(&mut self, text: Option<&str>) {
        if let Some(text) = text {
            self.with_text("DESCRIPTION", &[], Some(text));
        }
    }

    fn infos(&mut self, infos: &[Info]) {
        for info in infos {
            self.with_text(
                "INFO",
                &[
                    ("ID", info.id.as_deref()),
                    ("name", Some(&info.name)),
                    ("value", Some(&info.value)),
                    ("unit", info.unit.as_deref()),
                    ("xtype", info.xtype.as_deref()),
                    ("ref", info.reference.as_deref()),
                    ("ucd", info.ucd.as_deref()),
                    ("utype", info.utype.as_deref()),
                ],
                info.content.as_deref(),
            );
        }
    }

    fn coosys(&mut self, c: &CooSys) {
        self.empty(
            "COOSYS",
            &[
                ("ID", c.id.as_deref()),
                ("system", Some(&c.system)),
                ("equinox", c.equinox.as_deref()),
                ("epoch", c.epoch.as_deref()),
                ("refposition", c.refposition.as_deref()),
            ],
        );
    }

    fn timesys(&mut self, t: &TimeSys) {
        self.empty(
            "TIMESYS",
            &[
                ("ID", t.id.as_deref()),
                ("timeorigin", t.timeorigin.as_deref()),
                ("timescale", Some(&t.timescale)),
                ("refposition", Some(&t.refposition)),
            ],
        );
    }

    fn link(&mut self, l: &Link) {
        self.with_text(
            "LINK",
            &[
                ("ID", l.id.as_deref()),
                ("content-role", l.content_role.as_deref()),
                ("content-type", l.content_type.as_deref()),
                ("title", l.title.as_deref()),
                ("value", l.value.as_deref()),
                ("href", l.href.as_deref()),
                ("action", l.action.as_deref()),
            ],
            l.content.as_deref(),
        );
    }

    fn field_like(&mut self, element: &str, f: &Field, value: Option<&str>) {
        let arraysize = f.arraysize.as_ref().map(|a| a.to_string());
        let width = f.width.map(|w| w.to_string());
        let attrs: [(&str, Option<&str>); 13] = [
            ("name", Some(&f.name)),
            ("ID", f.id.as_deref()),
            ("datatype", Some(f.datatype.as_str())),
            ("arraysize", arraysize.as_deref()),
            ("width", width.as_deref()),
            ("precision", f.precision.as_deref()),
            ("unit", f.unit.as_deref()),
            ("ucd", f.ucd.as_deref()),
            ("utype", f.utype.as_deref()),
            ("xtype", f.xtype.as_deref()),
            ("ref", f.reference.as_deref()),
            ("type", f.field_type.as_deref()),
            ("value", value),
        ];
        if f.description.is_none() && f.values.is_none() && f.links.is_empty() {
            self.empty(element, &attrs);
            return;
        }
        self.start(element, &attrs);
        self.description(f.description.as_deref());
        if let Some(v) = &f.values {
            self.values(v);
        }
        f.links.iter().for_each(|l| self.link(l));
        self.end(element);
    }

    fn param(&mut self, p: &Param) {
        self.field_like("PARAM", &p.field, Some(&p.value));
    }

    fn values(&mut self, v: &Values) {
        let attrs = [
            ("ID", v.id.as_deref()),
            ("type", (v.values_type == ValuesType::Actual).then_some("actual")),
            ("null", v.null.as_deref()),
            ("ref", v.reference.as_deref()),
        ];
        if v.min.is_none() && v.max.is_none() && v.options.is_empty() {
            self.empty("VALUES", &attrs);
            return;
        }
        self.start("VALUES", &attrs);
        for (name, limit) in [("MIN", &v.min), ("MAX", &v.max)] {
            if let Some(limit) = limit {
                self.empty(name, &[("value", Some(&limit.value)), ("inclusive", (!limit.inclusive).then_some("no"))]);
            }
        }
        v.options.iter().for_each(|o| self.option(o));
        self.end("VALUES");
    }

    fn option(&mut self, o: &ValuesOption) {
        let attrs = [("name", o.name.as_deref()), ("value", Some(o.value.as_str()))];
        if o.options.is_empty() {
            self.empty("OPTION", &attrs);
        } else {
            self.start("OPTION", &attrs);
            o.options.iter().for_each(|o| self.option(o));
            self.end("OPTION");
        }
    }

    fn group(&mut self, g: &Group) {
        self.start(
            "GROUP",
            &[
                ("ID", g.id.as_deref()),
                ("name", g.name.as_deref()),
                ("ref", g.reference.as_deref()),
                ("ucd", g.ucd.as_deref()),
                ("utype", g.utype.as_deref()),
            ],
        );
        self.description(g.description.as_deref());
        g.field_refs.iter().for_each(|r| self.field_ref("FIELDref", r));
        g.param_refs.iter().for_each(|r| self.field_ref("PARAMref", r));
        g.params.iter().for_each(|p| self.param(p));
        g.groups.iter().for_each(|g| self.group(g));
        self.end("GROUP");
    }

    fn field_ref(&mut self, element: &str, r: &FieldRef) {
        self.empty(element, &[("ref", Some(&r.reference)), ("ucd", r.ucd.as_deref()), ("utype", r.utype.as_deref())]);
    }

    fn resource(&mut self, r: &Resource, slot: Option<&DataSlot<'_>>) {
        self.start(
            "RESOURCE",
            &[
                ("ID", r.id.as_deref()),
                ("name", r.name.as_deref()),
                ("type", Some(r.resource_type.as_str())),
                ("utype", r.utype.as_deref()),
            ],
        );
        self.description(r.description.as_deref());
        self.infos(&r.infos);
        r.coosys.iter().for_each(|c| self.coosys(c));
        r.timesys.iter().for_each(|t| self.timesys(t));
        r.params.iter().for_each(|p| self.param(p));
        r.groups.iter().for_each(|g| self.group(g));
        r.links.iter().for_each(|l| self.link(l));
        let mut holds_slot = false;
        for t in &r.tables {
            let is_slot = slot.is_some_and(|s| std::ptr::eq(s.table, t));
            holds_slot |= is_slot;
            self.table(t, if is_slot { slot } else { None });
        }
        r.resources.iter().for_each(|r| self.resource(r, slot));
        self.infos(&r.trailing_infos);
        if holds_slot {
            self.trailer_at = Some((self.buf.len(), self.depth));
        }
        for extension in &r.extensions {
            self.indent();
            self.buf.push_str(extension.trim());
            self.buf.push('\n');
        }
        self.end("RESOURCE");
    }

    fn table(&mut self, t: &Table, slot: Option<&DataSlot<'_>>) {
        let nrows = t.nrows.map(|n| n.to_string());
        self.start(
            "TABLE",
            &[
                ("ID", t.id.as_deref()),
                ("name", t.name.as_deref()),
                ("ref", t.reference.as_deref()),
                ("ucd", t.ucd.as_deref()),
                ("utype", t.utype.as_deref()),
                ("nrows", nrows.as_deref()),
            ],
        );
        self.description(t.description.as_deref());
        self.infos(&t.infos);
        t.params.iter().for_each(|p| self.param(p));
        t.fields.iter().for_each(|f| self.field_like("FIELD", f, None));
        t.groups.iter().for_each(|g| self.group(g));
        t.links.iter().for_each(|l| self.link(l));
        if let Some(slot) = slot {
            self.start("DATA", &[]);
            self.indent();
            self.buf.push_str(slot.open);
            self.data_at = Some(self.buf.len());
            self.buf.push_str(slot.close);
            self.buf.push('\n');
            self.end("DATA");
        }
        self.infos(&t.trailing_infos);
        self.end("TABLE");
    }
}

impl VoTable {
    /// The document as XML text, without table data (for error documents, metadata-only answers,
    /// DataLink service descriptors...). Always written in the VOTable 1.3 namespace.
    pub fn to_xml_string(&self) -> String {
        write_document(self, None).head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArraySize, Datatype, Limit};

    #[test]
    fn escapes_text_and_attributes() {
        let mut s = String::new();
        escape_into(&mut s, "a<b & \"c\"\n\u{1}", true);
        assert_eq!(s, "a&lt;b &amp; &quot;c&quot;&#10;\u{FFFD}");
        let mut s = String::new();
        escape_into(&mut s, "x > \"y\"\n", false);
        assert_eq!(s, "x &gt; \"y\"\n");
    }

    #[test]
    fn error_document() {
        let mut doc = VoTable::default();
        let mut r = Resource::default();
        r.infos.push(Info::new("QUERY_STATUS", "ERROR").with_content("table 'foo' not found"));
        doc.resources.push(r);
        let xml = doc.to_xml_string();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VOTABLE version=\"1.5\""));
        assert!(xml.contains("xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\""));
        assert!(xml.contains("<INFO name=\"QUERY_STATUS\" value=\"ERROR\">table 'foo' not found</INFO>"));
        assert!(xml.trim_end().ends_with("</VOTABLE>"));
    }

    #[test]
    fn field_with_values_and_links() {
        let mut f = Field::new("flux", Datatype::Int).with_null("-1").with_description("a flux");
        f.values.as_mut().unwrap().min = Some(Limit { value: "0".into(), inclusive: false });
        f.links.push(Link { href: Some("http://x/y?a=1&b=2".into()), ..Link::default() });
        let mut t = Table::default();
        t.fields.push(f);
        t.fields.push(Field::new("s", Datatype::Char).with_arraysize(ArraySize::variable()));
        let mut doc = VoTable::default();
        doc.resources.push(Resource::results_with(t));
        let xml = doc.to_xml_string();
        assert!(xml.contains("<VALUES null=\"-1\">\n"), "{xml}");
        assert!(xml.contains("<MIN value=\"0\" inclusive=\"no\"/>"));
        assert!(xml.contains("href=\"http://x/y?a=1&amp;b=2\""));
        assert!(xml.contains("<FIELD name=\"s\" datatype=\"char\" arraysize=\"*\"/>"));
    }

    #[test]
    fn splits_around_data_and_trailer() {
        let mut t = Table::default();
        t.fields.push(Field::new("x", Datatype::Int));
        let mut doc = VoTable::default();
        doc.resources.push(Resource::results_with(t));
        let slot = DataSlot { table: &doc.resources[0].tables[0], open: "<TABLEDATA>", close: "</TABLEDATA>" };
        let parts = write_document(&doc, Some(&slot));
        assert!(parts.head.ends_with("<TABLEDATA>"));
        assert!(parts.middle.starts_with("</TABLEDATA>\n"));
        assert!(parts.middle.trim_end().ends_with("</TABLE>"));
        assert!(parts.tail.trim_start().starts_with("</RESOURCE>"));
        assert_eq!(parts.trailer_depth, 2);
    }
}
