//! Behaviour of the public API on small hand-made stories, bad inputs
//! included.

use parallax_compare::{
    Comparer, CoverageInput, DateGranularity, DatedSentence, QuoteKind, QuoteRef, SpeakerKind,
};
use parallax_model::{Article, Origin, SourceFormat};

fn article(id: &str, url: Option<&str>, outlet: Option<&str>, text: &str) -> Article {
    Article {
        id: id.into(),
        origin: Origin::file(id),
        format: SourceFormat::Text,
        url: url.map(String::from),
        outlet: outlet.map(String::from),
        title: None,
        author: None,
        published: None,
        language: Some("en".into()),
        text: text.into(),
        blocks: Vec::new(),
        removed: Vec::new(),
        offsets: Default::default(),
        warnings: Vec::new(),
        outlet_via: None,
        genre: None,
    }
}

const A: &str = "The mayor of Eastport resigned on Friday after the audit of the harbour fund.\n\n\
“I have served this city honestly for twelve years and I leave with my head high,” she said.\n\n\
A council spokesman said the audit would be published in full next month.";
const B: &str = "Eastport's mayor quit on Friday following an audit of the harbor fund.\n\n\
The notorious audit found 2 million dollars missing, the report says.\n\n\
“I have served this city honestly for twelve years,” the mayor said, insisting she did nothing wrong.";
const C: &str = "Residents of Eastport gathered outside the town hall on Saturday.\n\n\
Many said the mayor stepped down on Friday because of the harbour fund audit.";

#[test]
fn aligns_paraphrased_facts_and_links_quotes() {
    let (a, b, c) = (
        article("a", Some("https://www.reuters.com/x"), None, A),
        article("b", None, Some("Breitbart"), B),
        article("c", None, Some("The Eastport Echo"), C),
    );
    let inputs = [
        CoverageInput::new(&a),
        CoverageInput::new(&b),
        CoverageInput::new(&c),
    ];
    let cov = Comparer::shipped().compare(&inputs);
    let resignation = cov
        .facts
        .facts
        .iter()
        .find(|f| {
            f.cells
                .iter()
                .any(|c| c.text.contains("resigned on Friday"))
        })
        .expect("resignation fact");
    assert_eq!(
        resignation.articles,
        vec!["a", "b", "c"],
        "{resignation:#?}"
    );
    for cell in &resignation.cells {
        let source = match cell.article.as_str() {
            "a" => A,
            "b" => B,
            _ => C,
        };
        assert_eq!(&source[cell.span.clone()], cell.text);
    }
    let q = cov
        .quotes
        .iter()
        .find(|q| q.carried_by.len() == 2)
        .expect("shared quote");
    assert_eq!(q.carried_by, vec!["a", "b"]);
    assert_eq!(q.not_carried_by, vec!["c"]);
    let in_b = q.occurrences.iter().find(|o| o.article == "b").expect("b");
    assert_eq!(in_b.form, parallax_compare::QuoteForm::Truncated);
    // Voice: the narrator's "notorious" in b, an evaluative verb in b.
    let vb = &cov.voice[1];
    assert!(
        vb.loaded.iter().any(|l| l.text == "notorious"),
        "{:?}",
        vb.loaded
    );
    assert!(
        vb.attribution_verbs.iter().any(|v| v.verb == "insist"),
        "{:?}",
        vb.attribution_verbs
    );
    // Outlets: Reuters by domain (centre), Breitbart by name (right), the
    // Echo unknown.
    assert_eq!(
        cov.articles[0]
            .outlet_match
            .as_ref()
            .map(|m| m.matched_by.as_str()),
        Some("domain")
    );
    assert_eq!(cov.lean.centre, 1);
    assert_eq!(cov.lean.right, 1);
    assert_eq!(cov.lean.unknown, 1);
    // Per outlet: Breitbart's evaluative `insisted`.
    let bb = cov
        .outlets
        .iter()
        .find(|o| o.outlet == "Breitbart")
        .expect("outlet");
    assert_eq!((bb.lean, bb.articles.len(), bb.loaded), (Some(2), 1, 1));
    assert!(bb.evaluative_share > 0.0);
    assert_eq!(cov.outlets.len(), 3);
    // JSON round trip.
    let json = serde_json::to_string(&cov).expect("serialise");
    let back: parallax_compare::Coverage = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, cov);
}

