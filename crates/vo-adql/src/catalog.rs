//! The table metadata vo-adql validates queries against, supplied by the embedding service.
//!
//! vo-adql does not know where tables come from: the server implements [`AdqlCatalog`] from its
//! catalogue (and the TAP service from TAP_SCHEMA plus uploads). [`MemoryCatalog`] is a simple
//! implementation for tests and small embeddings.

use arrow_schema::DataType;

/// Read access to the tables an ADQL query may use.
pub trait AdqlCatalog: Send + Sync {
    /// The table `name` in `schema` (or in any schema when `None` and the name is unique).
    ///
    /// Implementations compare names **case-insensitively**; vo-adql itself enforces exact spelling
    /// for delimited (`"quoted"`) identifiers by checking the returned [`TableInfo`].
    fn table(&self, schema: Option<&str>, name: &str) -> Option<TableInfo>;

    /// Every table, used for "did you mean" suggestions.
    fn tables(&self) -> Vec<TableInfo>;
}

/// One queryable table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    /// Schema name as registered in the DataFusion session (e.g. `demo`, `TAP_UPLOAD`).
    pub schema: String,
    /// Table name as registered in the DataFusion session.
    pub name: String,
    /// The declared columns, in `SELECT *` order. Internal columns (`_healpix`) are not listed.
    pub columns: Vec<ColumnInfo>,
    /// How positions are indexed, for HEALPix-accelerated geometry.
    pub position: Option<PositionIndex>,
    pub description: Option<String>,
}

impl TableInfo {
    /// A table without position index or description.
    pub fn new(schema: impl Into<String>, name: impl Into<String>, columns: Vec<ColumnInfo>) -> Self {
        TableInfo { schema: schema.into(), name: name.into(), columns, position: None, description: None }
    }

    /// Adds a position index.
    pub fn with_position(mut self, position: PositionIndex) -> Self {
        self.position = Some(position);
        self
    }

    /// `schema.name`, as written in TAP_SCHEMA.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// One column of a table, with the metadata that flows into VOTable FIELDs.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    pub name: String,
    pub data_type: DataType,
    pub unit: Option<String>,
    pub ucd: Option<String>,
    /// DALI xtype, e.g. `point`, `circle`, `polygon`, `timestamp`.
    pub xtype: Option<String>,
    pub description: Option<String>,
}

impl ColumnInfo {
    /// A column with no unit, UCD, xtype or description.
    pub fn new(name: impl Into<String>, data_type: DataType) -> Self {
        ColumnInfo { name: name.into(), data_type, unit: None, ucd: None, xtype: None, description: None }
    }

    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    pub fn with_ucd(mut self, ucd: impl Into<String>) -> Self {
        self.ucd = Some(ucd.into());
        self
    }

    pub fn with_xtype(mut self, xtype: impl Into<String>) -> Self {
        self.xtype = Some(xtype.into());
        self
    }

    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// The HEALPix index of a positional table: an Int64 column holding the nested index at
/// `healpix_order` of (`ra_column`, `dec_column`), with the data files sorted by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionIndex {
    pub ra_column: String,
    pub dec_column: String,
    /// Usually `_healpix`.
    pub healpix_column: String,
    pub healpix_order: u8,
}

impl PositionIndex {
    /// The conventional index: `_healpix` at order 12.
    pub fn new(ra_column: impl Into<String>, dec_column: impl Into<String>) -> Self {
        PositionIndex {
            ra_column: ra_column.into(),
            dec_column: dec_column.into(),
            healpix_column: "_healpix".into(),
            healpix_order: 12,
        }
    }
}

/// A fixed list of tables.
#[derive(Debug, Clone, Default)]
pub struct MemoryCatalog {
    tables: Vec<TableInfo>,
}

impl MemoryCatalog {
    pub fn new(tables: Vec<TableInfo>) -> Self {
        MemoryCatalog { tables }
    }

    pub fn add(&mut self, table: TableInfo) {
        self.tables.push(table);
    }
}

impl AdqlCatalog for MemoryCatalog {
    fn table(&self, schema: Option<&str>, name: &str) -> Option<TableInfo> {
        let mut matches = self
            .tables
            .iter()
            .filter(|t| t.name.eq_ignore_ascii_case(name) && schema.is_none_or(|s| t.schema.eq_ignore_ascii_case(s)));
        let first = matches.next()?;
        // An unqualified name must be unambiguous.
        if schema.is_none() && matches.next().is_some() {
            return None;
        }
        Some(first.clone())
    }

    fn tables(&self) -> Vec<TableInfo> {
        self.tables.clone()
    }
}
