//! `newsmark-web`: the web app, built for the browser by Trunk (`scripts/run`).

#[cfg(target_arch = "wasm32")]
fn main() {
    newsmark::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("newsmark-web runs in the browser: `scripts/run` builds it and serves it on http://127.0.0.1:8080");
    std::process::exit(2);
}
