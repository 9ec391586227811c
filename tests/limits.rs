//! Input at and just past every documented limit (README, "Limits"): at the limit it works,
//! past it a clear message says which limit, and nothing ever overflows a stack. These run
//! on the test harness's 2 MiB threads, the stack of a Tauri command or a tokio worker, on
//! the debug build, the stricter one.

use flowloom_core::condition::{Condition, Facts, MAX_LENGTH, MAX_NESTING, MAX_OPERATORS};

fn holds(text: &str) -> Result<bool, String> {
    Condition::compile(text)
        .map_err(|e| e.to_string())?
        .evaluate(&Facts::default())
}

#[test]
fn a_condition_nested_to_the_limit_runs_and_one_level_more_is_refused() {
    let nested = |levels: usize| format!("{}true{}", "(".repeat(levels), ")".repeat(levels));
    assert_eq!(holds(&nested(MAX_NESTING)), Ok(true));
    assert_eq!(
        holds(&nested(MAX_NESTING + 1)),
        Err(format!(
            "the condition nests brackets deeper than {MAX_NESTING} levels (at character {})",
            MAX_NESTING + 1
        ))
    );
    // `size(` is one level of its own.
    let lists = |levels: usize| {
        format!(
            "size({}1{}) == 1",
            "[".repeat(levels - 1),
            "]".repeat(levels - 1)
        )
    };
    assert_eq!(holds(&lists(MAX_NESTING)), Ok(true));
    assert!(holds(&lists(MAX_NESTING + 1)).is_err_and(|e| e.contains("nests brackets deeper")));
}

#[test]
fn a_chain_of_operators_to_the_limit_runs_and_one_more_is_refused() {
    // `1 + 1 + … + 1 == n`: n - 1 additions and one comparison.
    let chain = |operators: usize| format!("{} == {operators}", vec!["1"; operators].join(" + "));
    assert_eq!(holds(&chain(MAX_OPERATORS)), Ok(true));
    assert!(
        holds(&chain(MAX_OPERATORS + 1))
            .is_err_and(|e| e.contains(&format!("chains more than {MAX_OPERATORS} operators"))),
    );
    let ands = |operators: usize| vec!["true"; operators + 1].join(" && ");
    assert_eq!(holds(&ands(MAX_OPERATORS)), Ok(true));
    assert!(holds(&ands(MAX_OPERATORS + 1)).is_err());
}

#[test]
fn a_condition_as_long_as_the_limit_runs_and_one_character_more_is_refused() {
    let padded = |length: usize| format!("true{}", " ".repeat(length - 4));
    assert_eq!(holds(&padded(MAX_LENGTH)), Ok(true));
    assert_eq!(
        holds(&padded(MAX_LENGTH + 1)),
        Err(format!(
            "the condition is longer than {MAX_LENGTH} characters (at character {})",
            MAX_LENGTH + 1
        ))
    );
}

#[test]
fn brackets_and_operators_inside_strings_do_not_count() {
    let text = format!("'{}' != ''", "((((+-*/".repeat(40));
    assert_eq!(holds(&text), Ok(true));
}

mod computed_columns {
    use flowloom_core::model::TableSchema;
    use flowloom_core::tables::computed::{MAX_LENGTH, MAX_NESTING, MAX_OPERATORS, to_sql};
    use serde_json::json;

    fn schema() -> TableSchema {
        serde_json::from_value(json!({ "columns": [
            { "name": "a", "data_type": "integer" },
            { "name": "total", "data_type": "integer" }
        ]}))
        .expect("schema")
    }

    fn computed(text: &str) -> Result<String, String> {
        to_sql(text, &schema(), "total")
    }

