//! The PostgreSQL floor: `flowloom-bench pg-floor W2|W3 FLOW_FILE` sends a workload's
//! queries to a server the way a bare sqlx client would — one connection, one query after
//! another, every value bound (a list as one array parameter), the rows collected — and
//! nothing else: no transaction, no history, no result kept.
//!
//! The SQL is the flow file's own: each template's text with `IN ({{list}})` sent as
//! `= ANY($n)` and every other placeholder as `$n`, scalars numbered first in the order they
//! appear and lists after them, as Flowloom's connector sends it (`bench/run.py` compares
//! the two in the server's log). The server is the one the `PG*` environment variables name
//! (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE).
//!
//! It prints one JSON line: how long it took from before connecting to the last row
//! (`duration_ms`), and the last query's result (`columns`, `rows`, every value as text), for
//! `bench/run.py` to check against Flowloom's.

use crate::Result;
use serde_json::{Value as Json, json};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::{Column as _, Connection as _, Row as _, TypeInfo as _, ValueRef as _};
use std::path::Path;
use std::time::Instant;

/// A template's SQL as it is sent, and the parameter each `$n` binds (`$1` first).
#[derive(Debug, PartialEq)]
pub struct Sent {
    pub sql: String,
    pub params: Vec<String>,
}

/// A value bound to one parameter: every parameter of W2 and W3 is an integer or a list.
enum Bind {
    One(i64),
    List(Vec<i64>),
}

pub async fn floor(workload: &str, flow: &Path) -> Result<()> {
    let file: Json = serde_json::from_slice(&std::fs::read(flow)?)?;
    let started = Instant::now();
    let options = PgConnectOptions::new_without_pgpass().application_name("flowloom-bench");
    let mut db = PgConnection::connect_with(&options).await?;
    let last = match workload {
        "W2" => w2(&file, &mut db).await?,
        "W3" => w3(&file, &mut db).await?,
        other => return Err(format!("no PostgreSQL workload `{other}` (W2 or W3)").into()),
    };
    let duration = started.elapsed();
    db.close().await?;
    let columns: Vec<String> = last.first().map_or_else(Vec::new, |row| {
        row.columns().iter().map(|c| c.name().to_owned()).collect()
    });
    let rows = last.iter().map(texts).collect::<Result<Vec<_>>>()?;
    println!(
        "{}",
        json!({
            "event": "floor_finished",
            "duration_ms": duration.as_secs_f64() * 1e3,
            "columns": columns,
            "rows": rows,
        })
    );
    Ok(())
}

/// W2: a chain of nodes on one template, each node's `campaign_ids` the previous node's
/// distinct `campaign_id`s (in the order they came), its `residue` from the node.
async fn w2(file: &Json, db: &mut PgConnection) -> Result<Vec<PgRow>> {
    let nodes = file["nodes"].as_array().ok_or("no nodes")?;
    let mut previous: Vec<i64> = Vec::new();
    let mut rows = Vec::new();
    for node in nodes {
        let template = template(file, str_at(node, "template_id")?)?;
        let residue = node["parameter_overrides"]["residue"]
            .as_i64()
            .ok_or("a node without its residue")?;
        let sent = sent(template)?;
        let values = |name: &str| match name {
            "campaign_ids" => Ok(Bind::List(previous.clone())),
            "residue" => Ok(Bind::One(residue)),
            other => Err(format!("W2 has no parameter `{other}`")),
        };
        rows = run(db, &sent, values).await?;
        previous = distinct(campaign_ids(&rows)?);
    }
    Ok(rows)
}

/// W3: the top campaigns, each one's days (one query per campaign, one after another, its
/// list parameter one value), the days counted.
async fn w3(file: &Json, db: &mut PgConnection) -> Result<Vec<PgRow>> {
    let node = |id: &str| -> Result<&Json> {
        let nodes = file["nodes"].as_array().ok_or("no nodes")?;
        nodes
            .iter()
            .find(|n| n["node_id"] == id)
            .ok_or_else(|| format!("no node `{id}`").into())
    };
    let sent_for =
        |id: &str| -> Result<Sent> { sent(template(file, str_at(node(id)?, "template_id")?)?) };
    let no_params = |name: &str| Err(format!("unexpected parameter `{name}`"));
    let top = run(db, &sent_for("top")?, no_params).await?;
    let by_day = sent_for("by_day")?;
    let mut days = 0;
    for id in distinct(campaign_ids(&top)?) {
        let values = |name: &str| match name {
            "campaign_ids" => Ok(Bind::List(vec![id])),
            other => Err(format!("unexpected parameter `{other}`")),
        };
        days += run(db, &by_day, values).await?.len();
    }
    let days = i64::try_from(days)?;
    let values = |name: &str| match name {
        "rows" => Ok(Bind::One(days)),
        other => Err(format!("unexpected parameter `{other}`")),
    };
    run(db, &sent_for("total")?, values).await
}

