//! Standard output for every command, and what a closed pipe means: when the reader went
//! away (`flowloom … | head`), the command stops writing and ends quietly, rather than
//! report "Broken pipe" to a user who asked for only the first lines.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output, noting a closed pipe as it is met. Locked per write: a command's future
/// moves between worker threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        noted(io::stdout().write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        noted(io::stdout().flush())
    }
}

fn noted<T>(result: io::Result<T>) -> io::Result<T> {
    if let Err(e) = &result
        && e.kind() == io::ErrorKind::BrokenPipe
    {
        CLOSED.store(true, Ordering::Relaxed);
    }
    result
}

/// Whether standard output was found closed by its reader: a command that then fails (it
/// could not write) ends quietly, with exit 0.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}
