//! What TAP clients may query, described once: the catalogue's tables, TAP_SCHEMA itself and any
//! uploads, as [`TableMeta`]s. From that one list come the TAP_SCHEMA tables (queryable by ADQL),
//! the ADQL validator's catalogue and the VOSI tableset, so the three always agree (taplint's TMC
//! stage compares them).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use datafusion::catalog::TableProvider;
use datafusion::datasource::MemTable;
use vo_adql::{AdqlCatalog, ColumnInfo, PositionIndex, TableInfo};
use vo_catalog::vosi::votable_type;
use vo_catalog::{ColumnMeta, TableMeta};

pub const TAP_SCHEMA: &str = "TAP_SCHEMA";
pub const TAP_UPLOAD: &str = "TAP_UPLOAD";

/// A column of a TAP_SCHEMA table: name, type, description; every one is `std`.
fn std_column(name: &str, data_type: DataType, description: &str, principal: bool) -> ColumnMeta {
    ColumnMeta {
        name: name.into(),
        arrow_type: data_type.to_string(),
        description: Some(description.into()),
        principal,
        std: true,
        nullable: true,
        ..Default::default()
    }
}

fn virtual_table(schema: &str, name: &str, description: &str, columns: Vec<ColumnMeta>) -> TableMeta {
    TableMeta {
        schema: schema.into(),
        name: name.into(),
        description: Some(description.into()),
        utype: None,
        columns,
        position: None,
        nrows: 0,
        bytes: 0,
        data_dir: String::new(),
        created: String::new(),
        updated: String::new(),
    }
}

/// The five TAP_SCHEMA tables of TAP 1.1 [TAP §4], described as tables.
pub fn tap_schema_tables() -> Vec<TableMeta> {
    use DataType::{Int32, Utf8};
    vec![
        virtual_table(
            TAP_SCHEMA,
            "schemas",
            "Schemas in this service",
            vec![
                std_column("schema_name", Utf8, "Schema name, as used in queries", true),
                std_column("utype", Utf8, "Utype of the schema", false),
                std_column("description", Utf8, "Description of the schema", true),
                std_column("schema_index", Int32, "Suggested position in lists of schemas", false),
            ],
        ),
        virtual_table(
            TAP_SCHEMA,
            "tables",
            "Tables in this service",
            vec![
                std_column("schema_name", Utf8, "Schema the table belongs to", true),
                std_column("table_name", Utf8, "Fully qualified table name, as used in queries", true),
                std_column("table_type", Utf8, "table or view", true),
                std_column("utype", Utf8, "Utype of the table", false),
                std_column("description", Utf8, "Description of the table", true),
                std_column("table_index", Int32, "Suggested position in lists of tables", false),
            ],
        ),
        virtual_table(
            TAP_SCHEMA,
            "columns",
            "Columns of the tables in this service",
            vec![
                std_column("table_name", Utf8, "Fully qualified name of the column's table", true),
                std_column("column_name", Utf8, "Column name, as used in queries", true),
                std_column("datatype", Utf8, "VOTable datatype of the column", true),
                std_column("arraysize", Utf8, "VOTable arraysize (null for scalars)", false),
                std_column("xtype", Utf8, "DALI xtype of the column", false),
                std_column("size", Int32, "Length of 1-D arrays (deprecated; use arraysize)", false),
                std_column("description", Utf8, "Description of the column", true),
                std_column("utype", Utf8, "Utype of the column", false),
                std_column("unit", Utf8, "Unit (VOUnit)", true),
                std_column("ucd", Utf8, "UCD of the column", true),
                std_column("indexed", Int32, "1 if the column is indexed", false),
                std_column("principal", Int32, "1 if the column is principal", false),
                std_column("std", Int32, "1 if the column is defined by a standard", false),
                std_column("column_index", Int32, "Suggested position of the column in lists", false),
            ],
        ),
        virtual_table(
            TAP_SCHEMA,
            "keys",
            "Foreign keys between tables",
            vec![
                std_column("key_id", Utf8, "Unique key identifier", true),
                std_column("from_table", Utf8, "Table with the foreign key", true),
                std_column("target_table", Utf8, "Table with the primary key", true),
                std_column("description", Utf8, "Description of the key", false),
                std_column("utype", Utf8, "Utype of the key", false),
            ],
        ),
        virtual_table(
            TAP_SCHEMA,
            "key_columns",
            "Columns of foreign keys",
            vec![
                std_column("key_id", Utf8, "Key identifier", true),
                std_column("from_column", Utf8, "Column in the from_table", true),
                std_column("target_column", Utf8, "Column in the target_table", true),
            ],
        ),
    ]
}