/// Sends `sent` with each parameter's value from `values`, and collects its rows.
async fn run(
    db: &mut PgConnection,
    sent: &Sent,
    values: impl Fn(&str) -> std::result::Result<Bind, String>,
) -> Result<Vec<PgRow>> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sent.sql.as_str()));
    for name in &sent.params {
        query = match values(name)? {
            Bind::One(value) => query.bind(value),
            Bind::List(values) => query.bind(values),
        };
    }
    Ok(query.fetch_all(db).await?)
}

fn str_at<'a>(value: &'a Json, key: &str) -> Result<&'a str> {
    value[key]
        .as_str()
        .ok_or_else(|| format!("no `{key}`").into())
}

fn template<'a>(file: &'a Json, id: &str) -> Result<&'a Json> {
    let templates = file["templates"].as_array().ok_or("no templates")?;
    templates
        .iter()
        .find(|t| t["template_id"] == id)
        .ok_or_else(|| format!("no template `{id}`").into())
}

/// A template of the flow file as it is sent: its SQL rewritten, its parameters in order.
fn sent(template: &Json) -> Result<Sent> {
    let specs = template["parameters"].as_array().ok_or("no parameters")?;
    let is_list = |name: &str| {
        specs
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["list"].as_bool().unwrap_or(false))
            .ok_or_else(|| format!("no parameter `{name}`"))
    };
    Ok(rewrite(str_at(template, "sql")?, is_list)?)
}

/// `sql` with its `{{name}}` placeholders as PostgreSQL's `$n`: scalars numbered first, in
/// the order they first appear, then lists; a list inside `IN (…)` becomes `= ANY($n)`.
/// (Only what W2 and W3 use: no `NOT IN`, no list after a comparison.)
pub fn rewrite(
    sql: &str,
    is_list: impl Fn(&str) -> std::result::Result<bool, String>,
) -> std::result::Result<Sent, String> {
    // The placeholders in order: (start, end, name).
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = sql[at..].find("{{") {
        let start = at + open;
        let close = sql[start..].find("}}").ok_or("an unclosed `{{`")? + start;
        found.push((start, close + 2, sql[start + 2..close].trim().to_owned()));
        at = close + 2;
    }
    let (mut scalars, mut lists): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (_, _, name) in &found {
        let kind = if is_list(name)? {
            &mut lists
        } else {
            &mut scalars
        };
        if !kind.contains(name) {
            kind.push(name.clone());
        }
    }
    let number = |name: &str| -> usize {
        match scalars.iter().position(|s| s == name) {
            Some(i) => i + 1,
            None => scalars.len() + lists.iter().position(|l| l == name).unwrap_or(0) + 1,
        }
    };
    let mut out = String::new();
    let mut at = 0;
    for (start, end, name) in &found {
        let before = &sql[at..*start];
        let after = &sql[*end..];
        let in_open = before.trim_end().strip_suffix('(').map(str::trim_end);
        let in_list = in_open
            .and_then(|b| b.len().checked_sub(2).map(|cut| (b, cut)))
            .filter(|(b, cut)| {
                b.is_char_boundary(*cut)
                    && b[*cut..].eq_ignore_ascii_case("in")
                    && !b[..*cut].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
        let closes = after.trim_start().starts_with(')');
        match in_list {
            Some((b, cut)) if lists.contains(name) && closes => {
                out.push_str(&b[..cut]);
                out.push_str(&format!("= ANY(${})", number(name)));
                at = *end + after.find(')').unwrap_or(0) + 1;
                continue;
            }
            _ => {
                out.push_str(before);
                out.push_str(&format!("${}", number(name)));
            }
        }
        at = *end;
    }
    out.push_str(&sql[at..]);
    let mut params = scalars;
    params.extend(lists);
    Ok(Sent { sql: out, params })
}

/// `ids` without repeats, each where it first came.
fn distinct(ids: Vec<i64>) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

fn campaign_ids(rows: &[PgRow]) -> Result<Vec<i64>> {
    rows.iter()
        .map(|row| Ok(row.try_get::<i64, _>("campaign_id")?))
        .collect()
}

/// A row's values as text: integers, and numerics with their scale's places.
fn texts(row: &PgRow) -> Result<Vec<Option<String>>> {
    (0..row.columns().len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(None);
            }
            let type_name = raw.type_info().name().to_owned();
            Ok(Some(match type_name.as_str() {
                "INT8" => row.try_get::<i64, _>(i)?.to_string(),
                "INT4" => row.try_get::<i32, _>(i)?.to_string(),
                "NUMERIC" => numeric(raw.as_bytes().map_err(|e| e.to_string())?)?,
                other => return Err(format!("a column of type {other}").into()),
            }))
        })
        .collect()
}

