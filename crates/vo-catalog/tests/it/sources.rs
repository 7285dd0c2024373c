//! Input readers on real files: FITS written by astropy and by our own encoder, gzip-compressed
//! FITS and CSV, and what ingest makes of bad positions.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{
    ArrayRef, BooleanArray, FixedSizeListArray, Float32Array, Float64Array, Int8Array, Int32Array, Int64Array,
    RecordBatch, StringArray, UInt16Array, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use vo_catalog::sources::{BatchSource, FitsSource, HduSelector, open_input};
use vo_catalog::{ByteCounter, IngestOptions, InputFormat, Quiet, TableSpec, open_source};
use vo_formats::{EndStatus, FormatKind, ResultInfo, encode_all};
use vo_votable::arrow_meta;

use crate::{fixture, open_store};

fn read_all(path: &Path, format: InputFormat) -> vo_catalog::Result<(Arc<Schema>, RecordBatch)> {
    let mut source = open_source(path, format, &[], 2, ByteCounter::default())?;
    let schema = source.schema();
    let mut batches = Vec::new();
    while let Some(batch) = source.next_batch() {
        batches.push(batch?);
    }
    let batch = arrow_select::concat::concat_batches(&schema, &batches).unwrap();
    Ok((schema, batch))
}

fn meta<'a>(schema: &'a Schema, column: &str, key: &str) -> Option<&'a str> {
    schema.field_with_name(column).unwrap().metadata().get(key).map(String::as_str)
}

#[test]
fn astropy_bintable_types_scaling_nulls_and_metadata() {
    let (schema, batch) = read_all(&fixture("stars.fits"), InputFormat::Fits).unwrap();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        ["source_id", "ra", "dec", "mag", "name", "flag", "nobs", "count", "tiny", "quality", "flux", "pos"]
    );
    assert_eq!(batch.num_rows(), 5);
    let col = |name: &str| batch.column_by_name(name).unwrap().clone();
    assert_eq!(col("source_id").as_primitive::<Int64Type>().values().to_vec(), [1001, 1002, 1003, 1004, 1005]);
    assert_eq!(col("ra").as_primitive::<Float64Type>().values().to_vec(), [10.0, 10.5, 200.25, 359.9, 0.0]);
    let mag = col("mag");
    assert_eq!(
        mag.as_primitive::<Float32Type>(),
        &Float32Array::from(vec![Some(12.5), None, Some(14.25), Some(9.0), Some(20.0)])
    );
    let name = col("name");
    assert_eq!(
        name.as_string::<i32>(),
        &StringArray::from(vec![Some("alpha"), Some("beta"), None, Some("delta"), Some("epsilon")])
    );
    assert_eq!(col("flag").as_boolean(), &BooleanArray::from(vec![true, false, true, false, true]));
    assert_eq!(col("nobs").as_primitive::<UInt16Type>().values().to_vec(), [0, 1, 65535, 300, 7]);
    assert_eq!(col("count").as_primitive::<UInt32Type>().values().to_vec(), [0, u32::MAX, 5, 1 << 31, 9]);
    assert_eq!(col("tiny").as_primitive::<Int8Type>().values().to_vec(), [-128, -1, 0, 1, 127]);
    let quality = col("quality");
    assert_eq!(quality.as_primitive::<Int32Type>(), &Int32Array::from(vec![Some(3), None, Some(1), Some(0), None]));
    let flux = col("flux");
    let flux: Vec<f64> =
        flux.as_primitive::<Float64Type>().values().iter().map(|v| (v * 1000.0).round() / 1000.0).collect();
    assert_eq!(flux, [10.0, 10.5, 9.25, 12.125, 10.001]);
    let pos = col("pos");
    let pos = pos.as_fixed_size_list();
    assert_eq!(pos.value_length(), 3);
    let last = pos.value(4);
    assert_eq!(last.as_primitive::<Float64Type>(), &Float64Array::from(vec![Some(4.0), None, Some(6.0)]));

    assert_eq!(meta(&schema, "ra", arrow_meta::UNIT), Some("deg"));
    assert_eq!(meta(&schema, "flux", arrow_meta::UNIT), Some("mJy"));
    assert_eq!(meta(&schema, "dec", arrow_meta::UCD), Some("pos.eq.dec;meta.main"));
    let description = meta(&schema, "source_id", arrow_meta::DESCRIPTION).unwrap();
    assert!(description.starts_with("Unique source identifier") && description.ends_with("on CONTINUE cards"));
    assert_eq!(meta(&schema, "name", arrow_meta::UNIT), None);
}

