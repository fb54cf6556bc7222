//! `newsmark`: the core on the command line. See `cli.rs`.

#[cfg(not(target_arch = "wasm32"))]
mod check;
#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod formats;
#[cfg(not(target_arch = "wasm32"))]
mod jsonl;

/// mimalloc, not glibc's malloc: over 1 MB of articles, `annotate --jsonl` spent 17% of its
/// instructions in malloc and free (callgrind).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// The command line has no meaning in a browser; the web app is `newsmark-web`.
#[cfg(target_arch = "wasm32")]
fn main() {}
