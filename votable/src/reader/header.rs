//! Building the document model from XML events, one element at a time.
//!
//! The builder keeps a stack of open elements; closing an element attaches it to its parent. The
//! reader can stop feeding it at the DATA of the table it streams and resume after the data.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::error::{Error, Position, Result};
use crate::model::{
    CooSys, Definitions, Field, FieldRef, Group, Info, Limit, Link, NAMESPACE_1_1, NAMESPACE_1_2, NAMESPACE_1_3, Param,
    Resource, ResourceType, Table, TimeSys, Values, ValuesOption, ValuesType, VoTable,
};

/// Attributes of one element, unescaped.
pub(crate) struct Attributes(Vec<(String, String)>);

impl Attributes {
    pub(crate) fn parse(e: &BytesStart<'_>, position: Position) -> Result<Self> {
        let mut list = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| Error::xml(Some(position), err.to_string()))?;
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| Error::xml(Some(position), format!("attribute {}: {err}", attr.key.as_ref())))?;
            list.push((attr.key.as_ref().to_string(), value.into_owned()));
        }
        Ok(Attributes(list))
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn take(&mut self, key: &str) -> Option<String> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The text of a character or predefined entity reference; other entities are refused, since
/// they could only come from a DTD (the billion-laughs attack) and we do not expand DTDs.
pub(crate) fn resolve_reference(r: &BytesRef<'_>, position: Position) -> Result<char> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| Error::xml(Some(position), e.to_string()))? {
        return Ok(c);
    }
    match quick_xml::escape::resolve_predefined_entity(r) {
        Some(text) => Ok(text.chars().next().unwrap_or('\u{FFFD}')),
        None => Err(Error::xml(Some(position), format!("undefined entity &{};", &**r))),
    }
}

/// Refuses a DOCTYPE that declares entities (the billion-laughs attack and friends).
pub(crate) fn check_doctype(text: &str, position: Position) -> Result<()> {
    if text.contains("<!ENTITY") {
        return Err(Error::Unsupported {
            position: Some(position),
            message: "DTD entity declarations are refused (entity expansion is not supported)".into(),
        });
    }
    Ok(())
}

/// An open element.
enum Node {
    VoTable {
        doc: Box<VoTable>,
        seen_resource: bool,
    },
    Definitions(Definitions),
    Resource {
        resource: Box<Resource>,
        seen_child: bool,
        holds_streamed: bool,
    },
    Table {
        table: Box<Table>,
        seen_columns: bool,
        streamed: bool,
    },
    Data,
    Field(Box<Field>),
    Param(Box<Param>),
    Group(Box<Group>),
    Values(Values),
    Option(ValuesOption),
    Limit {
        limit: Limit,
        is_max: bool,
    },
    Info(Info),
    Link(Link),
    CooSys(CooSys),
    TimeSys(TimeSys),
    FieldRef {
        field_ref: FieldRef,
        is_param: bool,
    },
    Description(String),
    /// An element we do not model (or skipped data); its content is ignored.
    Ignored,
    /// Foreign-namespace content inside a RESOURCE, re-serialised as XML text.
    Foreign {
        depth: usize,
        writer: quick_xml::Writer<Vec<u8>>,
    },
}

/// What the reader should do after a start tag.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Keep feeding events.
    Continue,
    /// The DATA of the streamed table starts: the reader takes over until its serialization
    /// element ends.
    StreamedData,
    /// A STREAM inside skipped DATA starts: the reader must skip its text without buffering it.
    SkipStreamText,
}

/// Builds a [`VoTable`] from events.
#[derive(Default)]
pub(crate) struct HeaderBuilder {
    stack: Vec<Node>,
    /// Namespace declarations in scope: (stack depth, prefix, uri).
    namespaces: Vec<(usize, String, String)>,
    finished: Option<VoTable>,
    /// Whether the streamed table's DATA has been found.
    pub(crate) streamed_table_found: bool,
    /// INFOs after the streamed table's data, then after the table in its RESOURCE.
    pub(crate) streamed_trailing_infos: Vec<Info>,
}

impl HeaderBuilder {
    /// The document once `</VOTABLE>` has been seen.
    pub(crate) fn finished(&self) -> Option<&VoTable> {
        self.finished.as_ref()
    }

    pub(crate) fn take_finished(&mut self) -> Option<VoTable> {
        self.finished.take()
    }

    /// The table whose element is innermost on the stack (the streamed table during its DATA).
    pub(crate) fn current_table(&self) -> Option<&Table> {
        self.stack.iter().rev().find_map(|n| match n {
            Node::Table { table, .. } => Some(&**table),
            _ => None,
        })
    }