#[test]
fn extractor_quotes_replace_the_fallback_and_bad_spans_are_dropped() {
    let a = article("a", None, None, A);
    let start = A.find("I have served").expect("quote");
    let end = A.find(" high").expect("end") + 5;
    let quotes = vec![
        QuoteRef {
            text: A[start..end].to_string(),
            span: start..end,
            sentence: None,
            speaker: Some("Mayor Jo Reyes".into()),
            speaker_kind: None,
            cue: Some("said".into()),
            direct: true,
            kind: QuoteKind::Speech,
        },
        QuoteRef {
            text: "out of range".into(),
            span: 5000..5010,
            sentence: None,
            speaker: None,
            speaker_kind: None,
            cue: None,
            direct: true,
            kind: QuoteKind::Speech,
        },
    ];
    let input = CoverageInput {
        article: &a,
        quotes: Some(quotes),
        dates: Vec::new(),
    };
    let cov = Comparer::shipped().compare(&[input]);
    assert!(
        cov.notes.iter().all(|n| !n.contains("fallback")),
        "{:?}",
        cov.notes
    );
    assert!(cov
        .notes
        .iter()
        .any(|n| n.contains("1 quote(s) with spans outside")));
    let s = &cov.sources[0];
    assert_eq!((s.named, s.anonymous, s.unknown), (1, 0, 0));
    assert_eq!(s.speakers[0].kind, SpeakerKind::Named);
}

#[test]
fn timeline_merges_dated_sentences_of_one_fact() {
    let (a, b) = (article("a", None, None, A), article("b", None, None, B));
    let date = |id: &str, text: &str| DatedSentence {
        article: id.into(),
        span: 0..text.find('.').unwrap_or(1),
        date: "2025-05-02".into(),
        granularity: DateGranularity::Day,
    };
    let inputs = [
        CoverageInput {
            article: &a,
            quotes: None,
            dates: vec![date("a", A)],
        },
        CoverageInput {
            article: &b,
            quotes: None,
            dates: vec![date("b", B), date("zzz", B)],
        },
    ];
    let cov = Comparer::shipped().compare(&inputs);
    assert_eq!(cov.timeline.len(), 1, "{:#?}", cov.timeline);
    let entry = &cov.timeline[0];
    assert_eq!(entry.sources.len(), 2);
    assert!(entry.fact.is_some());
}

#[test]
fn empty_and_odd_inputs_do_not_panic() {
    let empty = article("e", None, None, "");
    let odd = article(
        "o",
        Some("not a url"),
        Some(""),
        "“Unclosed quote and é… \"\n\n''' “”",
    );
    let cov = Comparer::shipped().compare(&[CoverageInput::new(&empty), CoverageInput::new(&odd)]);
    assert_eq!(cov.articles.len(), 2);
    assert_eq!(cov.lean.unknown, 2);
    let none = Comparer::shipped().compare(&[]);
    assert!(none.facts.facts.is_empty() && none.quotes.is_empty());
}

