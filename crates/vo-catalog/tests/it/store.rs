//! The store end to end: ingest into Parquet sorted by HEALPix, metadata in SQLite, a coverage
//! MOC, a DataFusion session over it, replacement and failed ingests that change nothing.

use std::sync::Arc;

use arrow_array::{Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use vo_catalog::sources::MemorySource;
use vo_catalog::{IngestOptions, Quiet, TableSpec, demo};

use crate::open_store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_sorts_by_healpix_and_survives_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_store(tmp.path()).await;
    // A sort memory far below the data size, so the sort spills to disk.
    let options = IngestOptions { row_group_size: 6000, page_rows: 600, sort_memory: 3 << 20, ..Default::default() };
    let spec = TableSpec { table: "demo.stars".into(), metadata: demo::metadata(), ..Default::default() };
    let report = vo_catalog::ingest(&store, vec![demo::source(60_000, 777)], &spec, &options, &Quiet).await.unwrap();
    assert_eq!(report.rows, 60_000);
    let table = store.table("DEMO.Stars").expect("case-insensitive lookup");
    assert_eq!(table.position.as_ref().unwrap().ra_column, "ra");
    assert!(table.column("source_id").unwrap().principal);
    assert_eq!(table.column("ra").unwrap().unit.as_deref(), Some("deg"));
    assert!(store.coverage_file(&table).is_some());

    // The file is sorted by _healpix, in row groups of the requested size.
    let file = std::fs::File::open(store.data_file(&table)).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    assert_eq!(reader.metadata().num_row_groups(), 10);
    let mut last = i64::MIN;
    for batch in reader.build().unwrap() {
        let batch = batch.unwrap();
        let h = batch.column_by_name("_healpix").unwrap().as_any().downcast_ref::<Int64Array>().unwrap();
        for v in h.iter().flatten() {
            assert!(v >= last);
            last = v;
        }
    }

    // Reopening reads the metadata back from the database.
    drop(store);
    let store = open_store(tmp.path()).await;
    let ctx = store.session_context(vo_catalog::default_session_config()).await.unwrap();
    let n =
        ctx.sql("SELECT COUNT(*) FROM demo.stars WHERE phot_g_mean_mag < 15").await.unwrap().collect().await.unwrap();
    let n = n[0].column(0).as_any().downcast_ref::<Int64Array>().unwrap().value(0);
    let want = (0..60_000).filter(|&i| (demo::star(i).phot_g_mean_mag as f32) < 15.0).count() as i64;
    assert_eq!(n, want);
}

// actix-web handlers and plain `#[tokio::test]`s run on a current-thread runtime, where
// `block_in_place` would panic.
#[tokio::test]
async fn ingest_runs_on_a_current_thread_runtime() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_store(tmp.path()).await;
    let spec = TableSpec { table: "demo.stars".into(), metadata: demo::metadata(), ..Default::default() };
    let report = vo_catalog::ingest(&store, vec![demo::source(5_000, 1_000)], &spec, &IngestOptions::default(), &Quiet)
        .await
        .unwrap();
    assert_eq!(report.rows, 5_000);
    assert_eq!(store.table("demo.stars").unwrap().nrows, 5_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_replacement_leaves_the_table_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_store(tmp.path()).await;
    let spec = TableSpec { table: "t.points".into(), ..Default::default() };
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("ra", DataType::Float64, true),
        Field::new("dec", DataType::Float64, true),
    ]));
    let batch = |dec: f64| {
        RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![1, 2])),
                Arc::new(Float64Array::from(vec![10.0, 20.0])),
                Arc::new(Float64Array::from(vec![0.0, dec])),
            ],
        )
        .unwrap()
    };
    let good = MemorySource::new("good", schema.clone(), vec![batch(5.0)]);
    vo_catalog::ingest(&store, vec![Box::new(good)], &spec, &IngestOptions::default(), &Quiet).await.unwrap();
    let before = store.table("t.points").unwrap();

    let bad = MemorySource::new("bad", schema.clone(), vec![batch(-91.0)]);
    let replace = TableSpec { replace: true, ..spec.clone() };
    let err =
        vo_catalog::ingest(&store, vec![Box::new(bad)], &replace, &IngestOptions::default(), &Quiet).await.unwrap_err();
    assert!(err.to_string().contains("-91"), "{err}");
    assert_eq!(store.table("t.points").unwrap(), before);
    assert!(store.data_file(&before).exists());
    assert_eq!(std::fs::read_dir(store.root().join("staging")).unwrap().count(), 0);

    // Without `replace`, an existing table is refused.
    let again = MemorySource::new("again", schema.clone(), vec![batch(1.0)]);
    let err =
        vo_catalog::ingest(&store, vec![Box::new(again)], &spec, &IngestOptions::default(), &Quiet).await.unwrap_err();
    assert!(err.to_string().contains("exists"), "{err}");
}
