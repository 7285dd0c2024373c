//! Documents written by astropy and STILTS (see `tests/fixtures/README.md`) read by our reader.

use std::path::PathBuf;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, RecordBatch};
use vo_votable::reader::VotableReader;

fn read(name: &str) -> (vo_votable::model::VoTable, RecordBatch) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let mut reader = VotableReader::from_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let batches: Vec<RecordBatch> = reader.by_ref().collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(batches.len(), 1, "{name}");
    (reader.document().clone(), batches.into_iter().next().unwrap())
}

#[test]
fn astropy_documents_read_with_their_values() {
    for name in ["astropy_tabledata.vot", "astropy_binary.vot", "astropy_binary2.vot"] {
        let (doc, batch) = read(name);
        assert_eq!(doc.version, "1.4");
        let table = doc.first_table().unwrap();
        assert_eq!(table.fields[1].unit.as_deref(), Some("deg"), "{name}");
        assert_eq!(table.fields[1].description.as_deref(), Some("Right ascension"), "{name}");
        assert_eq!(batch.num_rows(), 3);
        let id = batch.column(0).as_primitive::<Int64Type>();
        assert_eq!(id.values().to_vec(), vec![1, 2, 3], "{name}");
        let ra = batch.column(1).as_primitive::<Float64Type>();
        assert_eq!(ra.value(0), 10.5);
        assert!(ra.is_null(2) || ra.value(2).is_nan(), "{name}");
        let mag = batch.column(2).as_primitive::<Float32Type>();
        assert_eq!(mag.value(1), 13.25);
        let flag = batch.column(3).as_boolean();
        assert_eq!((flag.value(0), flag.value(1), flag.value(2)), (true, false, true), "{name}");
        let count = batch.column(4).as_primitive::<Int32Type>();
        assert_eq!(count.value(0), 7);
        assert!(count.is_null(1), "{name}");
        let names = batch.column(5).as_string::<i32>();
        assert_eq!(names.value(0), "Vega");
        assert_eq!(names.value(1), "Deneb & <Altair>", "{name}");
        let vec = batch.column(6).as_fixed_size_list();
        assert_eq!(vec.value(2).as_primitive::<Float64Type>().values().to_vec(), vec![5.0, 6.0]);
        assert_eq!(batch.column(7).as_primitive::<UInt8Type>().value(1), 255);
    }
}

#[test]
fn stilts_serializations_agree() {
    let (doc, tabledata) = read("stilts_tabledata.vot");
    let (_, binary) = read("stilts_binary.vot");
    let (_, binary2) = read("stilts_binary2.vot");
    assert_eq!(tabledata.num_rows(), 6);
    assert!(doc.first_table().unwrap().fields.len() > 30);
    // The same table in three encodings: identical cells, except that an empty TABLEDATA cell is
    // null (where BINARY2 can say "empty") and BINARY cannot say null at all.
    assert_eq!(tabledata.schema(), binary2.schema());
    let empty = |a: &dyn Array| {
        a.as_list_opt::<i32>().is_some_and(|l| l.value_length(0) == 0)
            || a.as_string_opt::<i32>().is_some_and(|s| s.value(0).is_empty())
    };
    for (i, field) in tabledata.schema().fields().iter().enumerate() {
        for row in 0..tabledata.num_rows() {
            let (td, b2, b1) =
                (tabledata.column(i).slice(row, 1), binary2.column(i).slice(row, 1), binary.column(i).slice(row, 1));
            if td.is_null(0) && b2.is_valid(0) && empty(b2.as_ref()) {
                continue;
            }
            assert_eq!(td.to_data(), b2.to_data(), "TABLEDATA vs BINARY2: {} row {row}", field.name());
            if td.is_valid(0) {
                assert_eq!(td.to_data(), b1.to_data(), "TABLEDATA vs BINARY: {} row {row}", field.name());
            }
        }
    }
    let index = binary2.column(0).as_primitive::<Int32Type>();
    assert_eq!(index.values().to_vec(), vec![0, 1, 2, 3, 4, 5]);
}