    pub(crate) fn current_table_mut(&mut self) -> Option<&mut Table> {
        self.stack.iter_mut().rev().find_map(|n| match n {
            Node::Table { table, .. } => Some(&mut **table),
            _ => None,
        })
    }

    /// The document as parsed so far: closed elements plus the open ones (copied).
    pub(crate) fn snapshot(&self) -> VoTable {
        if let Some(doc) = &self.finished {
            return doc.clone();
        }
        let mut copy = HeaderBuilder::default();
        for node in &self.stack {
            copy.stack.push(match node {
                Node::VoTable { doc, seen_resource } => {
                    Node::VoTable { doc: doc.clone(), seen_resource: *seen_resource }
                }
                Node::Resource { resource, seen_child, .. } => {
                    Node::Resource { resource: resource.clone(), seen_child: *seen_child, holds_streamed: false }
                }
                Node::Table { table, seen_columns, .. } => {
                    Node::Table { table: table.clone(), seen_columns: *seen_columns, streamed: false }
                }
                Node::Group(g) => Node::Group(g.clone()),
                Node::Definitions(d) => Node::Definitions(d.clone()),
                _ => Node::Ignored,
            });
        }
        while copy.stack.len() > 1 {
            let _ = copy.close_top(None);
        }
        match copy.stack.pop() {
            Some(Node::VoTable { doc, .. }) => *doc,
            _ => VoTable::default(),
        }
    }

