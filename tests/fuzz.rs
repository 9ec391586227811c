//! The flow file reader and checker never panic, whatever they are given: mutations of the
//! committed corpus (every example and fixture flow file) for a time budget.
//!
//! CI runs it for a couple of seconds; a long run is
//! `FUZZ_SECONDS=600 cargo test --release --test tests fuzz -- --nocapture`.

use flowloom_core::flowfile;
use flowloom_core::sample_data::Rng;
use std::path::Path;
use std::time::{Duration, Instant};

fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    for dir in ["examples", "tests/fixtures/flows", "tests/fixtures/upgrade"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(&dir).expect("corpus dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                texts.push(std::fs::read_to_string(&path).expect("corpus file"));
            }
        }
    }
    texts
}

const TOKENS: [&str; 24] = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "-1",
    "1e999",
    "0.5",
    "\"€\"",
    "\"\\u0000\"",
    "\"tpl_x\"",
    "\"comp_x\"",
    "\"node_1\"",
    "\"cast:date\"",
    "\"upstream.a.row_count > \"",
    "\"2026-02-30\"",
    "\"params.x == 'é'\"",
    "\"format_version\"",
    "0",
    "\"2026-06-01T12:30+€:\"",
];

/// One mutation of the text: byte edits, token inserts, range deletes, splices, or a
/// structural change to the parsed JSON.
/// A position in `0..n`, from the seeded generator (so a failure replays with `FUZZ_SEED`).
fn below(rng: &mut Rng, n: usize) -> usize {
    usize::try_from(rng.below(n as u64)).unwrap_or(0)
}

fn mutate(rng: &mut Rng, corpus: &[String], text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    match below(rng, 7) {
        0 if !bytes.is_empty() => {
            let i = below(rng, bytes.len());
            bytes[i] = (rng.next() & 0xFF) as u8;
        }
        1 => {
            let i = below(rng, bytes.len() + 1);
            bytes.splice(i..i, TOKENS[below(rng, TOKENS.len())].bytes());
        }
        2 if !bytes.is_empty() => {
            let i = below(rng, bytes.len());
            let j = (i + below(rng, 64)).min(bytes.len());
            bytes.drain(i..j);
        }
        3 => {
            let other = corpus[below(rng, corpus.len())].as_bytes();
            let (i, j) = (below(rng, bytes.len() + 1), below(rng, other.len() + 1));
            bytes.truncate(i);
            bytes.extend_from_slice(&other[j..]);
        }
        _ => {
            if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) {
                mutate_value(rng, &mut value, 0);
                return value.to_string();
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn mutate_value(rng: &mut Rng, value: &mut serde_json::Value, depth: usize) {
    use serde_json::{Value, json};
    let children: usize = match value {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        _ => 0,
    };
    if children > 0 && depth < 12 && below(rng, 4) != 0 {
        let pick = below(rng, children);
        match value {
            Value::Array(items) => mutate_value(rng, &mut items[pick], depth + 1),
            Value::Object(map) => {
                if let Some(child) = map.values_mut().nth(pick) {
                    mutate_value(rng, child, depth + 1);
                }
            }
            _ => {}
        }
        return;
    }
    *value = match below(rng, 9) {
        0 => Value::Null,
        1 => json!(rng.next() as i64),
        2 => json!(-0.0),
        3 => json!(TOKENS[below(rng, TOKENS.len())]),
        4 => json!([]),
        5 => json!({}),
        6 => json!([value.clone(), value.clone()]),
        7 => json!({ "parameter_mappings": { "p": { "source_node": "a", "source_field": "b" } } }),
        _ => json!("x".repeat(below(rng, 300))),
    };
}

#[test]
fn reading_and_checking_never_panics() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED);
    let corpus = corpus();
    assert!(corpus.len() >= 20, "corpus has only {} files", corpus.len());
    let mut rng = Rng(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut executions = 0u64;
    let mut valid = 0u64;
    while Instant::now() < deadline {
        let mut text = corpus[below(&mut rng, corpus.len())].clone();
        for _ in 0..=below(&mut rng, 4) {
            text = mutate(&mut rng, &corpus, &text);
        }
        let outcome = std::panic::catch_unwind(|| flowfile::check(&text));
        match outcome {
            Ok(Ok((_, diagnostics))) if diagnostics.iter().all(|d| !d.is_error()) => valid += 1,
            Ok(_) => {}
            Err(_) => panic!(
                "flowfile::check panicked on this input (seed {seed}, execution {executions}):\n{text}"
            ),
        }
        executions += 1;
    }
    eprintln!("fuzz: {executions} executions in {seconds}s, {valid} still valid, no panic");
    assert!(executions > 0);
}