    #[test]
    fn an_expression_at_each_limit_is_written_and_past_it_refused() {
        // `a + a + … + a`: one operator fewer than terms.
        let chain = |operators: usize| vec!["a"; operators + 1].join(" + ");
        assert!(computed(&chain(MAX_OPERATORS)).is_ok());
        assert!(
            computed(&chain(MAX_OPERATORS + 1))
                .is_err_and(|e| e.ends_with(&format!("chains more than {MAX_OPERATORS} operators")))
        );
        // `a = 1 OR … OR a = 1`: n comparisons and n - 1 ORs.
        let ors = |comparisons: usize| vec!["a = 1"; comparisons].join(" OR ");
        assert!(computed(&ors(MAX_OPERATORS / 2)).is_ok());
        assert!(computed(&ors(MAX_OPERATORS / 2 + 1)).is_err());

        let nested = |levels: usize| format!("{}a{}", "(".repeat(levels), ")".repeat(levels));
        assert!(computed(&nested(MAX_NESTING)).is_ok());
        assert!(
            computed(&nested(MAX_NESTING + 1)).is_err_and(|e| e.ends_with(&format!(
                "nests parentheses deeper than {MAX_NESTING} levels"
            )))
        );

        let padded = |length: usize| format!("a{}", " ".repeat(length - 1));
        assert!(computed(&padded(MAX_LENGTH)).is_ok());
        assert!(
            computed(&padded(MAX_LENGTH + 1))
                .is_err_and(|e| e.ends_with(&format!("longer than {MAX_LENGTH} characters")))
        );
    }
}

mod template_sql {
    use flowloom_core::engine::arrow::array::AsArray;
    use flowloom_core::engine::arrow::datatypes::Int64Type;
    use flowloom_core::engine::{Connector, EngineError, LocalEngine};
    use flowloom_core::render::{self, MAX_SQL_LENGTH, MAX_SQL_OPERATORS, RenderError};
    use futures::TryStreamExt;
    use std::collections::BTreeMap;

    /// The rows' first column, summed: what the statement computed.
    async fn total(engine: &LocalEngine, sql: &str) -> Result<i64, EngineError> {
        let statement = render::render(sql, &[], &BTreeMap::new())?;
        let batches: Vec<_> = engine.run(&statement).await?.batches.try_collect().await?;
        Ok(batches
            .iter()
            .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
            .sum())
    }

    /// Chains the engine plans by recursing once per operator run at the limit on a 2 MiB
    /// thread (they overflowed it at about 300 additions), and one operator more is refused
    /// before anything is planned.
    #[tokio::test]
    async fn operator_chains_at_the_limit_run_and_past_it_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let engine = LocalEngine::open(dir.path()).await.expect("engine");
        let additions = |n: usize| {
            format!(
                "SELECT CAST({} AS BIGINT) AS x",
                vec!["1"; n + 1].join(" + ")
            )
        };
        assert_eq!(
            total(&engine, &additions(MAX_SQL_OPERATORS)).await.ok(),
            Some(1_001)
        );
        // `value = i OR …`: n comparisons and n - 1 ORs, at the limit.
        let ors = |n: usize| {
            let tests: Vec<String> = (0..n).map(|i| format!("value = {i}")).collect();
            format!(
                "SELECT count(*) AS x FROM range(5000) WHERE {}",
                tests.join(" OR ")
            )
        };
        assert_eq!(
            total(&engine, &ors(MAX_SQL_OPERATORS / 2)).await.ok(),
            Some(500)
        );
        let unions = |n: usize| {
            let selects: Vec<String> = (0..=n)
                .map(|i| format!("SELECT CAST({i} AS BIGINT) AS x"))
                .collect();
            selects.join(" UNION ALL ")
        };
        let expected: i64 = (0..=1_000).sum();
        assert_eq!(
            total(&engine, &unions(MAX_SQL_OPERATORS)).await.ok(),
            Some(expected)
        );

        for past in [
            additions(MAX_SQL_OPERATORS + 1),
            ors(MAX_SQL_OPERATORS / 2 + 1),
            unions(MAX_SQL_OPERATORS + 1),
        ] {
            assert_eq!(
                render::render(&past, &[], &BTreeMap::new()).err(),
                Some(RenderError::TooManyOperators)
            );
        }
        let long = format!("SELECT 1 AS x{}", " ".repeat(MAX_SQL_LENGTH));
        assert_eq!(
            render::render(&long, &[], &BTreeMap::new()).err(),
            Some(RenderError::TooLong)
        );
    }
}
