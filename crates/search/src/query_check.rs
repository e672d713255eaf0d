//! A cheap look at a query's shape before tantivy parses it.
//!
//! tantivy's query grammar is parsed by recursive descent: every `(`, every
//! prefix `-`/`+` and every `NOT` is one more level of recursion, and the
//! lenient parser has no depth limit. A single request with a few hundred
//! nested parentheses (or `NOT NOT NOT …`) overflows the thread's stack,
//! and a stack overflow aborts the whole process, not just the request. So
//! the shape is bounded here, in one linear pass that does not recurse,
//! and a query outside the bounds is refused with a message saying which
//! bound it broke. The bounds sit far above anything a person types into a
//! search box.
//!
//! Text inside `"quoted phrases"` is not syntax to tantivy (parentheses and
//! dashes there are just characters of the phrase), so it is skipped; an
//! unclosed quote runs to the end of the query, as tantivy reads it.

use crate::SearchError;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Deepest nesting of parentheses accepted.
pub const MAX_PAREN_DEPTH: usize = 16;
/// Most prefix operators (`-`, `+`, `NOT`, `(`) accepted in a row before a
/// word: each is one level of the parser's recursion.
pub const MAX_UNARY_RUN: usize = 8;
/// Most clauses (words, phrases, field:value pairs) accepted.
pub const MAX_CLAUSES: usize = 64;

/// Checks that `query` stays within the bounds above (see the module
/// docs); `Err(SearchError::Invalid)` names the bound it broke.
pub fn check_query(query: &str) -> Result<(), SearchError> {
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(SearchError::Invalid(format!(
            "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are allowed"
        )));
    }
    let mut depth = 0usize;
    // Prefix operators and opening parentheses since the last word.
    let mut run = 0usize;
    let mut clauses = 0usize;
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // A phrase: one clause, its contents are not syntax.
                for inner in chars.by_ref() {
                    if inner == '"' {
                        break;
                    }
                }
                clauses += 1;
                run = 0;
            }
            '(' => {
                depth += 1;
                run += 1;
                if depth > MAX_PAREN_DEPTH {
                    return Err(SearchError::Invalid(format!(
                        "parentheses are nested more than {MAX_PAREN_DEPTH} deep"
                    )));
                }
            }
            ')' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            '-' | '+' => run += 1,
            c if c.is_whitespace() => {}
            _ => {
                // A word (or field:value, or an operator word) up to the
                // next space, parenthesis or quote.
                let mut word = String::new();
                word.push(c);
                while let Some(&next) = chars.peek() {
                    if next.is_whitespace() || matches!(next, '(' | ')' | '"') {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                match word.as_str() {
                    "NOT" => run += 1,
                    // Binary operators neither start nor end a clause.
                    "AND" | "OR" | "&&" | "||" => {}
                    _ => {
                        clauses += 1;
                        // `field:(…)` or `field:"…"` go on to their value.
                        if !word.ends_with(':') {
                            run = 0;
                        }
                    }
                }
            }
        }
        if run > MAX_UNARY_RUN {
            return Err(SearchError::Invalid(format!(
                "more than {MAX_UNARY_RUN} operators (-, +, NOT, parentheses) in a row"
            )));
        }
        if clauses > MAX_CLAUSES {
            return Err(SearchError::Invalid(format!(
                "the query has more than {MAX_CLAUSES} words or phrases"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(query: &str) -> String {
        match check_query(query) {
            Err(SearchError::Invalid(message)) => message,
            other => panic!("{query:?} should be refused, got {other:?}"),
        }
    }

    #[test]
    fn ordinary_queries_pass() {
        for query in [
            "ferry strike",
            "\"ferry strike\" -weather +harbour",
            "title:ferry entity:\"person:chris williamson\"",
            "(ferry OR boat) AND (strike OR walkout)",
            "NOT weather",
            "-(rain OR snow) ferry",
            "a \"(((((((((((((((((((((((((\" b",
            "unclosed \"phrase ((((((((((((((((((((((((((((",
            "",
            "))) stray closers ((",
        ] {
            assert!(check_query(query).is_ok(), "{query:?}");
        }
    }

    #[test]
    fn deep_or_long_queries_are_refused_with_a_reason() {
        assert!(refused(&"(".repeat(800)).contains("in a row"));
        assert!(refused(&"(a ".repeat(17)).contains("nested"));
        assert!(check_query(&"(a ".repeat(16)).is_ok());
        assert!(check_query(&format!("{}a{}", "(".repeat(8), ")".repeat(8))).is_ok());
        assert!(refused(&"NOT ".repeat(3000)).contains("characters"));
        assert!(refused(&"NOT ".repeat(200)).contains("in a row"));
        assert!(refused(&"-(".repeat(300)).contains("in a row"));
        assert!(refused(&"-(".repeat(1000)).contains("characters"));
        assert!(refused(&"-".repeat(50)).contains("in a row"));
        assert!(refused(&"word ".repeat(100)).contains("words or phrases"));
        assert!(refused(&"\"p\" ".repeat(100)).contains("words or phrases"));
        // Multi-byte characters count once each.
        assert!(check_query(&"é".repeat(MAX_QUERY_CHARS)).is_ok());
        assert!(refused(&"é".repeat(MAX_QUERY_CHARS + 1)).contains("characters"));
    }
}
