//! The domain's identifiers. They are stable, user-visible and stored; a graph index never is.
//!
//! Parsing a flow never rejects an id for its shape: validation reports every malformed id at
//! once (`is_well_formed`), and the database refuses to store one.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, prefix = $prefix:literal) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            Serialize,
            Deserialize,
            specta::Type,
            schemars::JsonSchema,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The required prefix, e.g. `comp_`; empty for ids local to a flow.
            pub const PREFIX: &'static str = $prefix;

            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether the id has its documented shape (`PREFIX` then `[a-z0-9_]+`, or for
            /// flow-local ids a lowercase letter then `[a-z0-9_]*`).
            pub fn is_well_formed(&self) -> bool {
                is_well_formed(&self.0, Self::PREFIX)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self::new(id)
            }
        }
    };
}

id_type!(
    /// A flow's id, `comp_[a-z0-9_]+` (seed 002's CHECK).
    CompositionId, prefix = "comp_"
);
id_type!(
    /// A query template's id, `tpl_[a-z0-9_]+`.
    TemplateId, prefix = "tpl_"
);
id_type!(
    /// A node's id, unique within its flow, e.g. `node_1`.
    NodeId, prefix = ""
);
id_type!(
    /// A connection's id, unique within its flow, e.g. `conn_1`.
    ConnectionId, prefix = ""
);

id_type!(
    /// A data source's id, `src_[a-z0-9_]+`; `src_local` is every workspace's own engine.
    SourceId, prefix = "src_"
);

impl SourceId {
    /// The built-in source: DataFusion over the workspace's `data/` folder and data tables.
    pub const LOCAL: &'static str = "src_local";

    pub fn local() -> Self {
        Self::new(Self::LOCAL)
    }

    pub fn is_local(&self) -> bool {
        self.0 == Self::LOCAL
    }
}

impl Default for SourceId {
    fn default() -> Self {
        Self::local()
    }
}

impl CompositionId {
    /// A well-formed id made of a flow's name: `comp_` and its words in lowercase, joined by
    /// `_` (`Weekly review!` → `comp_weekly_review`), or `comp_flow` for a name without any.
    pub fn from_name(name: &str) -> Self {
        let mut words = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                words.push(c);
            } else if !words.is_empty() && !words.ends_with('_') {
                words.push('_');
            }
        }
        let words: String = words.trim_end_matches('_').chars().take(48).collect();
        let words = words.trim_end_matches('_');
        Self::new(format!(
            "{}{}",
            Self::PREFIX,
            if words.is_empty() { "flow" } else { words }
        ))
    }
}

fn is_well_formed(id: &str, prefix: &str) -> bool {
    let tail_ok = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if prefix.is_empty() {
        id.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && tail_ok(id)
    } else {
        id.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && tail_ok(rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_id_is_made_of_its_name() {
        for (name, id) in [
            ("Weekly review!", "comp_weekly_review"),
            ("  ROAS -- by week 2 ", "comp_roas_by_week_2"),
            ("Ünïcode only ✓", "comp_n_code_only"),
            ("", "comp_flow"),
            ("!!!", "comp_flow"),
        ] {
            let made = CompositionId::from_name(name);
            assert_eq!(made.as_str(), id, "from {name:?}");
            assert!(made.is_well_formed(), "{made} is well formed");
        }
    }

    #[test]
    fn prefixed_ids_need_a_non_empty_lowercase_tail() {
        assert!(CompositionId::from("comp_top_10").is_well_formed());
        for bad in [
            "comp_", "comp_Top", "comp-top", "top", "comp_a-b", "xcomp_a",
        ] {
            assert!(
                !CompositionId::from(bad).is_well_formed(),
                "{bad} should be malformed"
            );
        }
        assert!(TemplateId::from("tpl_daily_trend").is_well_formed());
        assert!(!TemplateId::from("comp_daily").is_well_formed());
    }

    #[test]
    fn flow_local_ids_start_with_a_letter() {
        assert!(NodeId::from("node_1").is_well_formed());
        for bad in ["", "1node", "_node", "Node", "node 1"] {
            assert!(
                !NodeId::from(bad).is_well_formed(),
                "{bad:?} should be malformed"
            );
        }
    }
}
