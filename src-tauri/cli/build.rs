//! Links `flowloom` as a position-dependent executable on Linux. The binary embeds DataFusion:
//! a quarter of a million pointers in 4 MiB of tables that, in a position-independent
//! executable, the loader fixes up (copying every page) at every start — 2.4 ms of a command
//! that takes 4 ms to print its version, most of a cached run's start. Linked at a fixed
//! address, those pages are read from the file only when used: `flowloom --version` takes
//! 1.6 ms (docs/performance.md). The cost: the executable's own code and data are not placed
//! at a random address (ASLR still moves the libraries, heap and stacks). The desktop app
//! keeps its default, position-independent build.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
