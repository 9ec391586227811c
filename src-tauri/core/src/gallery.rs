//! The flow gallery (seed 004): whole flows over the sample data, each with a category and
//! the goal it serves, embedded from `examples/gallery.json` and the flow files it names.
//! Every workspace holds the build's gallery (refreshed as it opens); "use this flow" makes
//! the user's own flow from an entry, linked back to it.

use crate::flowfile::{self, ImportError, ImportOutcome, OnConflict};
use crate::model::GalleryFlow;
use crate::store::{Store, StoreError};
use serde::Deserialize;

const MANIFEST: &str = include_str!("../../../examples/gallery.json");

/// The flow files the manifest names, by file name.
const FILES: [(&str, &str); 6] = [
    (
        "campaign-deep-dive.flow.json",
        include_str!("../../../examples/campaign-deep-dive.flow.json"),
    ),
    (
        "channel-leaders.flow.json",
        include_str!("../../../examples/channel-leaders.flow.json"),
    ),
    (
        "big-spenders-return.flow.json",
        include_str!("../../../examples/big-spenders-return.flow.json"),
    ),
    (
        "product-drilldown.flow.json",
        include_str!("../../../examples/product-drilldown.flow.json"),
    ),
    (
        "low-ctr-review.flow.json",
        include_str!("../../../examples/low-ctr-review.flow.json"),
    ),
    (
        "weak-campaign-products.flow.json",
        include_str!("../../../examples/weak-campaign-products.flow.json"),
    ),
];

#[derive(Deserialize)]
struct Manifest {
    flows: Vec<ManifestEntry>,
}

#[derive(Deserialize)]
struct ManifestEntry {
    id: String,
    category: String,
    goal: String,
    file: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GalleryError {
    /// The build's gallery is broken (a test catches this before a release can).
    #[error("the gallery's {file} is broken: {why}")]
    Broken { file: String, why: String },
    #[error("could not make a flow from the gallery: {0}")]
    Import(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the gallery shows of a flow file, read without checking the file whole: opening a
/// workspace reads every entry, while using one imports its file with every check.
#[derive(Deserialize)]
struct Summary {
    composition: SummaryComposition,
    nodes: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct SummaryComposition {
    name: String,
    #[serde(default)]
    description: String,
}

fn manifest() -> Result<Manifest, GalleryError> {
    serde_json::from_str(MANIFEST).map_err(|e| GalleryError::Broken {
        file: "gallery.json".into(),
        why: e.to_string(),
    })
}

/// The build's gallery: each entry with its flow file.
pub fn entries() -> Result<Vec<(GalleryFlow, &'static str)>, GalleryError> {
    manifest()?
        .flows
        .into_iter()
        .map(|entry| {
            let broken = |why: String| GalleryError::Broken {
                file: entry.file.clone(),
                why,
            };
            let text = FILES
                .iter()
                .find(|(name, _)| *name == entry.file)
                .map(|(_, text)| *text)
                .ok_or_else(|| broken("it is not embedded in the build".into()))?;
            let file: Summary = serde_json::from_str(text).map_err(|e| broken(e.to_string()))?;
            Ok((
                GalleryFlow {
                    id: entry.id,
                    name: file.composition.name,
                    goal: entry.goal,
                    category: entry.category,
                    description: file.composition.description,
                    node_count: u32::try_from(file.nodes.len()).unwrap_or(u32::MAX),
                    flows_made: 0,
                },
                text,
            ))
        })
        .collect()
}

/// Puts the build's gallery in the workspace (new entries added, changed ones refreshed,
/// removed ones back); a workspace that has it already is only read.
pub async fn refresh(store: &Store) -> Result<(), GalleryError> {
    let fingerprint = format!("{FINGERPRINT:016x}");
    let ids: Vec<_> = manifest()?
        .flows
        .into_iter()
        .map(|entry| entry.id)
        .collect();
    if store.holds_gallery(&fingerprint, &ids).await? {
        return Ok(());
    }
    Ok(store.put_flow_templates(&fingerprint, &entries()?).await?)
}

/// The build's gallery, fingerprinted (FNV-1a over the manifest and each file's name and
/// text) when the binary is compiled: opening a workspace compares this rather than reading
/// and comparing every entry.
const FINGERPRINT: u64 = {
    let mut hash = fnv1a(0xcbf2_9ce4_8422_2325, MANIFEST.as_bytes());
    let mut i = 0;
    while i < FILES.len() {
        hash = fnv1a(hash, FILES[i].0.as_bytes());
        hash = fnv1a(hash, FILES[i].1.as_bytes());
        i += 1;
    }
    hash
};

const fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// "Use this flow": the user's own flow made from gallery flow `id` (under a new id when
/// one of theirs has it; its templates added, or reused when the workspace has them),
/// linked to the entry, in one transaction.
pub async fn use_flow(store: &Store, id: &str) -> Result<ImportOutcome, GalleryError> {
    let definition = store.flow_template_definition(id).await?;
    let mut tx = store.begin().await?;
    let outcome = flowfile::import_in(&mut tx, &definition, OnConflict::KeepBoth).await?;
    tx.link_flow_template(&outcome.composition_id, id).await?;
    tx.commit().await?;
    Ok(outcome)
}
