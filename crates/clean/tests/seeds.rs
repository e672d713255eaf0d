//! Done-when checks against the five seed articles in `../shared/seeds`.
//! Skipped, with a printed reason, where the shared folder is absent.

mod common;

use parallax_clean::clean;
use parallax_model::{Article, BlockKind, RawDoc, RemovalKind};
use std::path::PathBuf;

fn seeds_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("seeds");
    dir.is_dir().then_some(dir)
}

/// The seed whose file name starts with `prefix`, cleaned.
fn seed(prefix: &str) -> Option<(RawDoc, Article)> {
    let Some(dir) = seeds_dir() else {
        eprintln!("skipping: ../shared/seeds not found (set PARALLAX_SHARED)");
        return None;
    };
    let entry = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix));
    let Some(entry) = entry else {
        eprintln!("skipping: no seed {prefix}* in {}", dir.display());
        return None;
    };
    let content = std::fs::read_to_string(entry.path()).ok()?;
    let mut doc = common::text_doc(&content);
    doc.id = prefix.to_string();
    let article = clean(&doc).unwrap_or_else(|e| panic!("seed {prefix}: {e}"));
    common::assert_sound(&doc, &article);
    Some((doc, article))
}

fn assert_kept(article: &Article, phrases: &[&str]) {
    for phrase in phrases {
        assert!(
            article.text.contains(phrase),
            "lost article text: {phrase:?}"
        );
    }
}

fn assert_gone(article: &Article, phrases: &[&str]) {
    for phrase in phrases {
        assert!(
            !article.text.contains(phrase),
            "furniture left in text: {phrase:?}"
        );
    }
}

fn removed_of(article: &Article, kind: RemovalKind) -> String {
    article
        .removed
        .iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Furniture that must never survive in any seed.
const NEVER: &[&str] = &[
    "Leave a Reply",
    "Your email address will not be published",
    "Categories:",
    "'s picture",
    "date 20",
    "Reuters\n",
];

#[test]
fn seed_000_headline_with_glued_credit() {
    let Some((_, a)) = seed("000_") else { return };
    assert_eq!(
        a.title.as_deref(),
        Some("Chris Williamson with Jeremy Corbyn")
    );
    assert_eq!(a.published, None);
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_gone(&a, NEVER);
    assert_gone(
        &a,
        &["CorbynReuters", "Chris Williamson with Jeremy Corbyn"],
    );
    assert!(removed_of(&a, RemovalKind::Caption).contains("CorbynReuters"));
    assert!(a
        .text
        .starts_with("A key ally of British Labour Party leader"));
    assert_kept(
        &a,
        &[
            "Labour lawmaker Chris Williamson quit on Wednesday",
            "infamously suspended from Labour in February",
            "We have backed off far too much",
            "readmitted to Labour in June",
            "a series of innuendos",
            "Jewish Labour Movement, one of the party’s oldest chapters",
            "including the Jewish Defense League.",
            "deputy Labour leader Tom Watson",
            "Dozens of Labour members have been suspended",
            "calling Hamas and Hezbollah",
            "Corbyn insists he is not an anti-Semite.",
        ],
    );
    assert_eq!(a.blocks.len(), 12);
}

#[test]
fn seed_001_date_header_and_run_together_paragraphs() {
    let Some((_, a)) = seed("001_") else { return };
    assert_eq!(a.published.as_deref(), Some("2019-11-07"));
    assert_eq!(a.title, None);
    assert_gone(&a, NEVER);
    assert!(a
        .text
        .starts_with("Labour MP Chris Williamson, who was suspended"));
    assert!(a.removed.iter().any(|r| r.kind == RemovalKind::DateHeader));
    // Paragraph boundaries lost in the dump are restored ...
    for joint in [
        "against him.\n\n“Perhaps the most tragic",
        "in our movement.\n\n“As I made clear",
        "and its examples.”\n\nAlthough Williamson",
        "Labour MPs.\n\nIn August",
        "he added.\n\nWilliamson made it clear",
        "crankery.\n\nJewish Labour chairman",
        "not enough.\n\n“Labour's leadership",
    ] {
        assert!(a.text.contains(joint), "not repaired: {joint:?}");
        // ... and the inserted break maps to no source byte.
        let at = a.text.find(joint).unwrap_or(0) + joint.find('\n').unwrap_or(0);
        assert_eq!(a.offsets.to_source(at), None);
    }
    assert_kept(
        &a,
        &[
            "His decision came on Wednesday",
            "Williamson blamed the Israeli government",
            "suing the Labour Party",
            "Good riddance,” he stressed.",
            "Well-known blogger David Collier tweeted",
            "Young Labour UK national chairwoman Miriam Mirwitch",
            "said board chairwoman Marie van der Zyl.",
            "baited the Jewish community for far too long,” she stressed.",
        ],
    );
    assert!(a.blocks.len() >= 15, "only {} blocks", a.blocks.len());
}

#[test]
fn seed_002_embedded_tweet_and_quotes() {
    let Some((_, a)) = seed("002_") else { return };
    assert_eq!(a.published.as_deref(), Some("2018-12-20"));
    assert_eq!(a.title, None);
    assert_gone(&a, NEVER);
    assert!(a
        .text
        .starts_with("A former minister has resigned his membership"));
    let embedded: Vec<&str> = a
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Embedded)
        .map(|b| a.block_text(b))
        .collect();
    assert_eq!(embedded.len(), 1);
    assert!(embedded[0].contains("pic.twitter.com/"));
    assert!(a
        .text
        .contains("“anti-western world view” and “it is no wonder"));
    assert_kept(
        &a,
        &[
            "Ivan Lewis, who has been suspended from Labour",
            "spin doctor Seumas Milne.",
            "It is for others to decide whether you are anti-Semitic",
            "This is different to your view on the right to self-determination",
            "Mr Lewis said he would continue to sit as an independent",
            "His resignation means the complainants have been denied a hearing.",
            "a BuzzFeed News report",
            "unnecessary and politically motivated delay",
            "The process is the same for everyone.",
        ],
    );
}

