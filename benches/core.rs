//! Native core throughput on the benchmark corpus (scripts/bench writes it under
//! target/bench/ first): `cargo bench --bench core`. Criterion reports MB/s of article text,
//! for the corpus as one long text and for its articles annotated one by one, with the
//! allocator the CLI uses.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;
use std::time::Duration;

/// The allocator the native core runs with in the CLI (src/bin/newsmark/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let options = newsmark::Options {
        published: newsmark::detect::published::from_caller("2024-05-09"),
    };
    let mut group = c.benchmark_group("annotate");
    // A 10 MB run takes seconds: the fewest samples criterion allows, or it would take minutes.
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for size in ["1mb", "10mb"] {
        let text = corpus(&format!("corpus-{size}.txt"));
        let articles: Vec<String> = serde_json::from_str(&corpus(&format!("corpus-{size}.json")))
            .expect("the corpus' articles are a JSON array of strings");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("corpus-{size}"), |b| {
            b.iter(|| annotator.annotate(&text, &options).annotations.len())
        });
        let bytes: usize = articles.iter().map(String::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("articles-{size}"), |b| {
            b.iter(|| {
                articles
                    .iter()
                    .map(|a| annotator.annotate(a, &options).annotations.len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