#[test]
fn gzip_fits_reads_the_same_and_hdus_can_be_chosen() {
    let plain = read_all(&fixture("stars.fits"), InputFormat::Fits).unwrap();
    let gzip = read_all(&fixture("stars.fits.gz"), InputFormat::Fits).unwrap();
    assert_eq!(plain, gzip);

    let path = fixture("stars.fits");
    for selector in [HduSelector::Name("other".into()), HduSelector::Index(3)] {
        let mut source =
            FitsSource::new(&path, open_input(&path, ByteCounter::default()).unwrap(), &selector, 10).unwrap();
        let batch = source.next_batch().unwrap().unwrap();
        assert_eq!(batch.column(0).as_primitive::<Int16Type>().values().to_vec(), [7, 8], "{selector:?}");
        assert!(source.next_batch().is_none());
    }
    // The same through the path syntax of open_source.
    let selected = Path::new(&format!("{}[OTHER]", path.display())).to_path_buf();
    let (schema, _) = read_all(&selected, InputFormat::Fits).unwrap();
    assert_eq!(schema.field(0).name(), "x");
    let image = Path::new(&format!("{}#1", path.display())).to_path_buf();
    let err = read_all(&image, InputFormat::Fits).unwrap_err().to_string();
    assert!(err.contains("extension 1 (IMG) is IMAGE, not a binary table"), "{err}");
    let missing = Path::new(&format!("{}[NOPE]", path.display())).to_path_buf();
    let err = read_all(&missing, InputFormat::Fits).unwrap_err().to_string();
    assert!(err.contains("no extension named NOPE") && err.contains("BINTABLE STARS"), "{err}");
}

#[test]
fn truncated_and_non_fits_files_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("stars.fits")).unwrap();
    // The STARS data starts at the block after its header's END card.
    let header = bytes.windows(20).position(|w| w == b"XTENSION= 'BINTABLE'").unwrap();
    let end = (header..bytes.len()).step_by(80).find(|&at| bytes[at..at + 80].starts_with(b"END ")).unwrap();
    let data = (end + 80).next_multiple_of(2880);
    let cut = tmp.path().join("cut.fits");
    std::fs::write(&cut, &bytes[..data + 76 * 2 + 10]).unwrap();
    let err = read_all(&cut, InputFormat::Fits).unwrap_err().to_string();
    assert!(err.contains("cut.fits") && err.contains("ends after row 2 of the 5"), "{err}");

    let csv = tmp.path().join("table.fits");
    std::fs::write(&csv, "id,ra,dec\n".repeat(1000)).unwrap();
    let err = read_all(&csv, InputFormat::Fits).unwrap_err().to_string();
    assert!(err.contains("table.fits: not a FITS file"), "{err}");
}

/// A batch of every type our FITS encoder writes, with nulls wherever the type can have them.
fn encoder_batch() -> RecordBatch {
    let with_unit = |f: Field, unit: &str| {
        f.with_metadata([(arrow_meta::UNIT.to_string(), unit.to_string())].into_iter().collect())
    };
    let item = Arc::new(Field::new("item", DataType::Float64, true));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        with_unit(Field::new("ra", DataType::Float64, true), "deg"),
        with_unit(Field::new("mag", DataType::Float32, true), "mag"),
        Field::new("name", DataType::Utf8, true),
        Field::new("ok", DataType::Boolean, true),
        Field::new("n16", DataType::UInt16, false),
        Field::new("n32", DataType::UInt32, true),
        Field::new("n64", DataType::UInt64, false),
        Field::new("i8", DataType::Int8, true),
        Field::new("i32", DataType::Int32, true),
        Field::new("xyz", DataType::FixedSizeList(item.clone(), 3), true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![i64::MIN + 1, 0, i64::MAX])),
        Arc::new(Float64Array::from(vec![Some(0.5), None, Some(359.75)])),
        Arc::new(Float32Array::from(vec![None, Some(1.25), Some(-3.5)])),
        // ASCII: FITS strings are, and our encoder writes other characters as '?'.
        Arc::new(StringArray::from(vec![Some("a star"), None, Some("M 31")])),
        Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
        Arc::new(UInt16Array::from(vec![0, 40_000, u16::MAX])),
        Arc::new(UInt32Array::from(vec![Some(u32::MAX), None, Some(1)])),
        Arc::new(UInt64Array::from(vec![u64::MAX, 0, 1 << 63])),
        Arc::new(Int8Array::from(vec![Some(-128), None, Some(127)])),
        Arc::new(Int32Array::from(vec![Some(i32::MIN), None, Some(i32::MAX)])),
        Arc::new(FixedSizeListArray::new(
            item,
            3,
            Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])),
            None,
        )),
    ];
    RecordBatch::try_new(schema, columns).unwrap()
}

