//! The sample dataset a new workspace starts with: a synthetic, deterministic ad-campaign
//! business (calendar, campaigns, products, daily ad delivery, orders), generated rather
//! than downloaded, written as CSV files into the workspace's `data/` folder. Money columns
//! are declared `decimal(…,2)` in each file's sidecar (`<table>.schema.json`), so sums of
//! spend and sales are exact.
//!
//! Deterministic: the same build always writes the same bytes, so examples and tests can
//! rely on what the data holds. The shape is chosen for the starter templates: every
//! campaign sells shared best-sellers plus two products no other campaign sells.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The first day of the dataset, as days since 1970-01-01 (2026-01-01).
const FIRST_DAY: i64 = 20_454;
pub const DAYS: i64 = 181; // 2026-01-01 ..= 2026-06-30
pub const CAMPAIGNS: usize = 120;
pub const SHARED_PRODUCTS: usize = 60;
/// Products each campaign sells that no other campaign does.
const EXCLUSIVE_PER_CAMPAIGN: usize = 2;
pub const PRODUCTS: usize = SHARED_PRODUCTS + CAMPAIGNS * EXCLUSIVE_PER_CAMPAIGN;

const CHANNELS: [&str; 5] = ["search", "social", "display", "video", "email"];
const OBJECTIVES: [&str; 3] = ["awareness", "traffic", "conversions"];
const CATEGORIES: [&str; 10] = [
    "Apparel",
    "Beauty",
    "Books",
    "Electronics",
    "Garden",
    "Grocery",
    "Home",
    "Outdoors",
    "Sports",
    "Toys",
];
const THEMES: [&str; 12] = [
    "Spring Sale",
    "Summer Launch",
    "Brand Lift",
    "Clearance",
    "New Arrivals",
    "Loyalty",
    "Back to School",
    "Weekend Deals",
    "Flash Sale",
    "Holiday Preview",
    "Bundle Offers",
    "Retargeting",
];
const ADJECTIVES: [&str; 10] = [
    "Classic", "Smart", "Eco", "Compact", "Deluxe", "Pro", "Everyday", "Travel", "Kids", "Premium",
];
const NOUNS: [&str; 10] = [
    "Kit",
    "Set",
    "Pack",
    "Bundle",
    "Edition",
    "Series",
    "Collection",
    "Essentials",
    "Box",
    "Line",
];

/// The files the sample writes, by table name (file stem).
pub const TABLES: [&str; 5] = ["calendar", "campaigns", "products", "ad_daily", "orders"];

