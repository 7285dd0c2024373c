//! Name resolution: the tables (relations) visible at each point of a query, and how their columns
//! are referred to in the generated SQL.

use sqlparser::ast::Ident;

use super::types::ValueType;
use crate::catalog::{PositionIndex, TableInfo};

/// VOTable metadata carried by a result column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnMeta {
    pub unit: Option<String>,
    pub ucd: Option<String>,
    pub description: Option<String>,
    pub xtype: Option<String>,
}

/// A column of a relation.
#[derive(Debug, Clone)]
pub struct RelColumn {
    /// Exact spelling in the underlying table or subquery output.
    pub name: String,
    pub value_type: ValueType,
    pub meta: ColumnMeta,
}

/// A table, subquery or CTE in a FROM clause.
#[derive(Debug, Clone)]
pub struct Relation {
    /// The name it is referred to by (alias or table name) and whether that name was delimited.
    pub name: String,
    pub delimited: bool,
    /// The schema, for a base table referenced without alias (so `schema.table.column` works).
    pub schema: Option<String>,
    /// Qualifier emitted in the generated SQL, already quoted.
    pub qualifier: Vec<Ident>,
    pub columns: Vec<RelColumn>,
    /// The catalogue table, when this relation is one.
    pub table: Option<TableInfo>,
}

impl Relation {
    pub fn position(&self) -> Option<&PositionIndex> {
        self.table.as_ref().and_then(|t| t.position.as_ref())
    }

    /// Whether a reference `name` (as written; `delimited` if quoted) designates this relation.
    pub fn answers_to(&self, name: &str, delimited: bool) -> bool {
        names_match(&self.name, name, delimited)
    }

    pub fn column(&self, name: &str, delimited: bool) -> Option<&RelColumn> {
        let mut exact = self.columns.iter().filter(|c| names_match(&c.name, name, delimited));
        exact.next()
    }
}

/// ADQL identifier matching: delimited identifiers are exact, regular ones case-insensitive.
pub fn names_match(actual: &str, written: &str, delimited: bool) -> bool {
    if delimited { actual == written } else { actual.eq_ignore_ascii_case(written) }
}

/// A double-quoted identifier with this exact spelling.
pub fn quoted(name: &str) -> Ident {
    Ident::with_quote('"', name)
}

/// The relations of one SELECT, plus the columns merged by USING / NATURAL joins.
#[derive(Debug, Default)]
pub struct Scope {
    pub relations: Vec<Relation>,
    /// Lower-cased names of USING/NATURAL join columns: unqualified references to them are not ambiguous.
    pub merged_columns: Vec<String>,
}