/// A foreign key of TAP_SCHEMA.keys: `(from, target)` column pairs join `from_table` to `target_table`.
struct SchemaKey {
    id: &'static str,
    from_table: &'static str,
    target_table: &'static str,
    columns: &'static [(&'static str, &'static str)],
}

/// TAP_SCHEMA's own foreign keys [TAP §4.4].
const TAP_SCHEMA_KEYS: &[SchemaKey] = &[
    SchemaKey {
        id: "tables_schema",
        from_table: "TAP_SCHEMA.tables",
        target_table: "TAP_SCHEMA.schemas",
        columns: &[("schema_name", "schema_name")],
    },
    SchemaKey {
        id: "columns_table",
        from_table: "TAP_SCHEMA.columns",
        target_table: "TAP_SCHEMA.tables",
        columns: &[("table_name", "table_name")],
    },
    SchemaKey {
        id: "keys_from",
        from_table: "TAP_SCHEMA.keys",
        target_table: "TAP_SCHEMA.tables",
        columns: &[("from_table", "table_name")],
    },
    SchemaKey {
        id: "keys_target",
        from_table: "TAP_SCHEMA.keys",
        target_table: "TAP_SCHEMA.tables",
        columns: &[("target_table", "table_name")],
    },
    SchemaKey {
        id: "key_columns_key",
        from_table: "TAP_SCHEMA.key_columns",
        target_table: "TAP_SCHEMA.keys",
        columns: &[("key_id", "key_id")],
    },
];

impl SchemaKey {
    fn to_vosi(&self) -> vo_resource::tableset::ForeignKey {
        vo_resource::tableset::ForeignKey {
            target_table: self.target_table.to_string(),
            columns: self
                .columns
                .iter()
                .map(|(f, t)| vo_resource::tableset::ForeignKeyColumn {
                    from_column: f.to_string(),
                    target_column: t.to_string(),
                })
                .collect(),
            description: None,
            utype: None,
        }
    }
}

/// The foreign keys declared on `table` (by fully qualified name); only TAP_SCHEMA's tables
/// have any so far.
pub fn foreign_keys_of(table: &str) -> Vec<vo_resource::tableset::ForeignKey> {
    TAP_SCHEMA_KEYS.iter().filter(|k| k.from_table == table).map(SchemaKey::to_vosi).collect()
}

