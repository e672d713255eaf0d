//! How mentions of people and organisations come out of whole extraction
//! with the shipped tagger: possessives, hyphenated names, acronyms, and
//! titles and roles next to names. Short sentences written for the test.

use parallax_extract::{alias_key, extract, EntityKind, Extraction};

/// The group (name, kind, mention texts) that contains a mention `text`.
fn group_of(x: &Extraction, text: &str) -> Option<(String, EntityKind, Vec<String>)> {
    x.groups
        .iter()
        .find(|g| g.mentions.iter().any(|&i| x.entities[i].text == text))
        .map(|g| {
            let texts = g
                .mentions
                .iter()
                .map(|&i| x.entities[i].text.clone())
                .collect();
            (g.name.clone(), g.kind, texts)
        })
}

/// The roles of the person whose mention reads `text`.
fn roles_of(x: &Extraction, text: &str) -> Vec<String> {
    x.roles
        .iter()
        .filter(|r| x.entities[r.entity].text == text)
        .map(|r| r.text.clone())
        .collect()
}

fn run(text: &str) -> Extraction {
    match extract(text) {
        Ok(x) => x,
        Err(e) => panic!("extraction failed: {e}"),
    }
}

#[test]
fn possessives_are_mentions_of_the_person() {
    for apostrophe in ["'", "\u{2019}"] {
        let text = format!(
            "Labour leader Jeremy Corbyn visited Leeds on Monday. \
             Corbyn{apostrophe}s speech was about housing."
        );
        let x = run(&text);
        assert!(
            x.entities.iter().all(|e| !e.text.contains(apostrophe)),
            "{:?}",
            x.entities
        );
        let group = group_of(&x, "Corbyn");
        assert_eq!(
            group,
            Some((
                "Jeremy Corbyn".to_string(),
                EntityKind::Person,
                vec!["Jeremy Corbyn".to_string(), "Corbyn".to_string()]
            )),
            "{x:?}"
        );
    }
    // The possessive form first, the full name later: still one person,
    // named in full.
    let x = run("Maria Kowalczyk's allies defended her. Maria Kowalczyk said nothing.");
    let group = group_of(&x, "Maria Kowalczyk");
    assert_eq!(
        group.map(|g| (g.0, g.2.len())),
        Some(("Maria Kowalczyk".into(), 2))
    );
    assert_eq!(alias_key("Corbyn\u{2019}s"), "corbyn");
}

#[test]
fn hyphenated_surnames_are_one_name() {
    let text = "Anna Smith-Becker opened the inquiry. Smith-Becker's report was published \
                on Monday, and Smith-Becker defended it.";
    let x = run(text);
    let people: Vec<&str> = x
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        people,
        vec!["Anna Smith-Becker", "Smith-Becker", "Smith-Becker"],
        "{x:?}"
    );
    let group = group_of(&x, "Smith-Becker");
    assert_eq!(
        group.map(|g| (g.0, g.2.len())),
        Some(("Anna Smith-Becker".into(), 3))
    );
}

#[test]
fn acronyms_join_the_full_name() {
    let x =
        run("The National Executive Committee (NEC) met on Tuesday. The NEC voted to suspend him.");
    assert_eq!(
        group_of(&x, "NEC"),
        Some((
            "National Executive Committee".to_string(),
            EntityKind::Organization,
            vec![
                "National Executive Committee".to_string(),
                "NEC".to_string(),
                "NEC".to_string()
            ]
        )),
        "{x:?}"
    );
    // Without the acronym in brackets, and with it before the full name.
    let x = run("The Jewish Labour Movement said it would act. The JLM had warned of this.");
    assert_eq!(
        group_of(&x, "JLM").map(|g| g.0),
        Some("Jewish Labour Movement".into())
    );
    let x = run("Critics of the NEC said the National Executive Committee had failed.");
    assert_eq!(
        group_of(&x, "NEC").map(|g| g.2.len()),
        Some(2),
        "{:?}",
        x.groups
    );
}

#[test]
fn titles_and_roles_next_to_names() {
    let x = run("The deputy Labour leader Tom Watson said the party must act. Watson added more.");
    assert_eq!(roles_of(&x, "Tom Watson"), vec!["deputy Labour leader"]);
    assert_eq!(
        group_of(&x, "Watson").map(|g| g.0),
        Some("Tom Watson".into())
    );

    let x = run("Tom Watson, the deputy Labour leader, said the party must act.");
    assert_eq!(roles_of(&x, "Tom Watson"), vec!["the deputy Labour leader"]);

    let x = run("The board chairwoman Marie van der Zyl said the community was alarmed.");
    assert_eq!(
        roles_of(&x, "Marie van der Zyl"),
        vec!["board chairwoman"],
        "{x:?}"
    );
    let x = run("Board chairwoman Marie van der Zyl said the community was alarmed.");
    assert_eq!(
        roles_of(&x, "Marie van der Zyl"),
        vec!["Board chairwoman"],
        "{x:?}"
    );
    let x = run("Marie van der Zyl, the board chairwoman, said the community was alarmed.");
    assert_eq!(
        roles_of(&x, "Marie van der Zyl"),
        vec!["the board chairwoman"]
    );

    let x = run("Labour MP Dana Whitlock said she was shocked. Ms Whitlock left the meeting.");
    assert_eq!(roles_of(&x, "Dana Whitlock"), vec!["Labour MP"]);
    assert_eq!(roles_of(&x, "Whitlock"), vec!["Ms"]);
    assert_eq!(
        group_of(&x, "Whitlock").map(|g| g.0),
        Some("Dana Whitlock".into())
    );
}

#[test]
fn a_sentence_opening_conjunction_is_not_part_of_the_name() {
    let x = run(
        "Labour MP Chris Howarth resigned on Monday. Although Howarth \
         denied wrongdoing, the party suspended him. However Howarth said he would appeal.",
    );
    assert!(
        x.entities
            .iter()
            .all(|e| !e.text.starts_with("Although") && !e.text.starts_with("However")),
        "{:?}",
        x.entities
    );
    let group = group_of(&x, "Howarth");
    assert_eq!(
        group.map(|g| g.0),
        Some("Chris Howarth".to_string()),
        "{x:?}"
    );
}
