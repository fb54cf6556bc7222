//! `newsmark-web`: the web app, built for the browser by Trunk (`scripts/run`).

#[cfg(target_arch = "wasm32")]
fn main() {
    newsmark::web::start();
}

/// Panics on purpose, so that the end-to-end tests can check what a crash does (the banner,
/// the download of the last saved work, nothing saved after it). Harmless: it stops only this
/// page, and only when called from its console.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn newsmark_simulate_crash() {
    panic!("simulated crash (newsmark_simulate_crash)");
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("newsmark-web runs in the browser: `scripts/run` builds it and serves it on http://127.0.0.1:8080");
    std::process::exit(2);
}