/// The column types each table's sidecar declares (`<table>.schema.json`): money as exact
/// decimals with cents; every other column keeps its inferred type.
pub const COLUMN_TYPES: [(&str, &str); 4] = [
    (
        "campaigns",
        r#"{"columns": {"daily_budget": "decimal(10,2)"}}"#,
    ),
    (
        "products",
        r#"{"columns": {"unit_price": "decimal(10,2)"}}"#,
    ),
    ("ad_daily", r#"{"columns": {"spend": "decimal(12,2)"}}"#),
    ("orders", r#"{"columns": {"sales": "decimal(12,2)"}}"#),
];

/// Writes every sample table that `data_dir` does not already have, with its column types.
/// Each file is written to a temporary name and renamed, so a crash never leaves a
/// half-written table. A table the folder already has keeps its file, and gets no sidecar
/// (it may not have the columns the sample's names); an existing sidecar is never replaced.
pub fn write_missing(data_dir: &Path) -> io::Result<()> {
    fs::create_dir_all(data_dir)?;
    let sample = Sample::generate();
    for table in TABLES {
        let path = data_dir.join(format!("{table}.csv"));
        if path.exists() {
            continue;
        }
        write_atomically(data_dir, &format!("{table}.csv"), |out| {
            sample.write_table(table, out)
        })?;
        let types = COLUMN_TYPES.iter().find(|(t, _)| *t == table);
        if let Some((_, types)) = types {
            let sidecar = format!("{table}.schema.json");
            if !data_dir.join(&sidecar).exists() {
                write_atomically(data_dir, &sidecar, |out| writeln!(out, "{types}"))?;
            }
        }
    }
    Ok(())
}

/// Writes `name` in `dir` through a temporary file renamed into place.
fn write_atomically(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let partial = dir.join(format!(".{name}.partial"));
    let mut out = BufWriter::new(File::create(&partial)?);
    write(&mut out)?;
    out.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .sync_all()?;
    fs::rename(&partial, dir.join(name))
}

struct Campaign {
    id: String,
    name: String,
    channel: &'static str,
    objective: &'static str,
    start: i64,
    daily_budget: f64,
    /// Relative click-through quality; some campaigns are deliberately weak.
    ctr: f64,
}

struct Product {
    id: String,
    name: String,
    category: &'static str,
    price: f64,
}

struct Sample {
    campaigns: Vec<Campaign>,
    products: Vec<Product>,
    seed: u64,
}

impl Sample {
    fn generate() -> Self {
        let mut rng = Rng(0x00F1_0100_2026);
        let campaigns = (0..CAMPAIGNS)
            .map(|i| Campaign {
                id: format!("C{:03}", i + 1),
                name: format!("{} {:02}", THEMES[i % THEMES.len()], i / THEMES.len() + 1),
                channel: CHANNELS[i % CHANNELS.len()],
                objective: OBJECTIVES[rng.below(OBJECTIVES.len() as u64) as usize],
                start: rng.below(60) as i64,
                daily_budget: (200 + rng.below(1800)) as f64,
                ctr: if i % 9 == 4 {
                    0.004 + rng.unit() * 0.004
                } else {
                    0.012 + rng.unit() * 0.03
                },
            })
            .collect();
        let products = (0..PRODUCTS)
            .map(|i| Product {
                id: format!("P{:04}", i + 1),
                name: format!(
                    "{} {} {}",
                    ADJECTIVES[rng.below(ADJECTIVES.len() as u64) as usize],
                    CATEGORIES[i % CATEGORIES.len()],
                    NOUNS[(i / CATEGORIES.len()) % NOUNS.len()]
                ),
                category: CATEGORIES[i % CATEGORIES.len()],
                price: ((5 + rng.below(295)) as f64) - 0.01,
            })
            .collect();
        Self {
            campaigns,
            products,
            seed: rng.next(),
        }
    }

    fn write_table(&self, table: &str, out: &mut impl Write) -> io::Result<()> {
        match table {
            "calendar" => self.write_calendar(out),
            "campaigns" => self.write_campaigns(out),
            "products" => self.write_products(out),
            "ad_daily" => self.write_ad_daily(out),
            "orders" => self.write_orders(out),
            other => unreachable!("sample table `{other}` is listed in TABLES but not generated"),
        }
    }

    fn write_calendar(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "day,weekday,iso_week,month")?;
        for d in 0..DAYS {
            let day = FIRST_DAY + d;
            let (y, m, _) = civil_from_days(day);
            // 1970-01-01 was a Thursday (ISO weekday 4).
            let weekday = (day + 3).rem_euclid(7) + 1;
            writeln!(
                out,
                "{},{weekday},{},{y:04}-{m:02}",
                iso_date(day),
                (d + 3) / 7 + 1
            )?;
        }
        Ok(())
    }

    fn write_campaigns(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "campaign_id,campaign_name,channel,objective,start_date,daily_budget"
        )?;
        for c in &self.campaigns {
            writeln!(
                out,
                "{},{},{},{},{},{:.2}",
                c.id,
                c.name,
                c.channel,
                c.objective,
                iso_date(FIRST_DAY + c.start),
                c.daily_budget
            )?;
        }
        Ok(())
    }

    fn write_products(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "product_id,product_name,category,unit_price")?;
        for p in &self.products {
            writeln!(out, "{},{},{},{:.2}", p.id, p.name, p.category, p.price)?;
        }
        Ok(())
    }

    /// One row per campaign per day it ran.
    fn write_ad_daily(&self, out: &mut impl Write) -> io::Result<()> {
        let mut rng = Rng(self.seed ^ 0xAD);
        writeln!(out, "day,campaign_id,impressions,clicks,spend")?;
        for d in 0..DAYS {
            for c in self.campaigns.iter().filter(|c| c.start <= d) {
                let weekend = matches!((FIRST_DAY + d + 3).rem_euclid(7), 5 | 6);
                let spend =
                    c.daily_budget * (0.6 + rng.unit() * 0.4) * if weekend { 0.8 } else { 1.0 };
                let impressions = (spend * (8.0 + rng.unit() * 6.0)).round() as u64;
                let clicks = (impressions as f64 * c.ctr * (0.8 + rng.unit() * 0.4)).round() as u64;
                writeln!(
                    out,
                    "{},{},{impressions},{clicks},{spend:.2}",
                    iso_date(FIRST_DAY + d),
                    c.id
                )?;
            }
        }
        Ok(())
    }

    /// About 280,000 orders, each attributed to one campaign and one product.
    fn write_orders(&self, out: &mut impl Write) -> io::Result<()> {
        let mut rng = Rng(self.seed ^ 0x0D);
        writeln!(out, "order_id,day,campaign_id,product_id,quantity,sales")?;
        let mut order = 0u64;
        for d in 0..DAYS {
            for (i, c) in self
                .campaigns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.start <= d)
            {
                for _ in 0..(6 + rng.below(24)) {
                    // Mostly shared best-sellers; now and then one of the campaign's own.
                    let product = if rng.below(10) < 8 {
                        &self.products[rng.below(SHARED_PRODUCTS as u64) as usize]
                    } else {
                        let own = rng.below(EXCLUSIVE_PER_CAMPAIGN as u64) as usize;
                        &self.products[SHARED_PRODUCTS + i * EXCLUSIVE_PER_CAMPAIGN + own]
                    };
                    let quantity = 1 + rng.below(4);
                    order += 1;
                    writeln!(
                        out,
                        "O{order:07},{},{},{},{quantity},{:.2}",
                        iso_date(FIRST_DAY + d),
                        c.id,
                        product.id,
                        product.price * quantity as f64
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// SplitMix64: tiny, fast and fixed, so generated data never changes under a dependency bump.
/// Seeded, so the sample, the benchmarks' tables and the fuzzer's mutations replay exactly.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    #[allow(clippy::should_implement_trait)] // Not an iterator: it never ends.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn iso_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_proleptic_gregorian() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(FIRST_DAY), "2026-01-01");
        assert_eq!(iso_date(FIRST_DAY + DAYS - 1), "2026-06-30");
        assert_eq!(iso_date(FIRST_DAY + 58), "2026-02-28");
        assert_eq!(iso_date(FIRST_DAY + 59), "2026-03-01");
    }

    #[test]
    fn the_same_build_writes_the_same_bytes() {
        let write = || {
            let mut out = Vec::new();
            Sample::generate()
                .write_table("campaigns", &mut out)
                .expect("in-memory write");
            out
        };
        assert_eq!(write(), write());
    }
}
