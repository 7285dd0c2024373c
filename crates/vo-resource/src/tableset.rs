//! VODataService table metadata: `tableset` → `schema` → `table` → `column` / `foreignKey`
//! [VODataService §3.5]. The same types serve the `tableset` of a registry record and the VOSI
//! tables endpoint ([`crate::vosi`]).

use crate::datatype::DataType;
use crate::error::ResourceError;
use crate::xml::{Element, XmlWriter};

/// How much of each table to write: VOSI 1.1 `detail=min` leaves out columns and foreign keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    Min,
    #[default]
    Max,
}

impl Detail {
    /// Reads the VOSI `detail` parameter value (`min` or `max`, case-insensitive).
    pub fn parse(value: &str) -> Option<Detail> {
        if value.eq_ignore_ascii_case("min") {
            Some(Detail::Min)
        } else if value.eq_ignore_ascii_case("max") {
            Some(Detail::Max)
        } else {
            None
        }
    }
}

/// Column flags defined by VODataService (`flag` is free text; these are the standard ones).
pub mod flag {
    pub const INDEXED: &str = "indexed";
    pub const PRIMARY: &str = "primary";
    pub const NULLABLE: &str = "nullable";
}

/// A column (`vs:TableParam`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    pub name: String,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub ucd: Option<String>,
    pub utype: Option<String>,
    pub data_type: Option<DataType>,
    /// `indexed`, `primary`, `nullable` or custom flags.
    pub flags: Vec<String>,
    /// Whether the column is defined by a standard (`std` attribute).
    pub std: Option<bool>,
}

impl Column {
    pub fn new(name: impl Into<String>, data_type: DataType) -> Self {
        Column { name: name.into(), data_type: Some(data_type), ..Default::default() }
    }

    pub fn with_flag(mut self, flag: &str) -> Self {
        self.flags.push(flag.to_string());
        self
    }

    fn write(&self, w: &mut XmlWriter) {
        let std = self.std.map(|s| if s { "true" } else { "false" });
        w.start("column", &[("std", std)]);
        w.text("name", &self.name);
        w.optional("description", self.description.as_deref());
        w.optional("unit", self.unit.as_deref());
        w.optional("ucd", self.ucd.as_deref());
        w.optional("utype", self.utype.as_deref());
        if let Some(data_type) = &self.data_type {
            data_type.write(w);
        }
        w.each("flag", &self.flags);
        w.end();
    }

    fn read(e: &Element) -> Result<Self, ResourceError> {
        Ok(Column {
            name: e.required_text("name")?,
            description: e.optional_text("description"),
            unit: e.optional_text("unit"),
            ucd: e.optional_text("ucd"),
            utype: e.optional_text("utype"),
            data_type: e.child("dataType").map(DataType::read).transpose()?,
            flags: e.texts("flag"),
            std: e.optional_bool_attr("std")?,
        })
    }
}

/// One column pair of a foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForeignKeyColumn {
    pub from_column: String,
    pub target_column: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForeignKey {
    pub target_table: String,
    pub columns: Vec<ForeignKeyColumn>,
    pub description: Option<String>,
    pub utype: Option<String>,
}

impl ForeignKey {
    fn write(&self, w: &mut XmlWriter) {
        w.start("foreignKey", &[]);
        w.text("targetTable", &self.target_table);
        for column in &self.columns {
            w.start("fkColumn", &[]);
            w.text("fromColumn", &column.from_column);
            w.text("targetColumn", &column.target_column);
            w.end();
        }
        w.optional("description", self.description.as_deref());
        w.optional("utype", self.utype.as_deref());
        w.end();
    }

    fn read(e: &Element) -> Result<Self, ResourceError> {
        let columns = e
            .children_named("fkColumn")
            .map(|c| {
                Ok(ForeignKeyColumn {
                    from_column: c.required_text("fromColumn")?,
                    target_column: c.required_text("targetColumn")?,
                })
            })
            .collect::<Result<_, ResourceError>>()?;
        Ok(ForeignKey {
            target_table: e.required_text("targetTable")?,
            columns,
            description: e.optional_text("description"),
            utype: e.optional_text("utype"),
        })
    }
}

/// A table (`vs:Table`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Fully qualified name as used in queries (e.g. `ivoa.obscore`).
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub utype: Option<String>,
    /// Approximate number of rows.
    pub nrows: Option<u64>,
    pub columns: Vec<Column>,
    pub foreign_keys: Vec<ForeignKey>,
    /// The `type` attribute: `base_table`, `view`, `output`...
    pub table_type: Option<String>,
}

impl Table {
    pub fn new(name: impl Into<String>) -> Self {
        Table { name: name.into(), ..Default::default() }
    }

    /// Writes the table; `element` is `table` inside a schema or `vosi:table` as a root, with
    /// `extra_attributes` carrying the root's namespace declarations.
    pub(crate) fn write(
        &self,
        w: &mut XmlWriter,
        element: &str,
        extra_attributes: &[(&str, Option<&str>)],
        detail: Detail,
    ) {
        let mut attributes = extra_attributes.to_vec();
        attributes.push(("type", self.table_type.as_deref()));
        w.start(element, &attributes);
        w.text("name", &self.name);
        w.optional("title", self.title.as_deref());
        w.optional("description", self.description.as_deref());
        w.optional("utype", self.utype.as_deref());
        w.optional_value("nrows", self.nrows);
        if detail == Detail::Max {
            for column in &self.columns {
                column.write(w);
            }
            for key in &self.foreign_keys {
                key.write(w);
            }
        }
        w.end();
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        Ok(Table {
            name: e.required_text("name")?,
            title: e.optional_text("title"),
            description: e.optional_text("description"),
            utype: e.optional_text("utype"),
            nrows: e.optional_value("nrows", "a non-negative integer")?,
            columns: e.children_named("column").map(Column::read).collect::<Result<_, _>>()?,
            foreign_keys: e.children_named("foreignKey").map(ForeignKey::read).collect::<Result<_, _>>()?,
            table_type: e.optional_attr("type"),
        })
    }
}

/// A schema (`vs:TableSchema`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub utype: Option<String>,
    pub tables: Vec<Table>,
}

impl Schema {
    pub fn new(name: impl Into<String>) -> Self {
        Schema { name: name.into(), ..Default::default() }
    }
}

/// A set of schemas (`vs:TableSet`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableSet {
    pub schemas: Vec<Schema>,
}

impl TableSet {
    /// Finds a table by its fully qualified name (exact match, as VOSI child URLs require).
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.schemas.iter().flat_map(|s| &s.tables).find(|t| t.name == name)
    }

    pub(crate) fn write(
        &self,
        w: &mut XmlWriter,
        element: &str,
        extra_attributes: &[(&str, Option<&str>)],
        detail: Detail,
    ) {
        w.start(element, extra_attributes);
        for schema in &self.schemas {
            w.start("schema", &[]);
            w.text("name", &schema.name);
            w.optional("title", schema.title.as_deref());
            w.optional("description", schema.description.as_deref());
            w.optional("utype", schema.utype.as_deref());
            for table in &schema.tables {
                table.write(w, "table", &[], detail);
            }
            w.end();
        }
        w.end();
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let schemas = e
            .children_named("schema")
            .map(|s| {
                Ok(Schema {
                    name: s.required_text("name")?,
                    title: s.optional_text("title"),
                    description: s.optional_text("description"),
                    utype: s.optional_text("utype"),
                    tables: s.children_named("table").map(Table::read).collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<_, ResourceError>>()?;
        Ok(TableSet { schemas })
    }
}