#[test]
fn our_own_fits_encoder_round_trips() {
    let batch = encoder_batch();
    let fits = encode_all(
        FormatKind::Fits,
        ResultInfo::default(),
        &batch.schema(),
        std::slice::from_ref(&batch),
        &EndStatus::Ok,
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ours.fits");
    std::fs::write(&path, fits).unwrap();
    let (schema, back) = read_all(&path, InputFormat::Fits).unwrap();
    assert_eq!(back.num_rows(), 3);
    for (i, field) in batch.schema().fields().iter().enumerate() {
        // The encoder may store a nullable unsigned column in the next wider signed type.
        let read = arrow_cast::cast(back.column(i), field.data_type()).unwrap();
        assert_eq!(&read, batch.column(i), "column {}", field.name());
        assert_eq!(schema.field(i).name(), field.name());
    }
    assert_eq!(meta(&schema, "ra", arrow_meta::UNIT), Some("deg"));
    assert_eq!(meta(&schema, "mag", arrow_meta::UNIT), Some("mag"));
    // Non-null unsigned columns come back with their own types (TZERO).
    assert_eq!(schema.field_with_name("n64").unwrap().data_type(), &DataType::UInt64);
}

/// A FITS header block of `cards`.
fn header_block(cards: &[&str]) -> Vec<u8> {
    let mut bytes: Vec<u8> = cards.iter().chain(&["END"]).flat_map(|c| format!("{c:<80}").into_bytes()).collect();
    bytes.resize(bytes.len().next_multiple_of(2880), b' ');
    bytes
}

#[test]
fn fits_plus_metadata_fills_what_the_header_lacks() {
    // Our encoder's table behind a FITS-plus primary HDU, as STILTS writes one.
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("ra", DataType::Float64, false)
            .with_metadata([(arrow_meta::UNIT.to_string(), "h".to_string())].into_iter().collect()),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(Int64Array::from(vec![1, 2])), Arc::new(Float64Array::from(vec![1.5, 2.5]))],
    )
    .unwrap();
    let table = encode_all(FormatKind::Fits, ResultInfo::default(), &schema, &[batch], &EndStatus::Ok).unwrap();
    let votable = r#"<?xml version="1.0"?><VOTABLE version="1.4"><RESOURCE><TABLE>
<FIELD name="id" datatype="long" ucd="meta.id;meta.main"><DESCRIPTION>Source number</DESCRIPTION></FIELD>
<FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
</TABLE></RESOURCE></VOTABLE>"#;
    let mut fits = header_block(&[
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    1",
        &format!("NAXIS1  = {:>20}", votable.len()),
        "VOTMETA =                    T",
        "EXTEND  =                    T",
    ]);
    let mut data = votable.as_bytes().to_vec();
    data.resize(data.len().next_multiple_of(2880), b' ');
    fits.extend(data);
    // Our encoder's primary HDU is one header block with no data.
    fits.extend(&table[2880..]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("plus.fits");
    std::fs::write(&path, fits).unwrap();
    let (schema, batch) = read_all(&path, InputFormat::Fits).unwrap();
    assert_eq!(batch.column(1).as_primitive::<Float64Type>().values().to_vec(), [1.5, 2.5]);
    assert_eq!(meta(&schema, "id", arrow_meta::UCD), Some("meta.id;meta.main"));
    assert_eq!(meta(&schema, "id", arrow_meta::DESCRIPTION), Some("Source number"));
    assert_eq!(meta(&schema, "ra", arrow_meta::UCD), Some("pos.eq.ra;meta.main"));
    assert_eq!(meta(&schema, "ra", arrow_meta::UNIT), Some("h"), "the BINTABLE's own TUNIT wins");
}

