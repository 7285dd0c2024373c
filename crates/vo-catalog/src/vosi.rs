//! The store's tables as VODataService table metadata (VOSI tables, registry records).

use arrow_schema::Field;
use vo_resource::tableset::{Column, Schema, Table, TableSet, flag};

use crate::meta::{ColumnMeta, TableMeta};

/// The VOTable datatype, arraysize and xtype a stored column is served with.
pub fn votable_type(column: &ColumnMeta) -> (String, Option<String>, Option<String>) {
    let Ok(data_type) = column.data_type() else {
        return ("char".into(), Some("*".into()), None);
    };
    match vo_votable::convert::field_from_arrow(&Field::new(&column.name, data_type, true)) {
        Ok(f) => (f.datatype.to_string(), f.arraysize.map(|a| a.to_string()), column.xtype.clone().or(f.xtype)),
        Err(_) => ("char".into(), Some("*".into()), None),
    }
}

/// A column as VODataService describes it.
pub fn vosi_column(table: &TableMeta, column: &ColumnMeta) -> Column {
    let (datatype, arraysize, xtype) = votable_type(column);
    let mut data_type = vo_resource::datatype::DataType::votable(datatype);
    data_type.arraysize = arraysize;
    data_type.extended_type = xtype;
    let mut out = Column {
        name: column.name.clone(),
        description: column.description.clone(),
        unit: column.unit.clone(),
        ucd: column.ucd.clone(),
        utype: column.utype.clone(),
        data_type: Some(data_type),
        flags: Vec::new(),
        std: column.std.then_some(true),
    };
    let is_position =
        table.position.as_ref().is_some_and(|p| p.ra_column == column.name || p.dec_column == column.name);
    if column.indexed || is_position {
        out.flags.push(flag::INDEXED.into());
    }
    if table.id_column().is_some_and(|c| c.name == column.name) {
        out.flags.push(flag::PRIMARY.into());
    }
    if column.nullable {
        out.flags.push(flag::NULLABLE.into());
    }
    out
}

/// A table as VODataService describes it.
pub fn vosi_table(table: &TableMeta) -> Table {
    Table {
        name: table.qualified_name(),
        title: None,
        description: table.description.clone(),
        utype: table.utype.clone(),
        nrows: Some(table.nrows),
        columns: table.columns.iter().map(|c| vosi_column(table, c)).collect(),
        foreign_keys: Vec::new(),
        table_type: Some("table".into()),
    }
}

/// The tables grouped by schema.
pub fn vosi_tableset<'a>(tables: impl IntoIterator<Item = &'a TableMeta>) -> TableSet {
    let mut set = TableSet::default();
    for table in tables {
        let table_xml = vosi_table(table);
        match set.schemas.iter_mut().find(|s| s.name == table.schema) {
            Some(schema) => schema.tables.push(table_xml),
            None => {
                let mut schema = Schema::new(&table.schema);
                schema.tables.push(table_xml);
                set.schemas.push(schema);
            }
        }
    }
    set
}
