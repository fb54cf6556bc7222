//! The core as WebAssembly, for the benchmark only (scripts/bench builds it with
//! wasm-bindgen for Node and for the browser). The web app does not include it.

use wasm_bindgen::prelude::*;

/// Annotates `text` (with `published`, an ISO date, as the publication date when it is not
/// empty) and returns how many annotations were found, so the caller times the whole
/// pipeline without the cost of moving JSON across the boundary.
#[wasm_bindgen]
pub fn annotate(text: &str, published: &str) -> u32 {
    let mut options = newsmark::Options::default();
    if !published.is_empty() {
        options.published = newsmark::detect::published::from_caller(published);
    }
    newsmark::annotate(text, &options).annotations.len() as u32
}

/// Compiles the patterns, so that the first timed call does not include it.
#[wasm_bindgen]
pub fn warm_up() {
    newsmark::annotate(
        "\"Yes,\" she said on Monday.",
        &newsmark::Options::default(),
    );
}

/// Bytes of WebAssembly linear memory (it only grows, so this is the peak so far).
#[wasm_bindgen]
pub fn memory_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size(0) * 65536;
    #[cfg(not(target_arch = "wasm32"))]
    return 0;
}
