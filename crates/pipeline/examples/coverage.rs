//! Print the coverage comparison of the given inputs taken as one story.
//! `cargo run --release -p parallax-pipeline --example coverage -- FILE...`

fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let (articles, skipped) = parallax_pipeline::partition(parallax_pipeline::process_paths(
        &paths,
        &parallax_ingest::Limits::default(),
        &|_| {},
    ));
    for s in &skipped {
        eprintln!("skipped {s}");
    }
    let analyses = match parallax_pipeline::analyze_articles(&articles) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("coverage: {e}");
            std::process::exit(1);
        }
    };
    let coverage = parallax_pipeline::coverage(
        &articles.iter().collect::<Vec<_>>(),
        &analyses.iter().collect::<Vec<_>>(),
    );
    match serde_json::to_string_pretty(&coverage) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("coverage: {e}"),
    }
}
