//! Column and document metadata shared by the encoders: VOTable FIELDs for an Arrow schema and
//! the results document that VOTable and VOParquet both write.

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema};
use vo_votable::model::{CooSys, Field, Info, Resource, Table, VoTable};

use crate::{EndStatus, FormatError, ResultInfo};

/// The `ID` of the COOSYS declared from [`ResultInfo::coosys`].
pub(crate) const COOSYS_ID: &str = "system";

/// The VOTable FIELD of every column: field metadata first, the Arrow type for the rest.
pub(crate) fn votable_fields(schema: &Schema) -> Result<Vec<Field>, FormatError> {
    schema.fields().iter().map(|f| votable_field(f)).collect()
}

fn votable_field(arrow: &arrow_schema::Field) -> Result<Field, FormatError> {
    vo_votable::convert::field_from_arrow(arrow).map_err(|e| FormatError::unsupported(arrow.name(), e.to_string()))
}

/// Fails unless `batch` has the columns of `schema` (count and types).
pub(crate) fn check_batch(schema: &Schema, batch: &RecordBatch) -> Result<(), FormatError> {
    if batch.num_columns() != schema.fields().len() {
        return Err(FormatError::Usage(format!(
            "a batch has {} columns but the result has {}",
            batch.num_columns(),
            schema.fields().len()
        )));
    }
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if !same_type(field.data_type(), column.data_type()) {
            return Err(FormatError::Usage(format!(
                "column {} was declared {} but a batch holds {}",
                field.name(),
                field.data_type(),
                column.data_type()
            )));
        }
    }
    Ok(())
}

/// Type equality that ignores the names and nullability of list items (engines differ there).
fn same_type(declared: &DataType, actual: &DataType) -> bool {
    match (declared, actual) {
        (DataType::List(a), DataType::List(b)) | (DataType::LargeList(a), DataType::LargeList(b)) => {
            same_type(a.data_type(), b.data_type())
        }
        (DataType::FixedSizeList(a, n), DataType::FixedSizeList(b, m)) => {
            n == m && same_type(a.data_type(), b.data_type())
        }
        _ => declared == actual,
    }
}

/// The results document: one `type="results"` RESOURCE holding `QUERY_STATUS=OK`, the INFOs,
/// PARAMs and COOSYS of `info`, and a TABLE of `fields` (whose columns named in the COOSYS
/// declaration get `ref` to it).
pub(crate) fn results_document(info: &ResultInfo, mut fields: Vec<Field>) -> VoTable {
    let mut resource = Resource {
        description: info.resource_description.clone(),
        infos: vec![Info::new("QUERY_STATUS", "OK")],
        params: info.params.clone(),
        ..Resource::default()
    };
    for (name, value, content) in &info.infos {
        let mut element = Info::new(name, value);
        element.content = content.clone();
        resource.infos.push(element);
    }
    if let Some((system, epoch, columns)) = &info.coosys {
        resource.coosys.push(CooSys {
            id: Some(COOSYS_ID.to_string()),
            system: system.clone(),
            epoch: epoch.clone(),
            ..CooSys::default()
        });
        for field in fields.iter_mut().filter(|f| columns.contains(&f.name)) {
            field.reference = Some(COOSYS_ID.to_string());
        }
    }
    resource.tables.push(Table { name: info.table_name.clone(), fields, ..Table::default() });
    VoTable { version: vo_votable::SERVICE_VERSION.to_string(), resources: vec![resource], ..VoTable::default() }
}

/// The INFO elements that go after the TABLE for `status` (none for OK).
pub(crate) fn trailing_infos(status: &EndStatus) -> Vec<Info> {
    match status {
        EndStatus::Ok => Vec::new(),
        EndStatus::Overflow => vec![Info::new("QUERY_STATUS", "OVERFLOW")],
        EndStatus::Error(message) => vec![Info::new("QUERY_STATUS", "ERROR").with_content(message.clone())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Int32Array, Int64Array};
    use arrow_schema::Field as ArrowField;

    #[test]
    fn batches_must_match_the_schema() {
        let schema = Schema::new(vec![ArrowField::new("a", DataType::Int32, true)]);
        let good = RecordBatch::try_from_iter([("a", Arc::new(Int32Array::from(vec![1])) as ArrayRef)]).unwrap();
        assert!(check_batch(&schema, &good).is_ok());
        let bad = RecordBatch::try_from_iter([("a", Arc::new(Int64Array::from(vec![1])) as ArrayRef)]).unwrap();
        let err = check_batch(&schema, &bad).unwrap_err().to_string();
        assert!(err.contains("column a was declared Int32 but a batch holds Int64"), "{err}");
    }

    #[test]
    fn coosys_columns_refer_to_it() {
        let info = ResultInfo {
            coosys: Some(("ICRS".into(), Some("J2016.0".into()), vec!["ra".into()])),
            ..ResultInfo::default()
        };
        let fields = vec![
            Field::new("ra", vo_votable::model::Datatype::Double),
            Field::new("mag", vo_votable::model::Datatype::Float),
        ];
        let doc = results_document(&info, fields);
        let resource = &doc.resources[0];
        assert_eq!(resource.coosys[0].system, "ICRS");
        assert_eq!(resource.tables[0].fields[0].reference.as_deref(), Some(COOSYS_ID));
        assert_eq!(resource.tables[0].fields[1].reference, None);
    }
}