fn strings(values: Vec<Option<String>>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

fn ints(values: Vec<Option<i32>>) -> ArrayRef {
    Arc::new(Int32Array::from(values))
}

fn arrow_schema_of(table: &TableMeta) -> Arc<Schema> {
    Arc::new(Schema::new(
        table
            .columns
            .iter()
            .map(|c| Field::new(&c.name, c.data_type().unwrap_or(DataType::Utf8), true))
            .collect::<Vec<_>>(),
    ))
}

/// The content of the TAP_SCHEMA tables describing `tables` (which should include
/// [`tap_schema_tables`]), as in-memory table providers keyed by table name.
pub fn tap_schema_providers(tables: &[TableMeta]) -> datafusion::error::Result<Vec<(String, Arc<dyn TableProvider>)>> {
    let described = tap_schema_tables();
    let schema_of = |name: &str| arrow_schema_of(described.iter().find(|t| t.name == name).expect("TAP_SCHEMA table"));

    let mut schema_names: Vec<&str> = Vec::new();
    for t in tables {
        if !schema_names.contains(&t.schema.as_str()) {
            schema_names.push(&t.schema);
        }
    }
    let schemas = RecordBatch::try_new(
        schema_of("schemas"),
        vec![
            strings(schema_names.iter().map(|s| Some(s.to_string())).collect()),
            strings(vec![None; schema_names.len()]),
            strings(schema_names.iter().map(|s| Some(schema_description(s))).collect()),
            ints((0..schema_names.len() as i32).map(Some).collect()),
        ],
    )?;

    let tables_batch = RecordBatch::try_new(
        schema_of("tables"),
        vec![
            strings(tables.iter().map(|t| Some(t.schema.clone())).collect()),
            strings(tables.iter().map(|t| Some(t.qualified_name())).collect()),
            strings(vec![Some("table".to_string()); tables.len()]),
            strings(tables.iter().map(|t| t.utype.clone()).collect()),
            strings(tables.iter().map(|t| t.description.clone()).collect()),
            ints((0..tables.len() as i32).map(Some).collect()),
        ],
    )?;

    let mut cols: [Vec<Option<String>>; 9] = Default::default();
    let mut nums: [Vec<Option<i32>>; 5] = Default::default();
    for t in tables {
        for (i, c) in t.columns.iter().enumerate() {
            let (datatype, arraysize, xtype) = votable_type(c);
            let size = arraysize.as_deref().and_then(one_dimensional_size);
            cols[0].push(Some(t.qualified_name()));
            cols[1].push(Some(vo_adql::query_identifier(&c.name).into_owned()));
            cols[2].push(Some(datatype));
            cols[3].push(arraysize);
            cols[4].push(xtype);
            cols[5].push(c.description.clone());
            cols[6].push(c.utype.clone());
            cols[7].push(c.unit.clone());
            cols[8].push(c.ucd.clone());
            let indexed =
                c.indexed || t.position.as_ref().is_some_and(|p| p.ra_column == c.name || p.dec_column == c.name);
            nums[0].push(size);
            nums[1].push(Some(indexed as i32));
            nums[2].push(Some(c.principal as i32));
            nums[3].push(Some(c.std as i32));
            nums[4].push(Some(i as i32));
        }
    }
    let [table_name, column_name, datatype, arraysize, xtype, description, utype, unit, ucd] = cols;
    let [size, indexed, principal, std, column_index] = nums;
    let columns = RecordBatch::try_new(
        schema_of("columns"),
        vec![
            strings(table_name),
            strings(column_name),
            strings(datatype),
            strings(arraysize),
            strings(xtype),
            ints(size),
            strings(description),
            strings(utype),
            strings(unit),
            strings(ucd),
            ints(indexed),
            ints(principal),
            ints(std),
            ints(column_index),
        ],
    )?;

    let keys = RecordBatch::try_new(
        schema_of("keys"),
        vec![
            strings(TAP_SCHEMA_KEYS.iter().map(|k| Some(k.id.to_string())).collect()),
            strings(TAP_SCHEMA_KEYS.iter().map(|k| Some(k.from_table.to_string())).collect()),
            strings(TAP_SCHEMA_KEYS.iter().map(|k| Some(k.target_table.to_string())).collect()),
            strings(vec![None; TAP_SCHEMA_KEYS.len()]),
            strings(vec![None; TAP_SCHEMA_KEYS.len()]),
        ],
    )?;
    let key_rows: Vec<(&str, &str, &str)> =
        TAP_SCHEMA_KEYS.iter().flat_map(|k| k.columns.iter().map(move |(f, t)| (k.id, *f, *t))).collect();
    let key_columns = RecordBatch::try_new(
        schema_of("key_columns"),
        vec![
            strings(key_rows.iter().map(|k| Some(k.0.to_string())).collect()),
            strings(key_rows.iter().map(|k| Some(k.1.to_string())).collect()),
            strings(key_rows.iter().map(|k| Some(k.2.to_string())).collect()),
        ],
    )?;

    let mut out: Vec<(String, Arc<dyn TableProvider>)> = Vec::new();
    for (name, batch) in [
        ("schemas", schemas),
        ("tables", tables_batch),
        ("columns", columns),
        ("keys", keys),
        ("key_columns", key_columns),
    ] {
        let provider = MemTable::try_new(batch.schema(), vec![vec![batch]])?;
        out.push((name.to_string(), Arc::new(provider)));
    }
    Ok(out)
}

fn schema_description(schema: &str) -> String {
    match schema {
        TAP_SCHEMA => "Metadata of the tables and columns of this service (TAP 1.1)".into(),
        TAP_UPLOAD => "Tables uploaded with the query".into(),
        other => format!("Tables of the {other} schema"),
    }
}

/// `size` of TAP_SCHEMA.columns: the length of a one-dimensional array [TAP §4.3].
fn one_dimensional_size(arraysize: &str) -> Option<i32> {
    if arraysize.contains('x') {
        return None;
    }
    arraysize.trim_end_matches('*').parse().ok()
}

/// The ADQL catalogue over a list of tables (catalogue + TAP_SCHEMA + uploads).
pub struct TapCatalog {
    tables: Vec<TableInfo>,
}

impl TapCatalog {
    pub fn new(tables: &[TableMeta]) -> Self {
        TapCatalog { tables: tables.iter().map(table_info).collect() }
    }
}

/// A table's description for the ADQL validator.
pub fn table_info(table: &TableMeta) -> TableInfo {
    let columns = table
        .columns
        .iter()
        .map(|c| ColumnInfo {
            name: c.name.clone(),
            data_type: c.data_type().unwrap_or(DataType::Utf8),
            unit: c.unit.clone(),
            ucd: c.ucd.clone(),
            xtype: c.xtype.clone(),
            description: c.description.clone(),
        })
        .collect();
    let position = table.position.as_ref().map(|p| PositionIndex {
        ra_column: p.ra_column.clone(),
        dec_column: p.dec_column.clone(),
        healpix_column: p.healpix_column.clone(),
        healpix_order: p.healpix_order,
    });
    TableInfo {
        schema: table.schema.clone(),
        name: table.name.clone(),
        columns,
        position,
        description: table.description.clone(),
    }
}

impl AdqlCatalog for TapCatalog {
    fn table(&self, schema: Option<&str>, name: &str) -> Option<TableInfo> {
        let mut found = self
            .tables
            .iter()
            .filter(|t| t.name.eq_ignore_ascii_case(name) && schema.is_none_or(|s| t.schema.eq_ignore_ascii_case(s)));
        let first = found.next()?;
        if schema.is_none() && found.next().is_some() {
            return None;
        }
        Some(first.clone())
    }

    fn tables(&self) -> Vec<TableInfo> {
        self.tables.clone()
    }
}

/// Groups columns by table name, for lookups.
pub fn by_qualified_name(tables: &[TableMeta]) -> HashMap<String, &TableMeta> {
    tables.iter().map(|t| (t.qualified_name().to_ascii_lowercase(), t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tap_schema_describes_itself() {
        let tables = tap_schema_tables();
        let providers = tap_schema_providers(&tables).unwrap();
        assert_eq!(providers.len(), 5);
        let columns = &providers.iter().find(|(n, _)| n == "columns").unwrap().1;
        assert_eq!(columns.schema().fields().len(), 14);
        assert_eq!(one_dimensional_size("256*"), Some(256));
        assert_eq!(one_dimensional_size("*"), None);
        assert_eq!(one_dimensional_size("2x3"), None);
        assert_eq!(foreign_keys_of("TAP_SCHEMA.keys").len(), 2);
    }
}
