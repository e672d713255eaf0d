//! Behaviour on realistic wire-copy variations. The article is invented for
//! this test.

use parallax_dedup::{
    content_hash, exact_jaccard, DedupError, LshIndex, MinHashParams, MinHasher,
    DEFAULT_CONTAINMENT, DEFAULT_NEAR_JACCARD,
};

const AGENCY: &str = "The regional water authority announced on Tuesday that it would raise \
household tariffs by nine percent from April, blaming the cost of repairing ageing pipes and a \
summer drought that left reservoirs at their lowest level in two decades.

The chief executive told reporters at a briefing in the city centre that the increase was \
unavoidable and that the authority had already cut its own administrative budget by a fifth. \
She said the money would pay for replacing more than three hundred kilometres of leaking mains \
over the next five years, work that engineers say could save enough water to supply a town of \
forty thousand people.

Consumer groups reacted angrily. A spokesman for the largest association of bill payers said \
families already struggling with food and energy prices would now face another rise they could \
not plan for, and accused the authority of neglecting maintenance for years while paying \
generous bonuses to senior managers.

The regulator, which must approve the new tariffs, said it would examine the proposal closely \
and publish its decision before the end of February. A spokeswoman declined to say whether the \
regulator considered the increase justified, but noted that the authority had missed its \
leakage targets in each of the past three years.

Opposition councillors called for an independent inquiry into how the drought was handled, \
pointing to a hosepipe ban that came into force weeks after neighbouring regions had imposed \
similar restrictions. The authority said its forecasts had been based on the best data \
available at the time and that it had acted as soon as reservoir levels fell below the \
trigger point agreed with the regulator.

Farmers, who pay a separate agricultural rate, will see a smaller increase of four percent. \
Their union welcomed the distinction but warned that irrigation costs were already squeezing \
margins after a poor harvest. The authority said it would hold public meetings in six towns \
over the coming month to explain the changes and listen to concerns from residents.";

const UNRELATED: &str = "The national football team secured a dramatic late victory on Saturday \
evening, with a substitute striker heading in a corner in the ninety-third minute to send the \
home crowd into raptures. The coach praised his players for refusing to give up after a \
frustrating first half in which the visitors had dominated possession and hit the post twice. \
The win lifts the team to second place in the qualifying group with two matches remaining, \
and a draw away to the group leaders next month would be enough to secure a place at the \
tournament finals. Supporters queued for hours outside the stadium for tickets, and the \
federation said it would open an additional stand to meet demand for the decisive game.";

/// Outlet version: a new first sentence, one sentence edited, byline added.
fn outlet_copy() -> String {
    let mut text = AGENCY.replace(
        "The regional water authority announced on Tuesday that it would raise household \
         tariffs by nine percent from April,",
        "Households across the region face higher water bills after the authority said on \
         Tuesday it would lift tariffs by nine percent from April,",
    );
    text = text.replace(
        "and publish its decision before the end of February",
        "and publish a ruling early next year",
    );
    format!("By a staff reporter\n\n{text}")
}

#[test]
fn identical_texts_score_one_and_hash_equal() {
    let hasher = MinHasher::default();
    let a = hasher.signature(AGENCY);
    let b = hasher.signature(&AGENCY.replace("\n\n", "\n").to_uppercase());
    assert_eq!(a.jaccard(&b), 1.0);
    assert_eq!(content_hash(AGENCY), content_hash(&AGENCY.to_uppercase()));
    assert_ne!(content_hash(AGENCY), content_hash(&outlet_copy()));
}

