//! The flow gallery (seed 004): whole flows to start from, each with the goal it serves.

use serde::{Deserialize, Serialize};

/// A gallery flow as the gallery lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct GalleryFlow {
    /// `ftpl_…`.
    pub id: String,
    pub name: String,
    /// What an analyst gets out of it, in a sentence or two.
    pub goal: String,
    /// performance, budget, products, anomalies, …
    pub category: String,
    pub description: String,
    pub node_count: u32,
    /// How many of the user's flows were made from it.
    pub flows_made: u32,
}
