//! The engine benchmarks' tools (`bench/run.py` drives them):
//!
//! - `flowloom-bench ads FILE` writes the generated ads table as Parquet (or, for a `.csv`
//!   FILE, as CSV the way an analyst's export is written: a header, dates as `YYYY-MM-DD`,
//!   spend with its two decimals): 200,000 rows over 90 days, campaigns 1..=500, 5,000 ASINs,
//!   impressions, clicks and a DECIMAL(12,2) spend, from a fixed seed, so every run of the
//!   benchmark reads the same bytes.
//! - `flowloom-bench floor W1|W2|W3|W4 DATA_DIR` runs a workload's SQL one query after another
//!   on DataFusion directly, the way a minimal hand-written program would (values written into
//!   the SQL, results collected in memory, nothing recorded), over DATA_DIR's `ads.parquet`
//!   or `ads.csv`: the floor `flowloom run` is measured against.
//! - `flowloom-bench pg-floor W2|W3 FLOW_FILE` sends the workload's queries, the flow file's
//!   own SQL, to the PostgreSQL server the `PG*` environment variables name, as a bare sqlx
//!   client would (`pg.rs`): the floor a run on a PostgreSQL source is measured against.

use datafusion::arrow::array::{ArrayRef, Date32Array, Decimal128Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::cast::as_int64_array;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionContext};
use flowloom_core::sample_data::Rng;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

