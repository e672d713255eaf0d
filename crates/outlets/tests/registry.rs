//! The shipped registry: every spelling of an outlet is one outlet, every
//! rating carries its source and citation, the user's tables extend it
//! and survive a new shipped table, resolution says how it decided.

use parallax_outlets::{name_key, Registry, ResolvedVia, Signals, SOURCES};

#[test]
fn spellings_codes_and_cases_are_one_outlet() {
    let r = Registry::shipped();
    for (spelling, name) in [
        ("fox", "Fox News"),
        ("FOX", "Fox News"),
        ("Fox News", "Fox News"),
        ("Fox News (Online News)", "Fox News"),
        ("hpo", "HuffPost"),
        ("huff-post", "HuffPost"),
        ("Huffington Post", "HuffPost"),
        ("nyt", "The New York Times"),
        ("New York Times (News)", "The New York Times"),
        ("New York Times - News", "The New York Times"),
        ("the new york times", "The New York Times"),
        ("wash-post", "The Washington Post"),
        ("west-journal", "The Western Journal"),
        ("usa-today", "USA Today"),
        ("breitbart", "Breitbart"),
        ("politico", "Politico"),
        ("nytimes.com", "The New York Times"),
        ("Israel National News", "Arutz Sheva"),
    ] {
        assert_eq!(
            r.by_name(spelling).map(|o| o.name.as_str()),
            Some(name),
            "{spelling}"
        );
    }
    assert!(r.by_name("The Velland Post").is_none());
    assert_eq!(r.canonical("The Velland Post"), "The Velland Post");
    assert_eq!(name_key("  The  Guardian "), "guardian");
}

#[test]
fn sub_domains_match_their_outlet() {
    let r = Registry::shipped();
    for (url, name) in [
        (
            "http://thecaucus.blogs.nytimes.com/2016/01/01/x",
            "The New York Times",
        ),
        ("https://www.foxnews.com/politics/x", "Fox News"),
        ("https://insider.foxnews.com/", "Fox News"),
        ("news.sky.com/story/x", "Sky News"),
        (
            "https://www.standard.co.uk/news/politics/x.html",
            "Evening Standard",
        ),
    ] {
        assert_eq!(
            r.by_domain(url).map(|o| o.name.as_str()),
            Some(name),
            "{url}"
        );
    }
    assert!(r.by_domain("https://notnytimes.com/x").is_none());
}

#[test]
fn every_rating_is_cited_and_its_source_known() {
    let r = Registry::shipped();
    let mut rated = 0;
    for o in r.outlets() {
        for rating in &o.ratings {
            assert!(
                SOURCES.iter().any(|s| s.id == rating.source),
                "{}: unknown source {}",
                o.name,
                rating.source
            );
            assert!(
                rating.citation.starts_with("http"),
                "{}: {:?}",
                o.name,
                rating
            );
        }
        rated += usize::from(!o.ratings.is_empty());
    }
    assert!(rated >= 50, "{rated} rated outlets");
    // Side by side, not blended: CNN has three ratings and a combined lean
    // that names them.
    let cnn = r.by_name("CNN").expect("CNN");
    assert!(cnn.ratings.len() >= 2);
    let lean = cnn.combined_lean().expect("rated");
    assert!(lean.value < 0.0);
    assert!(lean.explanation.contains("allsides-2019"));
}

#[test]
fn user_tables_extend_and_override_and_survive_a_new_shipped_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("outlets.tsv"),
        "name\tdomains\tcountry\tlanguage\ttype\towner\n\
         The Velland Post|VP\tvellandpost.example\tGB\ten\tnewspaper\tVelland Media\n\
         Fox News|Fox\tfoxnews.com\tUS\ten\tbroadcaster\tFox Corporation\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("ratings.tsv"),
        "outlet\tsource\trating\tfactuality\tcitation\n\
         VP\tmy-newsroom-2026\tcenter\t\thttps://example.invalid/our-ratings\n",
    )
    .expect("write");
    let r = Registry::load(dir.path()).expect("load");
    let vp = r.by_name("vp").expect("user outlet");
    assert_eq!(vp.name, "The Velland Post");
    assert_eq!(vp.ratings[0].source, "my-newsroom-2026");
    // The user's row replaces the shipped one but keeps its ratings.
    let fox = r.by_name("fox").expect("fox");
    assert_eq!(fox.owner.as_deref(), Some("Fox Corporation"));
    assert!(!fox.ratings.is_empty());
    assert!(Registry::shipped().by_name("vp").is_none());
    // A broken user table is an error that says where.
    std::fs::write(dir.path().join("ratings.tsv"), "Nobody\tx\ty\t\tz\n").expect("write");
    let err = Registry::load(dir.path()).expect_err("unknown outlet");
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn resolution_says_how_and_never_guesses() {
    let r = Registry::shipped();
    let text = "Chris Williamson told The Electronic Intifada that he would stand. \
                He is an associate editor of The Electronic Intifada and co-host of our podcast.";
    let res = r
        .resolve(&Signals {
            text,
            ..Signals::default()
        })
        .expect("self-reference");
    assert_eq!(res.outlet, "The Electronic Intifada");
    assert_eq!(res.via, ResolvedVia::SelfReference);
    // Naming another outlet is not a self-reference.
    assert!(r
        .resolve(&Signals {
            text: "The minister told the BBC on Sunday that talks would resume.",
            ..Signals::default()
        })
        .is_none());
    let dated = r
        .resolve(&Signals {
            text: "(JTA) — A synagogue in Velland reopened on Sunday.",
            ..Signals::default()
        })
        .expect("dateline");
    assert_eq!(dated.outlet, "Jewish Telegraphic Agency");
    assert_eq!(dated.via, ResolvedVia::Dateline);
    let by_url = r
        .resolve(&Signals {
            url: Some("https://www.jpost.com/x"),
            field: Some("Fox News"),
            text: "",
            ..Signals::default()
        })
        .expect("domain");
    assert_eq!(
        (by_url.outlet.as_str(), by_url.via),
        ("The Jerusalem Post", ResolvedVia::Domain)
    );
    let field = r
        .resolve(&Signals {
            field: Some("FOX"),
            text: "",
            ..Signals::default()
        })
        .expect("field");
    assert_eq!(field.outlet, "Fox News");
    let user = r
        .resolve(&Signals {
            user: Some("The Velland Post"),
            url: Some("https://www.jpost.com/x"),
            text: "",
            ..Signals::default()
        })
        .expect("user");
    assert_eq!((user.via, user.known), (ResolvedVia::User, false));
}

/// PolNeAR's seven publisher codes: every article's outlet resolves and
/// carries at least one cited rating (the floor is 95%).
#[test]
fn polnear_publishers_resolve_and_are_rated() {
    let meta = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/polnear/metadata.tsv");
    let Ok(text) = std::fs::read_to_string(&meta) else {
        eprintln!("skipping: {} not found", meta.display());
        return;
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(part), Some(publisher)) = (col("compartment"), col("publisher")) else {
        panic!("metadata.tsv columns changed: {header:?}");
    };
    let publishers: Vec<&str> = lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| matches!(c.get(part).copied(), Some("train" | "dev")))
        .filter_map(|c| c.get(publisher).copied())
        .collect();
    let c = Registry::shipped().coverage(publishers.iter().copied());
    assert_eq!(c.articles, 924);
    assert!(c.rated * 100 >= c.articles * 95, "{c:?}");
}
