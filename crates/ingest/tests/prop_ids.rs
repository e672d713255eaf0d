//! Properties of ids: the same input always gets the same id, ids are
//! always safe for file names and URLs, and qualified ids of distinct paths
//! stay distinct.

use parallax_ingest::{id_from_file_name, qualified_id, sanitize_id};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ids_are_deterministic_and_safe(path in "[ -~é/\\\\]{0,60}", content in ".{0,40}") {
        let a = id_from_file_name(&path, &content);
        let b = id_from_file_name(&path, &content);
        prop_assert_eq!(&a, &b);
        prop_assert!(!a.is_empty());
        prop_assert!(!a.starts_with('.'));
        prop_assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "{a:?}");
        let s = sanitize_id(&path);
        prop_assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    }

    #[test]
    fn qualified_ids_of_distinct_paths_differ(
        stem in "[a-z]{1,8}",
        x in "[a-z/]{1,30}",
        y in "[a-z/]{1,30}",
    ) {
        prop_assume!(x != y);
        prop_assert_ne!(qualified_id(&stem, &x), qualified_id(&stem, &y));
        prop_assert_eq!(qualified_id(&stem, &x), qualified_id(&stem, &x));
    }
}