mod pg;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROWS: usize = 200_000;
const DAYS: u64 = 90;
const CAMPAIGNS: u64 = 500;
const ASINS: u64 = 5_000;
/// 2026-01-01, in days since 1970-01-01.
const FIRST_DAY: i32 = 20_454;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["ads", file] => write_ads(Path::new(file)),
        ["floor", workload, data] => {
            runtime().and_then(|rt| rt.block_on(floor(workload, Path::new(data))))
        }
        ["pg-floor", workload, flow] => {
            runtime().and_then(|rt| rt.block_on(pg::floor(workload, Path::new(flow))))
        }
        _ => Err(
            "usage: flowloom-bench ads FILE | flowloom-bench floor W1|W2|W3|W4 DATA_DIR \
                  | flowloom-bench pg-floor W2|W3 FLOW_FILE"
                .into(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("flowloom-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn write_ads(file: &Path) -> Result<()> {
    let mut rng = Rng(0xAD5_2026);
    let asins: Vec<String> = (0..ASINS)
        .map(|_| format!("B{:09}", rng.below(1_000_000_000)))
        .collect();
    let (mut day, mut campaign, mut asin) = (Vec::new(), Vec::new(), Vec::new());
    let (mut impressions, mut clicks, mut spend) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROWS {
        let shown = 100 + rng.below(50_000);
        let clicked = shown * rng.below(60) / 1_000;
        day.push(FIRST_DAY + i32::try_from(rng.below(DAYS))?);
        campaign.push(i64::try_from(1 + rng.below(CAMPAIGNS))?);
        asin.push(asins[usize::try_from(rng.below(ASINS))?].clone());
        impressions.push(i64::try_from(shown)?);
        clicks.push(i64::try_from(clicked)?);
        // Cents: 5 to 150 cents a click.
        spend.push(i128::from(clicked * (5 + rng.below(146))));
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("day", DataType::Date32, false),
        Field::new("campaign_id", DataType::Int64, false),
        Field::new("asin", DataType::Utf8, false),
        Field::new("impressions", DataType::Int64, false),
        Field::new("clicks", DataType::Int64, false),
        Field::new("spend", DataType::Decimal128(12, 2), false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Date32Array::from(day)),
        Arc::new(Int64Array::from(campaign)),
        Arc::new(StringArray::from(asin)),
        Arc::new(Int64Array::from(impressions)),
        Arc::new(Int64Array::from(clicks)),
        Arc::new(Decimal128Array::from(spend).with_precision_and_scale(12, 2)?),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    let out = std::fs::File::create(file)?;
    if file.extension().is_some_and(|e| e == "csv") {
        datafusion::arrow::csv::Writer::new(out).write(&batch)?;
        return Ok(());
    }
    let mut writer = ArrowWriter::try_new(out, schema, None)?;
    writer.write(&batch)?;
    writer.close()?;
    Ok(())
}

async fn floor(workload: &str, data: &Path) -> Result<()> {
    let ctx = SessionContext::new();
    let parquet = data.join("ads.parquet");
    if parquet.exists() {
        let options = ParquetReadOptions::default();
        ctx.register_parquet("ads", parquet.to_string_lossy().as_ref(), options)
            .await?;
    } else {
        let csv = data.join("ads.csv");
        ctx.register_csv("ads", csv.to_string_lossy().as_ref(), CsvReadOptions::new())
            .await?;
    }
    match workload {
        "W1" => {
            for _ in 0..200 {
                ctx.sql("SELECT 1 AS one").await?.collect().await?;
            }
        }
        "W2" => {
            let mut previous: Vec<i64> = Vec::new();
            for k in 1..=50 {
                let list = in_list(&previous);
                let sql = format!(
                    "SELECT campaign_id, SUM(spend) AS spend FROM ads
                     WHERE campaign_id IN ({list}) OR campaign_id % 25 = {}
                     GROUP BY campaign_id ORDER BY spend DESC, campaign_id LIMIT 20",
                    k % 25
                );
                previous = campaign_ids(&ctx.sql(&sql).await?.collect().await?)?;
                previous.sort_unstable();
                previous.dedup();
            }
        }
        "W3" => {
            let top = ctx
                .sql(
                    "SELECT campaign_id, SUM(spend) AS spend FROM ads GROUP BY campaign_id
                     ORDER BY spend DESC, campaign_id LIMIT 50",
                )
                .await?
                .collect()
                .await?;
            let mut rows = 0;
            for id in campaign_ids(&top)? {
                let sql = format!(
                    "SELECT day, SUM(impressions) AS impressions, SUM(clicks) AS clicks,
                            SUM(spend) AS spend
                     FROM ads WHERE campaign_id IN ({id}) GROUP BY day ORDER BY day"
                );
                let batches = ctx.sql(&sql).await?.collect().await?;
                rows += batches.iter().map(RecordBatch::num_rows).sum::<usize>();
            }
            ctx.sql(&format!("SELECT {rows} AS total_rows"))
                .await?
                .collect()
                .await?;
        }
        "W4" => {
            const LAYERS: usize = 25;
            const WIDTH: usize = 20;
            let mut above: Vec<Vec<i64>> = vec![Vec::new(); WIDTH];
            for layer in 0..LAYERS {
                let mut this = Vec::with_capacity(WIDTH);
                for j in 0..WIDTH {
                    let mut ids: Vec<i64> = if layer == 0 {
                        Vec::new()
                    } else {
                        [&above[j], &above[(j + 1) % WIDTH]]
                            .into_iter()
                            .flatten()
                            .copied()
                            .collect()
                    };
                    ids.sort_unstable();
                    ids.dedup();
                    let sql = format!(
                        "SELECT campaign_id, SUM(spend) AS spend FROM ads
                         WHERE campaign_id IN ({}) OR campaign_id % 20 = {j}
                         GROUP BY campaign_id ORDER BY spend DESC, campaign_id LIMIT 5",
                        in_list(&ids)
                    );
                    this.push(campaign_ids(&ctx.sql(&sql).await?.collect().await?)?);
                }
                above = this;
            }
        }
        other => return Err(format!("no workload `{other}` (W1, W2, W3 or W4)").into()),
    }
    Ok(())
}

/// `ids` written into SQL as an `IN (…)` list: `NULL` (matching nothing) when empty.
fn in_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "NULL".to_owned();
    }
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    ids.join(", ")
}

/// The `campaign_id`s of a result, whatever integer type the file stores them as (the
/// generated table's Int64, or the Int32 pandas and Spark often write).
fn campaign_ids(batches: &[RecordBatch]) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for batch in batches {
        let column = batch
            .column_by_name("campaign_id")
            .ok_or("no campaign_id")?;
        if !column.data_type().is_integer() {
            return Err(format!("campaign_id is {}, not an integer", column.data_type()).into());
        }
        let wide = cast(column, &DataType::Int64)?;
        ids.extend(as_int64_array(&wide)?.iter().flatten());
    }
    Ok(ids)
}