/// PostgreSQL's binary `numeric` (base-10000 digits, a weight, a sign, the scale) as text.
fn numeric(bytes: &[u8]) -> Result<String> {
    let word = |i: usize| -> Result<i16> {
        let pair = bytes.get(2 * i..2 * i + 2).ok_or("a short numeric")?;
        Ok(i16::from_be_bytes([pair[0], pair[1]]))
    };
    let (count, weight, scale) = (word(0)?, word(1)?, word(3)?);
    let sign = word(2)?.cast_unsigned();
    if sign == 0xC000 {
        return Ok("NaN".to_owned());
    }
    let (count, weight) = (i32::from(count), i32::from(weight));
    // The digit worth 10000^power: digit `weight - power` of those sent, else a zero.
    let group = |power: i32| -> Result<String> {
        let i = weight - power;
        let digit = if (0..count).contains(&i) {
            word(4 + usize::try_from(i)?)?
        } else {
            0
        };
        Ok(format!("{digit:04}"))
    };
    let mut whole = String::new();
    for power in (0..=weight).rev() {
        whole.push_str(&group(power)?);
    }
    let mut fraction = String::new();
    for power in ((weight - count + 1).min(-1)..=-1).rev() {
        fraction.push_str(&group(power)?);
    }
    let whole = whole.trim_start_matches('0');
    let scale = usize::try_from(scale)?;
    fraction.truncate(scale);
    fraction.extend(std::iter::repeat_n('0', scale - fraction.len()));
    let minus = if sign == 0x4000 { "-" } else { "" };
    let whole = if whole.is_empty() { "0" } else { whole };
    Ok(if scale == 0 {
        format!("{minus}{whole}")
    } else {
        format!("{minus}{whole}.{fraction}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_bound_references_as_the_connector_sends_them() {
        let list = |name: &str| Ok(name == "ids");
        let sent = rewrite(
            "SELECT a FROM t\nWHERE a IN ({{ids}})\n   OR a % 25 = {{r}}\nLIMIT {{n}}",
            list,
        )
        .expect("rewrites");
        assert_eq!(
            sent.sql,
            "SELECT a FROM t\nWHERE a = ANY($3)\n   OR a % 25 = $1\nLIMIT $2"
        );
        assert_eq!(sent.params, ["r", "n", "ids"]);
        // `min(` is not `IN (`.
        let sent = rewrite("SELECT min({{ids}})", list).expect("rewrites");
        assert_eq!(sent.sql, "SELECT min($1)");
    }

    #[test]
    fn numerics_read_back_with_their_places() {
        // 12345.6789: [1, 2345, 6789], weight 1, scale 4.
        let bytes = [0, 3, 0, 1, 0, 0, 0, 4, 0, 1, 0x09, 0x29, 0x1a, 0x85];
        assert_eq!(numeric(&bytes).expect("reads"), "12345.6789");
        // -0.05: [500], weight -1, scale 2.
        let bytes = [0, 1, 0xff, 0xff, 0x40, 0, 0, 2, 0x01, 0xf4];
        assert_eq!(numeric(&bytes).expect("reads"), "-0.05");
        // 0.00 and 10000.
        assert_eq!(numeric(&[0, 0, 0, 0, 0, 0, 0, 2]).expect("reads"), "0.00");
        let bytes = [0, 1, 0, 1, 0, 0, 0, 0, 0, 1];
        assert_eq!(numeric(&bytes).expect("reads"), "10000");
        // 0.00001234: [1234] at weight -2, scale 8.
        let bytes = [0, 1, 0xff, 0xfe, 0, 0, 0, 8, 0x04, 0xd2];
        assert_eq!(numeric(&bytes).expect("reads"), "0.00001234");
    }
}
