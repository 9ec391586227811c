//! What time it is, for the scheduler: the system's clock in the app and `flowloom
//! scheduler`, a test's own otherwise, so schedules are tested without waiting.

use chrono::{DateTime, Utc};

/// What time it is, for the scheduler.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
