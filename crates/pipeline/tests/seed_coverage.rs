//! The coverage comparison of the Williamson event (seeds 000, 001, 003)
//! with the real extractors feeding it: the checks the comparison issue
//! names. Skips, saying so, when ../shared is absent.

use parallax_ingest::Limits;
use std::path::PathBuf;

fn seeds() -> Option<PathBuf> {
    let dir = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("seeds");
    dir.is_dir().then_some(dir)
}

#[test]
fn williamson_event_coverage() {
    let Some(dir) = seeds() else {
        eprintln!("skipping: ../shared/seeds not found (set PARALLAX_SHARED)");
        return;
    };
    let paths: Vec<PathBuf> = [
        "000_244fc5b634fe34a8.txt",
        "001_6079b9b1c408e18d.txt",
        "003_dc1ac0e99add50fc.txt",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect();
    let (articles, skipped) = parallax_pipeline::partition(parallax_pipeline::process_paths(
        &paths,
        &Limits::default(),
        &|_| {},
    ));
    assert!(skipped.is_empty(), "{skipped:?}");
    let analyses = parallax_pipeline::analyze_articles(&articles).expect("extraction");
    let coverage = parallax_pipeline::coverage(
        &articles.iter().collect::<Vec<_>>(),
        &analyses.iter().collect::<Vec<_>>(),
    );
    let json = serde_json::to_value(&coverage).expect("serialises");

    // The letter quote is one quote carried by 000 and 001, with spellings.
    let letter = json["quotes"]
        .as_array()
        .expect("quotes")
        .iter()
        .find(|q| q.to_string().contains("launched a diplomatic strategy"))
        .expect("the resignation-letter quote is linked");
    let carriers: Vec<&str> = letter["occurrences"]
        .as_array()
        .expect("occurrences")
        .iter()
        .filter_map(|o| o["article"].as_str())
        .collect();
    assert!(
        carriers.contains(&"000_244fc5b634fe34a8") && carriers.contains(&"001_6079b9b1c408e18d"),
        "{carriers:?}"
    );
    assert!(
        letter.to_string().contains("delegitimize"),
        "spelling variant recorded: {letter}"
    );
    assert_eq!(letter["speaker"], "Chris Williamson");

    // 003: scare quote and narrator-voice witch hunt.
    let voice_003 = json["voice"]
        .as_array()
        .expect("voice")
        .iter()
        .find(|v| v["article"] == "003_dc1ac0e99add50fc")
        .expect("voice of 003");
    assert!(voice_003["scare_quotes"]
        .to_string()
        .contains("anti-Semitism crisis"));
    assert!(voice_003["narrator_assertions"]
        .to_string()
        .contains("witch hunt"));
    let quotes_003 = &analyses[2].quotes;
    assert!(quotes_003
        .iter()
        .any(|q| q.text == "anti-Semitism crisis" && q.kind == parallax_extract::QuoteKind::Scare));

    // The facts matrix: who reports the readmission, the election, the ruling.
    let facts = json["facts"]["facts"].as_array().expect("facts");
    let reporters = |needle: &str| -> Vec<String> {
        let mut ids: Vec<String> = facts
            .iter()
            .filter(|f| f["cells"].to_string().contains(needle))
            .flat_map(|f| f["articles"].as_array().cloned().unwrap_or_default())
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(
        reporters("readmitted"),
        ["000_244fc5b634fe34a8", "001_6079b9b1c408e18d"]
    );
    assert_eq!(
        reporters("High Court"),
        ["003_dc1ac0e99add50fc"],
        "only the Electronic Intifada reports the ruling"
    );
    let election = reporters("general election");
    assert_eq!(
        election.len(),
        3,
        "all three report the December 12 election: {election:?}"
    );
}
