//! The one API the app, the `flowloom` command and the scheduler call: each of them is a thin
//! shell over it, so they cannot disagree about how a flow is loaded, validated, run and
//! recorded, or about which flows are running.
//!
//! - [`Runs`]: a workspace's runs — start one (refused when the flow is already running here
//!   or in another process), cancel it whoever started it, list those in progress, hear about
//!   all of them.
//! - [`kept_result`]: a node's result as a run kept it.

mod results;
mod runs;

pub use results::kept_result;
pub use runs::{ActiveRun, RunNotice, RunOutcome, RunRequest, Runs, RunsError, SavedFlow};
