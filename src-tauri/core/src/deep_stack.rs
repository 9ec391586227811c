//! Work whose recursion depth follows what a user typed (a condition's parse tree) runs on a
//! thread of its own with a stack sized for the limits its module documents, so that input
//! at a limit cannot overflow the caller's stack (a Tauri command's, a tokio worker's: 2 MiB)
//! and abort the process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The stack such work gets (and the query runtime's threads, where statements are
/// planned): the conditions parser needs about 150 KiB per level of nesting on a debug
/// build and the limits allow 24 levels; planning 300 chained additions took 2 MiB.
pub const STACK_BYTES: usize = 64 * 1024 * 1024;

/// Runs `work` on a new thread with a [`STACK_BYTES`] stack and returns what it returns.
/// If no thread can be started, it runs on the caller's (the limits were checked first).
pub fn run<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let mut work = Some(work);
    let outcome = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("flowloom-deep".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || (work.take().expect("taken once"))());
        spawned.ok().map(|thread| thread.join())
    });
    match outcome {
        Some(Ok(value)) => value,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None => (work.take().expect("not taken: the thread did not start"))(),
    }
}

/// Runs `work` on a new thread with a [`STACK_BYTES`] stack while the caller's task only
/// awaits it, so CPU-bound work never holds up an async runtime. `work` gets a flag that is
/// set when the returned future is dropped (a cancel, a timeout around it): work that
/// checks it as it goes stops soon after nobody waits for it any more. Fails, saying why,
/// when no thread can be started or the work panicked.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce(Arc<AtomicBool>) -> T + Send + 'static,
) -> Result<T, &'static str> {
    /// Sets the flag when the future that owns it is dropped, done or not.
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let _stop_on_drop = StopOnDrop(stop.clone());
    let (done, answer) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("flowloom-deep".to_owned())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            // Nobody may be waiting any more: then the answer is dropped.
            let _ = done.send(work(stop));
        })
        .map_err(|_| "no thread could be started for the work")?;
    answer
        .await
        .map_err(|_| "the work ended without an answer (a bug: it panicked)")
}
