//! `flowloom-bench floor` on an ads table as other tools write it: integer columns stored
//! narrower than the generated table's Int64 (pandas and Spark often write Int32).

use datafusion::arrow::array::{ArrayRef, Date32Array, Decimal128Array, Int32Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use std::process::Command;
use std::sync::Arc;

/// 2026-01-01, in days since 1970-01-01.
const FIRST_DAY: i32 = 20_454;

#[test]
fn the_floor_reads_int32_campaign_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rows = 3_000;
    let campaign: Vec<i32> = (0..rows).map(|r| 1 + r % 120).collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("day", DataType::Date32, false),
        Field::new("campaign_id", DataType::Int32, false),
        Field::new("impressions", DataType::Int32, false),
        Field::new("clicks", DataType::Int32, false),
        Field::new("spend", DataType::Decimal128(12, 2), false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Date32Array::from_iter_values(
            (0..rows).map(|r| FIRST_DAY + r % 30),
        )),
        Arc::new(Int32Array::from(campaign.clone())),
        Arc::new(Int32Array::from_iter_values((0..rows).map(|r| 100 + r))),
        Arc::new(Int32Array::from_iter_values((0..rows).map(|r| r % 17))),
        Arc::new(
            Decimal128Array::from_iter_values((0..rows).map(|r| i128::from(r % 997) * 7))
                .with_precision_and_scale(12, 2)
                .expect("decimal"),
        ),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).expect("batch");
    let file = std::fs::File::create(dir.path().join("ads.parquet")).expect("create");
    let mut writer = ArrowWriter::try_new(file, schema, None).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");

    for workload in ["W2", "W3"] {
        let output = Command::new(env!("CARGO_BIN_EXE_flowloom-bench"))
            .args(["floor", workload])
            .arg(dir.path())
            .output()
            .expect("run flowloom-bench");
        assert!(
            output.status.success(),
            "{workload}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
