//! Native core throughput on the benchmark corpus (scripts/bench writes it under
//! target/bench/ first): `cargo bench --bench core`. Criterion reports MB/s of article text.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!(
            "cannot read {}: {e}; run scripts/bench (or node bench/corpus.mjs) first",
            path.display()
        );
        std::process::exit(1)
    })
}

fn throughput(c: &mut Criterion) {
    let annotator = newsmark::Annotator::new();
    let options = newsmark::Options::default();
    let mut group = c.benchmark_group("annotate");
    // A 10 MB run takes seconds: few samples, or the benchmark would take minutes.
    group.sample_size(10);
    for name in ["corpus-1mb.txt", "corpus-10mb.txt"] {
        let text = corpus(name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name.trim_end_matches(".txt"), |b| {
            b.iter(|| annotator.annotate(&text, &options).annotations.len())
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