#[test]
fn wire_copy_scores_high_unrelated_low() {
    let hasher = MinHasher::default();
    let agency = hasher.signature(AGENCY);
    let copy_text = outlet_copy();
    let copy = hasher.signature(&copy_text);
    let unrelated = hasher.signature(UNRELATED);

    let exact = exact_jaccard(AGENCY, &copy_text, 5);
    let estimate = agency.jaccard(&copy);
    eprintln!("wire copy: exact J {exact:.3}, MinHash estimate {estimate:.3}");
    assert!(exact > 0.8, "test fixture drifted: exact J {exact}");
    assert!(
        (estimate - exact).abs() < 0.1,
        "estimate {estimate} vs exact {exact}"
    );
    assert!(estimate >= 0.8, "wire copy estimate {estimate}");
    // The copy is nearly contained in the agency story.
    assert!(copy.containment_in(&agency) > 0.85);
    assert!(agency.containment_in(&copy) > 0.85);

    let unrelated_score = agency.jaccard(&unrelated);
    assert!(unrelated_score < 0.1, "unrelated scored {unrelated_score}");
    assert!(exact_jaccard(AGENCY, UNRELATED, 5) < 0.02);
}

#[test]
fn one_edited_sentence_stays_above_point_eight() {
    let hasher = MinHasher::default();
    let edited = AGENCY.replace(
        "Consumer groups reacted angrily.",
        "Consumer groups were quick to condemn the plan.",
    );
    let score = hasher.signature(AGENCY).jaccard(&hasher.signature(&edited));
    assert!(score > 0.85, "one edited sentence scored {score}");
}

#[test]
fn truncated_copy_is_contained_though_jaccard_is_low() {
    let hasher = MinHasher::default();
    let cut = AGENCY.find("The regulator, which").unwrap_or(AGENCY.len());
    let short = hasher.signature(&AGENCY[..cut]);
    let full = hasher.signature(AGENCY);
    assert!(short.jaccard(&full) < 0.6);
    assert!(short.containment_in(&full) > 0.85);
    assert!(full.containment_in(&short) < 0.6);
}

#[test]
fn signatures_are_deterministic_and_seeded() {
    let a = MinHasher::default().signature(AGENCY);
    let b = MinHasher::default().signature(AGENCY);
    assert_eq!(a, b);
    // Pinned values: a change here means stored signatures became
    // incomparable with new ones, which needs a migration.
    assert_eq!(a.shingle_count(), 327);
    assert_eq!(a.values()[..4], [24632649, 2010834, 37323796, 16073431]);
    let other_seed = MinHasher::new(MinHashParams {
        seed: 7,
        ..MinHashParams::default()
    })
    .unwrap_or_default()
    .signature(AGENCY);
    assert_ne!(a.values(), other_seed.values());
    assert!(!a.is_compatible(&other_seed));
    assert_eq!(a.jaccard(&other_seed), 0.0);
}

#[test]
fn empty_text_matches_nothing() {
    let hasher = MinHasher::default();
    let empty = hasher.signature(" -- ");
    assert!(empty.is_empty());
    assert_eq!(empty.jaccard(&empty), 0.0);
    let mut index = LshIndex::for_params(hasher.params()).unwrap_or_else(|e| panic!("{e}"));
    index
        .insert("blank".to_string(), &empty)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(index.candidates(&empty).is_empty());
    assert_eq!(index.len(), 1);
}

#[test]
fn lsh_index_finds_copies_and_not_strangers() {
    let hasher = MinHasher::default();
    let mut index = LshIndex::for_params(hasher.params()).unwrap_or_else(|e| panic!("{e}"));
    index
        .insert("agency".to_string(), &hasher.signature(AGENCY))
        .unwrap_or_else(|e| panic!("{e}"));
    index
        .insert("sport".to_string(), &hasher.signature(UNRELATED))
        .unwrap_or_else(|e| panic!("{e}"));
    let copy = hasher.signature(&outlet_copy());
    assert_eq!(index.candidates(&copy), vec!["agency".to_string()]);
    let dups = index.near_duplicates(&copy, 0.8);
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0].0, "agency");
    assert!(dups[0].1 >= 0.8);
    assert!(index.near_duplicates(&copy, 0.99).is_empty());

    // Re-inserting an id replaces it; removing forgets it.
    index
        .insert("agency".to_string(), &hasher.signature(UNRELATED))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(index.len(), 2);
    assert!(index.near_duplicates(&copy, 0.5).is_empty());
    let both = index.near_duplicates(&hasher.signature(UNRELATED), 0.9);
    assert_eq!(
        both.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        ["sport", "agency"],
        "ties come oldest first"
    );
    assert!(index.remove(&"sport".to_string()));
    assert!(!index.remove(&"sport".to_string()));
    index.compact();
    assert_eq!(index.len(), 1);
    assert_eq!(
        index.near_duplicates(&hasher.signature(UNRELATED), 0.9),
        vec![("agency".to_string(), 1.0)]
    );
}