#[test]
fn gzip_csv_is_decompressed_and_corrupt_gzip_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cat.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"id,ra,dec\n1,10.5,-3\n2,11,4\n3,12,5\n").unwrap();
    let bytes = gz.finish().unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let (schema, batch) = read_all(&path, InputFormat::Csv).unwrap();
    assert_eq!(schema.field(1).data_type(), &DataType::Float64);
    assert_eq!(batch.column(0).as_primitive::<Int64Type>().values().to_vec(), [1, 2, 3]);

    let broken = tmp.path().join("broken.csv.gz");
    let mut corrupt = bytes.clone();
    let middle = corrupt.len() / 2;
    corrupt[middle..].iter_mut().for_each(|b| *b = !*b);
    std::fs::write(&broken, &corrupt).unwrap();
    let err = read_all(&broken, InputFormat::Csv).unwrap_err().to_string();
    assert!(err.contains("broken.csv.gz") && err.contains("gzip"), "{err}");

    let parquet = tmp.path().join("t.parquet.gz");
    std::fs::write(&parquet, &bytes).unwrap();
    let err = read_all(&parquet, InputFormat::Parquet).unwrap_err().to_string();
    assert!(err.contains("gunzip it first"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fits_ingest_keeps_units_and_finds_positions_by_ucd() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_store(tmp.path()).await;
    let source = open_source(&fixture("stars.fits.gz"), InputFormat::Fits, &[], 1000, ByteCounter::default()).unwrap();
    let spec = TableSpec { table: "fits.stars".into(), ..Default::default() };
    let report = vo_catalog::ingest(&store, vec![source], &spec, &IngestOptions::default(), &Quiet).await.unwrap();
    assert_eq!(report.rows, 5);
    let table = store.table("fits.stars").unwrap();
    let position = table.position.as_ref().unwrap();
    assert_eq!((position.ra_column.as_str(), position.dec_column.as_str()), ("ra", "dec"));
    assert_eq!(table.column("flux").unwrap().unit.as_deref(), Some("mJy"));
    assert_eq!(table.column("source_id").unwrap().ucd.as_deref(), Some("meta.id;meta.main"));
    let ctx = store.session_context(vo_catalog::default_session_config()).await.unwrap();
    let nulls =
        ctx.sql("SELECT COUNT(*) FROM fits.stars WHERE quality IS NULL").await.unwrap().collect().await.unwrap();
    assert_eq!(nulls[0].column(0).as_primitive::<Int64Type>().value(0), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_in_a_position_column_names_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_store(tmp.path()).await;
    let csv = tmp.path().join("pos.csv");
    std::fs::write(&csv, "id,ra,dec\n1,10,20\n2,11,abc\n3,12,30\n").unwrap();
    let source = open_source(&csv, InputFormat::Csv, &[], 1000, ByteCounter::default()).unwrap();
    let spec = TableSpec { table: "t.pos".into(), ..Default::default() };
    let err = vo_catalog::ingest(&store, vec![source], &spec, &IngestOptions::default(), &Quiet).await.unwrap_err();
    let err = err.to_string();
    assert!(
        err.starts_with(&format!("{}: line 3, column 3 (dec): cannot read 'abc' as Float64", csv.display())),
        "{err}"
    );
    assert!(store.table("t.pos").is_none());

    // RA out of range: the line and the value.
    std::fs::write(&csv, "id,ra,dec\n1,10,20\n2,11,21\n3,400,30\n").unwrap();
    let source = open_source(&csv, InputFormat::Csv, &[], 1000, ByteCounter::default()).unwrap();
    let err = vo_catalog::ingest(&store, vec![source], &spec, &IngestOptions::default(), &Quiet).await.unwrap_err();
    let err = err.to_string();
    assert!(err.contains("pos.csv: line 4") && err.contains("RA 400"), "{err}");
}
