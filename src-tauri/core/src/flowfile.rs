//! Flow files (`*.flow.json`) and template packs (`*.templates.json`): self-contained,
//! git-friendly documents that carry flows and templates between workspaces.
//!
//! Format v1 holds the composition, every template its nodes use, the nodes and the
//! connections. Mappings live only on connections. Parsing checks the format header; the
//! semantics of what it holds are validation's job, not this module's.

use crate::model::{Composition, Connection, Flow, Node, Template};
use serde::{Deserialize, Serialize};

pub const FLOW_FORMAT: &str = "flowloom.flow";
pub const TEMPLATES_FORMAT: &str = "flowloom.templates";
/// The newest format version this build reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowFile {
    pub format: String,
    pub format_version: u32,
    pub composition: Composition,
    pub templates: Vec<Template>,
    pub nodes: Vec<Node>,
    pub connections: Vec<Connection>,
}

/// A set of templates travelling without a flow (the starter templates ship as one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplatePack {
    pub format: String,
    pub format_version: u32,
    pub templates: Vec<Template>,
}

#[derive(Debug, thiserror::Error)]
pub enum FlowFileError {
    #[error("not valid JSON for a {format} file at line {line}, column {column}: {message}")]
    Json {
        format: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("expected format `{expected}`, found `{found}`")]
    WrongFormat {
        expected: &'static str,
        found: String,
    },
    #[error("format version {found} is newer than this Flowloom reads (up to {FORMAT_VERSION})")]
    UnsupportedVersion { found: u32 },
}

impl FlowFile {
    pub fn parse(text: &str) -> Result<Self, FlowFileError> {
        let file: Self = from_json(text, FLOW_FORMAT)?;
        check_header(&file.format, file.format_version, FLOW_FORMAT)?;
        Ok(file)
    }

    /// The flow it describes and the templates it carries.
    pub fn into_parts(self) -> (Flow, Vec<Template>) {
        let flow = Flow {
            composition: self.composition,
            nodes: self.nodes,
            connections: self.connections,
        };
        (flow, self.templates)
    }
}

impl TemplatePack {
    pub fn parse(text: &str) -> Result<Self, FlowFileError> {
        let pack: Self = from_json(text, TEMPLATES_FORMAT)?;
        check_header(&pack.format, pack.format_version, TEMPLATES_FORMAT)?;
        Ok(pack)
    }
}

fn from_json<T: serde::de::DeserializeOwned>(
    text: &str,
    format: &'static str,
) -> Result<T, FlowFileError> {
    serde_json::from_str(text).map_err(|err| FlowFileError::Json {
        format,
        line: err.line(),
        column: err.column(),
        message: err.to_string(),
    })
}

fn check_header(found: &str, version: u32, expected: &'static str) -> Result<(), FlowFileError> {
    if found != expected {
        return Err(FlowFileError::WrongFormat {
            expected,
            found: found.to_owned(),
        });
    }
    if version > FORMAT_VERSION {
        return Err(FlowFileError::UnsupportedVersion { found: version });
    }
    Ok(())
}