#[test]
fn index_rejects_signatures_from_other_parameters() {
    let mut index =
        LshIndex::<u64>::for_params(MinHashParams::default()).unwrap_or_else(|e| panic!("{e}"));
    let other = MinHasher::new(MinHashParams {
        num_hashes: 64,
        ..MinHashParams::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
    .signature(AGENCY);
    let err = index.insert(1, &other);
    assert!(matches!(err, Err(DedupError::IncompatibleSignature { .. })));
    assert!(err
        .err()
        .map(|e| e.to_string().contains("rebuild"))
        .unwrap_or(false));
    assert!(index.candidates(&other).is_empty());
}

#[test]
fn matches_find_truncated_copies_but_not_stubs() {
    let hasher = MinHasher::default();
    let mut index = LshIndex::for_params(hasher.params()).unwrap_or_else(|e| panic!("{e}"));
    index
        .insert("agency".to_string(), &hasher.signature(AGENCY))
        .unwrap_or_else(|e| panic!("{e}"));
    index
        .insert("sport".to_string(), &hasher.signature(UNRELATED))
        .unwrap_or_else(|e| panic!("{e}"));

    // The first 60% of the story: Jaccard is only about 0.5, but nearly all
    // of it is contained in the agency version.
    let cut = AGENCY
        .find("Opposition councillors")
        .unwrap_or(AGENCY.len());
    let first_part = hasher.signature(&AGENCY[..cut]);
    let found = index.matches(&first_part, 0.9, DEFAULT_CONTAINMENT);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id, "agency");
    assert!(found[0].jaccard < 0.7, "{found:?}");
    assert!(found[0].query_in_stored >= 0.85, "{found:?}");
    assert!(found[0].stored_in_query < 0.7, "{found:?}");
    assert_eq!(found[0].score(), found[0].query_in_stored);
    // Without the containment route it is not a match at 0.9.
    assert!(index.matches(&first_part, 0.9, 1.1).is_empty());

    // A headline-sized stub sharing a phrase is not "contained".
    let stub = hasher.signature("Water tariffs to rise by nine percent from April, authority says");
    assert!(index
        .matches(&stub, DEFAULT_NEAR_JACCARD, DEFAULT_CONTAINMENT)
        .is_empty());
    // The rewritten copy matches on Jaccard alone.
    let copy = index.matches(&hasher.signature(&outlet_copy()), 0.8, 1.1);
    assert_eq!(copy.len(), 1);
    assert!(copy[0].jaccard >= 0.8);
}

/// Floors on the shared PolNeAR articles (skipped when absent). Full run:
/// `cargo run -p parallax-dedup --release --example dedup_eval`.
#[test]
fn polnear_floor() {
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let docs = parallax_dedup::eval::load_polnear(&shared);
    if docs.is_empty() {
        eprintln!("skipped: no PolNeAR texts under {}", shared.display());
        return;
    }
    // Every other article keeps the debug-mode test quick.
    let docs: Vec<_> = docs.into_iter().step_by(2).collect();
    let r = parallax_dedup::eval::evaluate(
        &docs,
        &MinHasher::default(),
        DEFAULT_NEAR_JACCARD,
        DEFAULT_CONTAINMENT,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{r:?}");
    assert!(r.eligible > 300);
    assert_eq!(r.lsh_candidate_hits, r.pairs_at_05);
    assert!(r.rewritten_recall >= 0.85, "{}", r.rewritten_recall);
    assert!(r.truncated_recall >= 0.97, "{}", r.truncated_recall);
    assert_eq!(r.false_matches, 0);
}