#[test]
fn seed_003_caption_update_comments_and_author_bio() {
    let Some((_, a)) = seed("003_") else { return };
    assert_eq!(
        a.title.as_deref(),
        Some("Chris Williamson runs for Parliament as independent")
    );
    assert_gone(&a, NEVER);
    assert_gone(
        &a,
        &[
            "(Chris Williamson/Twitter)",
            "posting a letter to social media",
            "for daring to tell the truth",
            "Good decision.",
            "I felt physically sick",
            "a snake of the first order",
            "Who are the members of the NEC",
            "Asa Winstanley",
            "investigative journalist",
            "Weaponising Anti-Semitism",
        ],
    );
    assert!(removed_of(&a, RemovalKind::Caption).contains("(Chris Williamson/Twitter)"));
    let comments = removed_of(&a, RemovalKind::Comments);
    assert!(comments.contains("Good decision."));
    assert!(comments.contains("Who are the members of the NEC"));
    let bio = removed_of(&a, RemovalKind::AuthorBio);
    assert!(bio.contains("investigative journalist"));
    assert!(bio.contains("picture"));
    assert!(a
        .blocks
        .iter()
        .any(|b| b.kind == BlockKind::Update && a.block_text(b) == "Update, 12 November"));
    assert_kept(
        &a,
        &[
            "A high-profile target of Labour’s",
            "ready and waiting to campaign for me in Derby",
            "a potential five-year ban.",
            "The High Court found",
            "You can still view it for free online.",
            "down from a peak of 564,000",
            "officially registered his independent campaign",
            "endorsed by the hard-right Labour First faction.",
        ],
    );
    assert!(a.text.ends_with("Labour First faction."));
}

#[test]
fn seed_004_doubled_headline_promo_and_comment_form() {
    let Some((_, a)) = seed("004_") else { return };
    let title = a.title.clone().unwrap_or_default();
    assert!(title.starts_with("Islington: senior member of Jeremy Corbyn’s constituency party"));
    assert!(!a.text.contains(&title), "headline left in the body");
    assert_eq!(
        a.removed
            .iter()
            .filter(|r| r.kind == RemovalKind::DuplicateHeadline)
            .count(),
        2
    );
    assert_gone(&a, NEVER);
    assert_gone(
        &a,
        &["Buy your tickets", "LONDON AND BREXIT", "Required fields"],
    );
    assert!(removed_of(&a, RemovalKind::Promo).contains("Buy your tickets"));
    assert!(removed_of(&a, RemovalKind::Categories).contains("Categories: News"));
    assert!(removed_of(&a, RemovalKind::Comments).contains("Leave a Reply"));
    assert!(a.blocks.iter().any(
        |b| b.kind == BlockKind::Quote && a.block_text(b).starts_with("Perhaps I was unclear")
    ));
    assert_kept(
        &a,
        &[
            "A senior member of Jeremy Corbyn’s Islington North",
            "Russell Smith-Becker, who served for several years",
            "pledged to be its “militant opponent”",
            "Smith-Becker writes:",
            "rather than to increase tolerance of it.",
            "Would you fight antisemitism if you were Prime Minister",
            "former Islington Council leader Margaret Hodge",
            "took power at May’s borough elections.",
            "It is reproduced in full below:",
            "A number of people have left comments",
        ],
    );
}

#[test]
fn every_seed_cleans_soundly_and_in_english() {
    let Some(dir) = seeds_dir() else {
        eprintln!("skipping: ../shared/seeds not found");
        return;
    };
    let mut count = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(content) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let doc = common::text_doc(&content);
        let a = clean(&doc).expect("seed cleans");
        common::assert_sound(&doc, &a);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert!(!a.text.contains("\n\n\n"));
        count += 1;
    }
    assert!(count >= 5);
}

#[test]
fn truncated_seeds_never_panic_and_stay_sound() {
    let Some(dir) = seeds_dir() else {
        eprintln!("skipping: ../shared/seeds not found");
        return;
    };
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(content) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for cut in (0..content.len()).step_by(211) {
            if !content.is_char_boundary(cut) {
                continue;
            }
            for piece in [&content[..cut], &content[cut..]] {
                let doc = common::text_doc(piece);
                if let Ok(a) = clean(&doc) {
                    common::assert_sound(&doc, &a);
                }
            }
        }
    }
}

#[test]
fn cleaning_clean_text_changes_nothing() {
    for prefix in ["000_", "001_", "002_", "003_", "004_"] {
        let Some((_, first)) = seed(prefix) else {
            return;
        };
        let again = clean(&common::text_doc(&first.text)).expect("clean text cleans");
        assert_eq!(
            again.text, first.text,
            "seed {prefix} changed on a second pass"
        );
        assert!(
            again.removed.is_empty(),
            "seed {prefix}: {:?}",
            again.removed
        );
    }
}
