//! [`ParamMap`]: a connection's small map from parameter name to a value (its source column,
//! or its transformation), written and read as a JSON object.

use litemap::LiteMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

/// A map keyed by parameter name, sorted, in one small vector. A connection usually maps
/// one or two parameters; a `BTreeMap` node per map (over 500 bytes) made a large flow's
/// connections too big for the cache (validating 10,000 nodes: 20 → 8 ms). Serialised as a
/// JSON object, empty or not (`LiteMap` alone writes an empty map as `[]`, which the store's
/// CHECK constraints rightly refuse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamMap<V>(LiteMap<String, V>);

impl<V> Default for ParamMap<V> {
    fn default() -> Self {
        Self(LiteMap::new())
    }
}

impl<V> Deref for ParamMap<V> {
    type Target = LiteMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V> DerefMut for ParamMap<V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<K: Into<String>, V> FromIterator<(K, V)> for ParamMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<'a, V> IntoIterator for &'a ParamMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = <&'a LiteMap<String, V> as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&self.0).into_iter()
    }
}

impl<V: Serialize> Serialize for ParamMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for ParamMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only a JSON object; its keys arrive sorted, so collecting appends each entry.
        BTreeMap::<String, V>::deserialize(deserializer).map(|map| map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_map_is_an_empty_object() {
        let empty: ParamMap<String> = ParamMap::default();
        assert_eq!(serde_json::to_value(&empty).expect("serialises"), json!({}));
        let map: ParamMap<String> = [("b", "2".to_owned()), ("a", "1".to_owned())]
            .into_iter()
            .collect();
        assert_eq!(
            serde_json::to_string(&map).expect("serialises"),
            r#"{"a":"1","b":"2"}"#
        );
    }

    #[test]
    fn only_an_object_is_read() {
        let map: ParamMap<String> = serde_json::from_value(json!({"x": "y"})).expect("an object");
        assert_eq!(map.get("x").map(String::as_str), Some("y"));
        assert!(serde_json::from_value::<ParamMap<String>>(json!([["x", "y"]])).is_err());
    }
}