    /// Handles a start (or empty, with `empty` set) tag.
    pub(crate) fn start(&mut self, e: &BytesStart<'_>, empty: bool, position: Position) -> Result<Outcome> {
        if let Some(Node::Foreign { depth, writer }) = self.stack.last_mut() {
            let event = if empty { Event::Empty(e.borrow()) } else { Event::Start(e.borrow()) };
            writer.write_event(event).map_err(|err| Error::xml(Some(position), err.to_string()))?;
            if !empty {
                *depth += 1;
            }
            return Ok(Outcome::Continue);
        }
        let attrs = Attributes::parse(e, position)?;
        let depth = self.stack.len();
        for (key, value) in attrs.iter() {
            if key == "xmlns" {
                self.namespaces.push((depth, String::new(), value.to_string()));
            } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                self.namespaces.push((depth, prefix.to_string(), value.to_string()));
            }
        }
        let qname = e.name();
        let prefix = qname.prefix().map(|p| p.as_ref().to_string()).unwrap_or_default();
        let namespace = self.namespace_of(&prefix).map(str::to_string);
        if !prefix.is_empty() && namespace.is_none() && prefix != "xml" {
            return Err(Error::xml(Some(position), format!("undeclared namespace prefix '{prefix}'")));
        }
        let local = qname.local_name().as_ref().to_string();
        let is_votable_namespace = match namespace.as_deref() {
            None => true,
            Some(ns) => is_votable_namespace(ns),
        };
        if depth == 0 {
            if local != "VOTABLE" {
                return Err(Error::invalid(Some(position), format!("root element is <{local}>, expected <VOTABLE>")));
            }
            if !is_votable_namespace {
                return Err(Error::invalid(
                    Some(position),
                    format!("<VOTABLE> is in namespace '{}', not a VOTable namespace", namespace.unwrap_or_default()),
                ));
            }
        }
        let outcome = if is_votable_namespace {
            self.open_votable_element(&local, attrs, namespace, position)?
        } else if matches!(self.stack.last(), Some(Node::Resource { .. })) {
            let mut writer = quick_xml::Writer::new(Vec::new());
            writer
                .write_event(if empty { Event::Empty(e.borrow()) } else { Event::Start(e.borrow()) })
                .map_err(|err| Error::xml(Some(position), err.to_string()))?;
            self.stack.push(Node::Foreign { depth: 0, writer });
            Outcome::Continue
        } else {
            self.stack.push(Node::Ignored);
            Outcome::Continue
        };
        if empty {
            self.close_top(Some(position))?;
        }
        Ok(outcome)
    }

    fn namespace_of(&self, prefix: &str) -> Option<&str> {
        self.namespaces.iter().rev().find(|(_, p, _)| p == prefix).map(|(_, _, uri)| uri.as_str())
    }

    fn open_votable_element(
        &mut self,
        local: &str,
        mut a: Attributes,
        namespace: Option<String>,
        position: Position,
    ) -> Result<Outcome> {
        let parent_is_skipped_data = matches!(self.stack.last(), Some(Node::Data | Node::Ignored));
        let node = match local {
            "VOTABLE" if self.stack.is_empty() => {
                let doc = VoTable {
                    version: a.take("version").unwrap_or_else(|| "1.1".to_string()),
                    namespace,
                    id: a.take("ID"),
                    ..VoTable::default()
                };
                Node::VoTable { doc: Box::new(doc), seen_resource: false }
            }
            "RESOURCE" => {
                let resource_type = match a.get("type") {
                    Some("meta") => ResourceType::Meta,
                    _ => ResourceType::Results,
                };
                Node::Resource {
                    resource: Box::new(Resource {
                        id: a.take("ID"),
                        name: a.take("name"),
                        resource_type,
                        utype: a.take("utype"),
                        ..Resource::default()
                    }),
                    seen_child: false,
                    holds_streamed: false,
                }
            }
            "TABLE" => {
                let nrows = match a.take("nrows") {
                    Some(n) => Some(n.trim().parse::<u64>().map_err(|_| {
                        Error::invalid(Some(position), format!("TABLE nrows=\"{n}\" is not a non-negative integer"))
                    })?),
                    None => None,
                };
                Node::Table {
                    table: Box::new(Table {
                        id: a.take("ID"),
                        name: a.take("name"),
                        reference: a.take("ref"),
                        ucd: a.take("ucd"),
                        utype: a.take("utype"),
                        nrows,
                        ..Table::default()
                    }),
                    seen_columns: false,
                    streamed: false,
                }
            }
            "DATA" if matches!(self.stack.last(), Some(Node::Table { .. })) => {
                let first = !self.streamed_table_found;
                if let Some(Node::Table { seen_columns, streamed, .. }) = self.stack.last_mut() {
                    *seen_columns = true;
                    *streamed = first;
                }
                self.stack.push(Node::Data);
                if first {
                    self.streamed_table_found = true;
                    return Ok(Outcome::StreamedData);
                }
                return Ok(Outcome::Continue);
            }
            "STREAM" if parent_is_skipped_data => {
                self.stack.push(Node::Ignored);
                return Ok(Outcome::SkipStreamText);
            }
            _ if parent_is_skipped_data => Node::Ignored,
            "FIELD" => Node::Field(Box::new(parse_field(&mut a, position)?)),
            "PARAM" => {
                let value = a.take("value").unwrap_or_default();
                Node::Param(Box::new(Param { field: parse_field(&mut a, position)?, value }))
            }
            "GROUP" => Node::Group(Box::new(Group {
                id: a.take("ID"),
                name: a.take("name"),
                reference: a.take("ref"),
                ucd: a.take("ucd"),
                utype: a.take("utype"),
                ..Group::default()
            })),
            "FIELDref" | "PARAMref" => Node::FieldRef {
                field_ref: FieldRef {
                    reference: a.take("ref").unwrap_or_default(),
                    ucd: a.take("ucd"),
                    utype: a.take("utype"),
                },
                is_param: local == "PARAMref",
            },
            "VALUES" => Node::Values(Values {
                id: a.take("ID"),
                values_type: if a.get("type") == Some("actual") { ValuesType::Actual } else { ValuesType::Legal },
                null: a.take("null"),
                reference: a.take("ref"),
                ..Values::default()
            }),
            "MIN" | "MAX" => Node::Limit {
                limit: Limit {
                    value: a.take("value").unwrap_or_default(),
                    inclusive: a.get("inclusive") != Some("no"),
                },
                is_max: local == "MAX",
            },
            "OPTION" => Node::Option(ValuesOption {
                name: a.take("name"),
                value: a.take("value").unwrap_or_default(),
                options: Vec::new(),
            }),
            "INFO" => Node::Info(Info {
                name: a.take("name").unwrap_or_default(),
                value: a.take("value").unwrap_or_default(),
                id: a.take("ID"),
                unit: a.take("unit"),
                ucd: a.take("ucd"),
                utype: a.take("utype"),
                xtype: a.take("xtype"),
                reference: a.take("ref"),
                content: None,
            }),
            "LINK" => Node::Link(Link {
                id: a.take("ID"),
                content_role: a.take("content-role"),
                content_type: a.take("content-type"),
                title: a.take("title"),
                value: a.take("value"),
                href: a.take("href"),
                action: a.take("action"),
                content: None,
            }),
            "COOSYS" => Node::CooSys(CooSys {
                id: a.take("ID"),
                system: a.take("system").unwrap_or_else(|| "eq_FK5".to_string()),
                equinox: a.take("equinox"),
                epoch: a.take("epoch"),
                refposition: a.take("refposition"),
            }),
            "TIMESYS" => Node::TimeSys(TimeSys {
                id: a.take("ID"),
                timeorigin: a.take("timeorigin"),
                timescale: a.take("timescale").unwrap_or_default(),
                refposition: a.take("refposition").unwrap_or_default(),
            }),
            "DESCRIPTION" => Node::Description(String::new()),
            "DEFINITIONS" => Node::Definitions(Definitions::default()),
            _ => Node::Ignored,
        };
        self.stack.push(node);
        Ok(Outcome::Continue)
    }

    /// Handles text (already unescaped) inside the current element.
    pub(crate) fn text(&mut self, text: &str, position: Position) -> Result<()> {
        match self.stack.last_mut() {
            Some(Node::Description(s)) => s.push_str(text),
            Some(Node::Info(i)) => i.content.get_or_insert_with(String::new).push_str(text),
            Some(Node::Link(l)) => l.content.get_or_insert_with(String::new).push_str(text),
            Some(Node::Foreign { writer, .. }) => {
                writer
                    .write_event(Event::Text(quick_xml::events::BytesText::new(text)))
                    .map_err(|err| Error::xml(Some(position), err.to_string()))?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Handles an end tag; `name` is the qualified name as written (needed for foreign content).
    pub(crate) fn end(&mut self, name: &str, position: Position) -> Result<()> {
        if let Some(Node::Foreign { depth, writer }) = self.stack.last_mut() {
            writer
                .write_event(Event::End(quick_xml::events::BytesEnd::new(name)))
                .map_err(|err| Error::xml(Some(position), err.to_string()))?;
            if *depth > 0 {
                *depth -= 1;
                return Ok(());
            }
        }
        self.close_top(Some(position))
    }

    fn close_top(&mut self, position: Option<Position>) -> Result<()> {
        let depth = self.stack.len().saturating_sub(1);
        self.namespaces.retain(|(d, _, _)| *d < depth);
        let Some(node) = self.stack.pop() else {
            return Err(Error::xml(position, "end tag without a start tag"));
        };
        let parent = self.stack.last_mut();
        match (node, parent) {
            (Node::VoTable { doc, .. }, None) => self.finished = Some(*doc),
            (Node::Description(text), Some(parent)) => {
                let text = Some(text.trim().to_string());
                match parent {
                    Node::VoTable { doc, .. } => doc.description = text,
                    Node::Resource { resource, .. } => resource.description = text,
                    Node::Table { table, .. } => table.description = text,
                    Node::Field(f) => f.description = text,
                    Node::Param(p) => p.field.description = text,
                    Node::Group(g) => g.description = text,
                    _ => {}
                }
            }
            (Node::Info(info), Some(parent)) => match parent {
                Node::VoTable { doc, seen_resource } => {
                    if *seen_resource {
                        doc.trailing_infos.push(info)
                    } else {
                        doc.infos.push(info)
                    }
                }
                Node::Resource { resource, seen_child, .. } => {
                    if *seen_child {
                        resource.trailing_infos.push(info)
                    } else {
                        resource.infos.push(info)
                    }
                }
                Node::Table { table, seen_columns, .. } => {
                    if *seen_columns {
                        table.trailing_infos.push(info)
                    } else {
                        table.infos.push(info)
                    }
                }
                // INFO after the serialization element inside DATA.
                Node::Data => {
                    if let Some(table) = self.current_table_mut() {
                        table.trailing_infos.push(info);
                    }
                }
                _ => {}
            },
            (Node::Resource { resource, holds_streamed, .. }, Some(parent)) => {
                if holds_streamed {
                    self.streamed_trailing_infos.extend(resource.trailing_infos.iter().cloned());
                }
                match parent {
                    Node::VoTable { doc, seen_resource } => {
                        *seen_resource = true;
                        doc.resources.push(*resource);
                    }
                    Node::Resource { resource: outer, seen_child, .. } => {
                        *seen_child = true;
                        outer.resources.push(*resource);
                    }
                    _ => {}
                }
            }
            (Node::Table { table, streamed, .. }, Some(Node::Resource { resource, seen_child, holds_streamed })) => {
                *seen_child = true;
                if streamed {
                    *holds_streamed = true;
                    self.streamed_trailing_infos.extend(table.trailing_infos.iter().cloned());
                }
                resource.tables.push(*table);
            }
            (Node::Field(field), Some(Node::Table { table, seen_columns, .. })) => {
                *seen_columns = true;
                table.fields.push(*field);
            }
            (Node::Param(param), Some(parent)) => match parent {
                Node::VoTable { doc, .. } => doc.params.push(*param),
                Node::Resource { resource, .. } => resource.params.push(*param),
                Node::Table { table, seen_columns, .. } => {
                    *seen_columns = true;
                    table.params.push(*param);
                }
                Node::Group(g) => g.params.push(*param),
                Node::Definitions(d) => d.params.push(*param),
                _ => {}
            },
            (Node::Group(group), Some(parent)) => match parent {
                Node::VoTable { doc, .. } => doc.groups.push(*group),
                Node::Resource { resource, .. } => resource.groups.push(*group),
                Node::Table { table, seen_columns, .. } => {
                    *seen_columns = true;
                    table.groups.push(*group);
                }
                Node::Group(g) => g.groups.push(*group),
                _ => {}
            },
            (Node::FieldRef { field_ref, is_param }, Some(Node::Group(g))) => {
                if is_param {
                    g.param_refs.push(field_ref)
                } else {
                    g.field_refs.push(field_ref)
                }
            }
            (Node::Values(values), Some(parent)) => match parent {
                Node::Field(f) => f.values = Some(values),
                Node::Param(p) => p.field.values = Some(values),
                _ => {}
            },
            (Node::Limit { limit, is_max }, Some(Node::Values(v))) => {
                if is_max {
                    v.max = Some(limit)
                } else {
                    v.min = Some(limit)
                }
            }
            (Node::Option(option), Some(parent)) => match parent {
                Node::Values(v) => v.options.push(option),
                Node::Option(o) => o.options.push(option),
                _ => {}
            },
            (Node::Link(link), Some(parent)) => match parent {
                Node::Resource { resource, .. } => resource.links.push(link),
                Node::Table { table, seen_columns, .. } => {
                    *seen_columns = true;
                    table.links.push(link);
                }
                Node::Field(f) => f.links.push(link),
                Node::Param(p) => p.field.links.push(link),
                _ => {}
            },
            (Node::CooSys(c), Some(parent)) => match parent {
                Node::VoTable { doc, .. } => doc.coosys.push(c),
                Node::Resource { resource, .. } => resource.coosys.push(c),
                Node::Definitions(d) => d.coosys.push(c),
                _ => {}
            },
            (Node::TimeSys(t), Some(parent)) => match parent {
                Node::VoTable { doc, .. } => doc.timesys.push(t),
                Node::Resource { resource, .. } => resource.timesys.push(t),
                _ => {}
            },
            (Node::Definitions(d), Some(Node::VoTable { doc, .. })) => doc.definitions = Some(d),
            (Node::Foreign { writer, .. }, Some(Node::Resource { resource, .. })) => {
                resource.extensions.push(String::from_utf8_lossy(&writer.into_inner()).into_owned());
            }
            _ => {}
        }
        Ok(())
    }
}

/// `true` for the VOTable namespaces this crate reads.
pub(crate) fn is_votable_namespace(ns: &str) -> bool {
    matches!(ns, NAMESPACE_1_3 | NAMESPACE_1_2 | NAMESPACE_1_1) || ns == "http://www.ivoa.net/xml/VOTable/v1.0"
}

fn parse_field(a: &mut Attributes, position: Position) -> Result<Field> {
    let name = a.take("name").unwrap_or_default();
    let datatype = match a.take("datatype") {
        Some(d) => d.parse().map_err(|e: crate::model::UnknownDatatype| {
            Error::invalid(Some(position), format!("FIELD '{name}': {e}"))
        })?,
        None => return Err(Error::invalid(Some(position), format!("FIELD '{name}' has no datatype attribute"))),
    };
    let arraysize =
        match a.take("arraysize") {
            Some(text) => Some(text.parse().map_err(|e: crate::model::BadArraySize| {
                Error::invalid(Some(position), format!("FIELD '{name}': {e}"))
            })?),
            None => None,
        };
    let width = match a.take("width") {
        Some(w) => Some(w.trim().parse::<u32>().map_err(|_| {
            Error::invalid(Some(position), format!("FIELD '{name}': width=\"{w}\" is not a positive integer"))
        })?),
        None => None,
    };
    Ok(Field {
        name,
        id: a.take("ID"),
        datatype,
        arraysize,
        width,
        precision: a.take("precision"),
        unit: a.take("unit"),
        ucd: a.take("ucd"),
        utype: a.take("utype"),
        xtype: a.take("xtype"),
        reference: a.take("ref"),
        field_type: a.take("type"),
        description: None,
        values: None,
        links: Vec::new(),
    })
}