#[test]
fn user_outlet_rows_and_ratings_reach_the_lean() {
    let dir = std::env::temp_dir().join(format!("parallax-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let outlets = parallax_outlets::outlet_row(&parallax_outlets::Outlet {
        name: "The Eastport Echo".into(),
        aliases: vec!["Echo".into()],
        domains: vec!["eastport-echo.example".into()],
        country: Some("GB".into()),
        language: Some("en".into()),
        kind: None,
        owner: None,
        ratings: Vec::new(),
    });
    let rating = parallax_outlets::rating_row(
        "The Eastport Echo",
        &parallax_outlets::Rating {
            source: "my-newsroom".into(),
            rating: "left-center".into(),
            factuality: None,
            citation: "our style guide, 2026".into(),
        },
    );
    parallax_outlets::append_user_rows(&dir, parallax_outlets::USER_OUTLETS, &[outlets])
        .expect("outlet row");
    parallax_outlets::append_user_rows(&dir, parallax_outlets::USER_RATINGS, &[rating])
        .expect("rating row");
    let registry = parallax_outlets::Registry::load(&dir).expect("registry");
    let c = article("c", None, Some("eastport echo"), C);
    let mut comparer = Comparer::shipped();
    comparer.outlets = &registry;
    let cov = comparer.compare(&[CoverageInput::new(&c)]);
    assert_eq!(cov.lean.left, 1);
    let m = cov.articles[0].outlet_match.as_ref().expect("matched");
    assert_eq!(m.outlet.name, "The Eastport Echo");
    assert_eq!(m.outlet.ratings[0].citation, "our style guide, 2026");
    assert!(m
        .lean
        .as_ref()
        .is_some_and(|l| l.explanation.contains("my-newsroom")));
    assert_eq!(cov.outlets[0].outlet, "The Eastport Echo");
    std::fs::write(dir.join(parallax_outlets::USER_OUTLETS), "broken row").expect("write");
    assert!(parallax_outlets::Registry::load(&dir).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Random text built from the characters that trip up span arithmetic
/// (multi-byte quotes, dashes, ellipses, stops) never panics.
#[test]
fn random_punctuation_soup_does_not_panic() {
    const PIECES: &[&str] = &[
        "“",
        "”",
        "‘",
        "’",
        "\"",
        "'",
        "…",
        "...",
        ".",
        "!",
        "?",
        ",",
        ":",
        " ",
        " ",
        " ",
        "\n\n",
        "\n",
        "—",
        "-",
        "é",
        "Mr.",
        "Jan.",
        "12",
        "2,000",
        "said",
        "Labour",
        "witch",
        "hunt",
        "quit",
        "resigned",
        "Williamson",
        "so-called",
        "a",
        "the",
        "smears",
        "naïve",
        "日本",
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..60 {
        let texts: Vec<String> = (0..3)
            .map(|_| {
                let n = 5 + (next() % 120) as usize;
                (0..n)
                    .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                    .collect()
            })
            .collect();
        let articles: Vec<Article> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| article(&format!("r{round}-{i}"), None, None, t))
            .collect();
        let cov = parallax_compare::compare_articles(&articles);
        for f in &cov.facts.facts {
            for c in &f.cells {
                let a = articles
                    .iter()
                    .find(|a| a.id == c.article)
                    .expect("article");
                assert_eq!(a.text.get(c.span.clone()), Some(c.text.as_str()));
            }
        }
        for q in &cov.quotes {
            for o in &q.occurrences {
                let a = articles
                    .iter()
                    .find(|a| a.id == o.article)
                    .expect("article");
                assert!(a.text.get(o.span.clone()).is_some());
            }
        }
    }
}

#[test]
fn reported_speech_counts_as_a_source_but_not_as_quoted_words() {
    let text = "The minister said the notorious plan would fail. Critics agreed.";
    let a = article("a", None, None, text);
    let clause = text.find("the notorious").expect("clause")..text.find(" fail").expect("end") + 5;
    let input = CoverageInput {
        article: &a,
        quotes: Some(vec![QuoteRef {
            text: text[clause.clone()].to_string(),
            span: clause,
            sentence: None,
            speaker: Some("Minister Ana Ruiz".into()),
            speaker_kind: Some(SpeakerKind::Named),
            cue: Some("said".into()),
            direct: false,
            kind: QuoteKind::Speech,
        }]),
        dates: Vec::new(),
    };
    let cov = Comparer::shipped().compare(&[input]);
    assert_eq!(cov.sources[0].named, 1);
    // `notorious` is the writer's word choice even inside reported speech.
    assert_eq!(cov.voice[0].loaded.len(), 1);
    assert_eq!(cov.voice[0].loaded_in_quotes, 0);
    assert!(cov.quotes.is_empty());
}

/// Two sentences several outlets share in the omission tests.
const BERTH: &str = "The harbour board voted on Tuesday to close the north berth at Eastport.";
const CRANES: &str = "Dock workers said the Varnholm cranes would stand idle for a month.";

/// `n` sentences of words no other article uses (one vocabulary per
/// `seed`): never a shared fact.
fn filler(seed: usize, n: usize) -> String {
    const A: [&str; 8] = ["ka", "lo", "mi", "nu", "pe", "ra", "su", "ti"];
    const B: [&str; 12] = ["b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r"];
    (0..n)
        .map(|i| {
            let w = |k: &str| format!("{}{}{k}", A[seed], B[i]);
            format!(
                "The {} {} {} the {}.",
                w("zan"),
                w("xel"),
                w("vor"),
                w("wum")
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// "Leaves out" is said of an article only when at least two other
/// outlets carry the fact and the article is long enough to be expected
/// to; a brief is not blamed, and the widest-carried omission comes first.
#[test]
fn omissions_need_two_outlets_and_a_long_enough_article() {
    let (berth, cranes) = (BERTH, CRANES);
    let a = article(
        "a",
        None,
        Some("Outlet One"),
        &format!("{berth}\n\n{cranes}\n\n{}", filler(0, 3)),
    );
    let b = article(
        "b",
        None,
        Some("Outlet Two"),
        &format!("{berth}\n\n{cranes}\n\n{}", filler(1, 3)),
    );
    let c = article(
        "c",
        None,
        Some("Outlet Three"),
        &format!("{berth}\n\n{}", filler(2, 3)),
    );
    let long = article("long", None, Some("Outlet Four"), &filler(3, 10));
    let brief = article(
        "brief",
        None,
        Some("Outlet Five"),
        "The Saltmere ferry ran late on Tuesday evening.",
    );
    let inputs: Vec<CoverageInput<'_>> = [&a, &b, &c, &long, &brief]
        .into_iter()
        .map(CoverageInput::new)
        .collect();
    let cov = Comparer::shipped().compare(&inputs);
    let fact_of = |text: &str| {
        cov.facts
            .facts
            .iter()
            .find(|f| f.cells.iter().any(|c| c.text.contains(text)))
            .map(|f| f.id)
    };
    let (berth_id, cranes_id) = (
        fact_of("north berth").expect("berth"),
        fact_of("cranes").expect("cranes"),
    );
    let omitted = |id: &str| {
        cov.facts
            .per_article
            .iter()
            .find(|p| p.article == id)
            .map(|p| p.omitted.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        omitted("long"),
        vec![berth_id, cranes_id],
        "three outlets first, then two"
    );
    assert!(omitted("brief").is_empty(), "a brief is not blamed");
    assert_eq!(omitted("c"), vec![cranes_id]);
    assert!(omitted("a").is_empty());
}

/// A wire story printed by two outlets is one report: its copy does not
/// make a fact "carried by two outlets", so a third outlet is not blamed
/// for leaving out what only the wire reported.
#[test]
fn copies_count_as_one_report_for_omissions() {
    let wire: Vec<String> = (0..6)
        .map(|i| format!("The Varnholm ferry operator said crossing number {i} was cancelled after the storm damaged pier {i}."))
        .collect();
    let own = |who: &str| -> String {
        (0..6)
            .map(|i| format!("{who} reporters counted {i} boats moored in the Saltmere marina before dawn on day {i}."))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let a = article("a", None, Some("Wire Service"), &wire.join("\n\n"));
    let b = article("b", None, Some("Republisher"), &wire.join("\n\n"));
    let c = article("c", None, Some("Third Paper"), &own("Third"));
    let d = article("d", None, Some("Fourth Paper"), &own("Fourth"));
    let inputs: Vec<CoverageInput<'_>> = [&a, &b, &c, &d]
        .into_iter()
        .map(CoverageInput::new)
        .collect();
    let cov = Comparer::shipped().compare(&inputs);
    let omitted = |id: &str| {
        cov.facts
            .per_article
            .iter()
            .find(|p| p.article == id)
            .map(|p| p.omitted.len())
            .unwrap_or(0)
    };
    assert_eq!(
        omitted("c"),
        0,
        "only the wire (twice) carries the ferry lines"
    );
}

/// Narrator flags of one article compared alone (fallback quote finder).
fn voice_of(text: &str) -> parallax_compare::voice::ArticleVoice {
    let a = article("v", None, None, text);
    let cov = Comparer::shipped().compare(&[CoverageInput::new(&a)]);
    match cov.voice.into_iter().next() {
        Some(v) => v,
        None => panic!("no voice for one article"),
    }
}

#[test]
fn scare_quotes_are_the_narrator_s_distance_only() {
    let v = voice_of(
        "Residents have waited a year for the council’s “reforms” to reach the harbour.\n\n\
         Critics call it the so-called “jobs guarantee” of the port.\n\n\
         The survey counts ‘Identity’ (55) and ‘Gender’ (69) among its headings.\n\n\
         The harbour master described the plan as “reckless” and left.\n\n\
         The word “quay” comes from Old French.",
    );
    let texts: Vec<&str> = v.scare_quotes.iter().map(|s| s.text.as_str()).collect();
    assert!(texts.contains(&"reforms"), "{texts:?}");
    assert!(texts.contains(&"jobs guarantee"), "{texts:?}");
    for not in ["Identity", "Gender", "reckless", "quay"] {
        assert!(!texts.contains(&not), "{not} flagged: {texts:?}");
    }
    // Every flag says why, once.
    for s in &v.scare_quotes {
        assert!(s.why.starts_with("scare quotes"), "{s:?}");
    }
    let so_called = v.scare_quotes.iter().find(|s| s.text == "jobs guarantee");
    assert!(
        so_called.is_some_and(|s| s.why.contains("so-called")),
        "{so_called:?}"
    );
    let spans: std::collections::HashSet<_> = v.scare_quotes.iter().map(|s| &s.span).collect();
    assert_eq!(spans.len(), v.scare_quotes.len());
}

#[test]
fn loaded_words_say_which_list_and_section_and_exact_forms_stay_exact() {
    let v = voice_of(
        "The minister claimed the bridge was safe.\n\n\
         Insurance claims rose after the flood, and the bizarre plan was dropped.",
    );
    let hits: Vec<(&str, &str)> = v
        .loaded
        .iter()
        .map(|h| (h.text.as_str(), h.why.as_str()))
        .collect();
    assert!(
        hits.iter()
            .any(|(t, why)| *t == "claimed" && why.contains("cast doubt")),
        "{hits:?}"
    );
    assert!(!hits.iter().any(|(t, _)| *t == "claims"), "{hits:?}");
    assert!(
        hits.iter()
            .any(|(t, why)| *t == "bizarre" && why.starts_with("loaded-word lexicon")),
        "{hits:?}"
    );
}

/// Opinion and letters are shown but counted apart: an opinion column is
/// not blamed for leaving out a fact, and a letters page does not make a
/// fact "carried by two outlets". Each says why it is typed so.
#[test]
fn opinion_and_letters_are_counted_apart_for_omissions() {
    let (berth, cranes) = (BERTH, CRANES);
    let a = article(
        "a",
        None,
        Some("Outlet One"),
        &format!("{berth}\n\n{cranes}\n\n{}", filler(0, 3)),
    );
    let mut b = article(
        "b",
        None,
        Some("Outlet Two"),
        &format!("{berth}\n\n{cranes}\n\n{}", filler(1, 3)),
    );
    b.title = Some("Letters: keep the north berth open".into());
    let c = article(
        "c",
        None,
        Some("Outlet Three"),
        &format!("{berth}\n\n{}", filler(2, 3)),
    );
    let long = article(
        "long",
        Some("https://four.example/opinion/2026/03/04/berth"),
        Some("Outlet Four"),
        &filler(3, 10),
    );
    let other = article(
        "other",
        None,
        Some("Outlet Five"),
        &format!("{berth}\n\n{}", filler(4, 4)),
    );
    let inputs: Vec<CoverageInput<'_>> = [&a, &b, &c, &long, &other]
        .into_iter()
        .map(CoverageInput::new)
        .collect();
    let cov = Comparer::shipped().compare(&inputs);
    let entry = |id: &str| cov.articles.iter().find(|e| e.id == id).expect("entry");
    assert_eq!(entry("b").kind, parallax_compare::DocKind::Letters);
    assert_eq!(
        entry("b").kind_why.as_deref(),
        Some("title: Letters: keep the north berth open")
    );
    assert_eq!(entry("long").kind, parallax_compare::DocKind::Opinion);
    assert_eq!(
        entry("long").kind_why.as_deref(),
        Some("address: /opinion/")
    );
    assert_eq!(entry("a").kind, parallax_compare::DocKind::News);
    let omitted = |id: &str| {
        cov.facts
            .per_article
            .iter()
            .find(|p| p.article == id)
            .map(|p| p.omitted.clone())
            .unwrap_or_default()
    };
    assert!(
        omitted("long").is_empty(),
        "an opinion column is not blamed"
    );
    assert!(
        omitted("c").is_empty() && omitted("other").is_empty(),
        "the cranes are reported by one news outlet only: {:?} {:?}",
        omitted("c"),
        omitted("other")
    );
}

/// Dates well before the story are background, with why; the dates most
/// articles report are the few key ones.
#[test]
fn timeline_marks_background_and_key_dates() {
    let text = "The ferry line opened in 1995.\n\n\
                The harbour board closed the north berth on Tuesday.\n\n\
                Dock workers will meet the board on Friday.";
    let mut a = article("a", None, None, text);
    let mut b = article("b", None, None, text);
    a.published = Some("2026-03-04".into());
    b.published = Some("2026-03-05".into());
    let sentence = |t: &str| {
        let start = text.find(t).expect("sentence");
        start..start + t.len()
    };
    let dated = |id: &str, t: &str, date: &str, granularity| DatedSentence {
        article: id.into(),
        span: sentence(t),
        date: date.into(),
        granularity,
    };
    let inputs = [
        CoverageInput {
            article: &a,
            quotes: None,
            dates: vec![
                dated(
                    "a",
                    "The ferry line opened in 1995.",
                    "1995",
                    DateGranularity::Year,
                ),
                dated(
                    "a",
                    "The harbour board closed the north berth on Tuesday.",
                    "2026-03-03",
                    DateGranularity::Day,
                ),
                dated(
                    "a",
                    "Dock workers will meet the board on Friday.",
                    "2026-03-06",
                    DateGranularity::Day,
                ),
            ],
        },
        CoverageInput {
            article: &b,
            quotes: None,
            dates: vec![dated(
                "b",
                "The harbour board closed the north berth on Tuesday.",
                "2026-03-03",
                DateGranularity::Day,
            )],
        },
    ];
    let cov = Comparer::shipped().compare(&inputs);
    let entry = |date: &str| {
        cov.timeline
            .iter()
            .find(|e| e.date == date)
            .unwrap_or_else(|| panic!("no {date} in {:#?}", cov.timeline))
    };
    let old = entry("1995");
    assert!(
        old.background
            .as_deref()
            .is_some_and(|why| why.contains("before the earliest article (2026-03-04)")),
        "{old:?}"
    );
    assert!(!old.key);
    assert!(entry("2026-03-03").key, "reported by both articles");
    assert!(entry("2026-03-03").background.is_none());
    // One article only: not a key date while another date is shared.
    assert!(!entry("2026-03-06").key);
    assert!(entry("2026-03-06").background.is_none());
}

/// A story larger than one comparison's bound is compared on a sample that
/// keeps every outlet, and the comparison says so.
#[test]
fn a_very_large_story_is_compared_on_a_sample_that_keeps_every_outlet() {
    let n = parallax_compare::MAX_COMPARED_ARTICLES + 40;
    // One outlet floods the story; two others have a handful each.
    let articles: Vec<Article> = (0..n)
        .map(|i| {
            let outlet = match i % 50 {
                0 => "Small Paper",
                1 => "Other Voice",
                _ => "Big Wire",
            };
            article(
                &format!("a{i:04}"),
                None,
                Some(outlet),
                &format!(
                    "The harbour board met on Monday about item {i}. Members voted on the plan."
                ),
            )
        })
        .collect();
    let cov = parallax_compare::compare_articles(&articles);
    assert_eq!(cov.articles.len(), parallax_compare::MAX_COMPARED_ARTICLES);
    for outlet in ["Small Paper", "Other Voice"] {
        let all = articles
            .iter()
            .filter(|a| a.outlet.as_deref() == Some(outlet))
            .count();
        let kept = cov
            .articles
            .iter()
            .filter(|a| a.outlet.as_deref() == Some(outlet))
            .count();
        assert_eq!(
            kept, all,
            "every article of the small outlet {outlet} is kept"
        );
    }
    let ids: Vec<&str> = cov.articles.iter().map(|a| a.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "the sample keeps the story's order");
    assert!(
        cov.notes.iter().any(|note| note.contains(&format!(
            "compared {} of {n} articles",
            parallax_compare::MAX_COMPARED_ARTICLES
        ))),
        "{:?}",
        cov.notes
    );
}
