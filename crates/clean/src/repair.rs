//! Repair of run-together text. Scraped dumps often lose the boundary between
//! two paragraphs (`against him.“Perhaps`, `examples.”Although`,
//! `Labour MPs.In August`) or a space after a closing quote (`view”and`).
//! Finding these points is a single pass over the characters.

/// What to insert at a repair point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fix {
    /// A missing space inside a paragraph.
    Space,
    /// A lost paragraph boundary.
    Break,
}

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "inc", "ltd", "co", "no", "gov", "sen",
    "rep", "prof", "gen", "col", "capt", "lt", "sgt", "rev", "fig", "vol", "al", "approx", "dept",
    "est", "corp", "bros", "mt", "ft", "op", "cf", "ie", "eg", "pp", "www",
];

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?')
}

fn is_closing_quote_like(c: char) -> bool {
    matches!(c, ')' | ']' | '”' | '’' | '"' | '\'')
}

/// Byte positions (into `text`) where something is missing, in order.
pub(crate) fn repair_points(text: &str) -> Vec<(usize, Fix)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut fixes = Vec::new();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    // Whether an odd number of straight quotes has been seen so far.
    let mut inside_straight = false;
    for i in 1..chars.len() {
        let (pos, b) = chars[i];
        let a = chars[i - 1].1;
        if a == '"' {
            inside_straight = !inside_straight;
        }
        let before_a = if i >= 2 { at(i - 2) } else { None };
        let after_b = at(i + 1);
        let starts_sentence = b.is_uppercase()
            && after_b
                .is_some_and(|n| n.is_lowercase() || (b == 'I' && matches!(n, ' ' | '\'' | '’')));
        let fix = if is_terminal(a) && starts_sentence && sentence_end_before(&chars, i - 1) {
            // `MPs.In August`
            Some(Fix::Break)
        } else if is_terminal(a)
            && matches!(b, '“' | '‘')
            && after_b.is_some_and(|n| n.is_uppercase())
            && sentence_end_before(&chars, i - 1)
        {
            // `against him.“Perhaps`
            Some(Fix::Break)
        } else if matches!(a, '”' | '’') && before_a.is_some_and(is_terminal) && starts_sentence
        {
            // `examples.”Although`
            Some(Fix::Break)
        } else if a.is_lowercase() && starts_sentence && glued_function_word(&chars, i) {
            // `tropes andIn a statement`: text lost between two words
            Some(Fix::Space)
        } else if a == '”' && b.is_alphabetic() && before_a.is_some_and(|c| !c.is_whitespace()) {
            // `view”and`, `abroad,”he`; not `aides ”get`, a misused opening mark
            Some(Fix::Space)
        } else if b == '“'
            && (a.is_alphanumeric() || a == ',')
            && after_b.is_some_and(|c| !c.is_whitespace())
        {
            // `said,“We`; not `unusual,“ said`, a misused closing mark
            Some(Fix::Space)
        } else if a == '"' && before_a.is_some_and(|c| !c.is_whitespace()) && !inside_straight {
            // A straight quote glued on both sides (`x"y`) is ambiguous; the
            // count of quotes so far says this one closes a quotation.
            if before_a.is_some_and(is_terminal) && starts_sentence {
                Some(Fix::Break)
            } else if b.is_alphabetic() {
                Some(Fix::Space)
            } else {
                None
            }
        } else if b == '"'
            && a != ' '
            && after_b.is_some_and(|c| !c.is_whitespace())
            && !inside_straight
        {
            // ... and here that it opens one.
            if is_terminal(a)
                && after_b.is_some_and(|n| n.is_uppercase())
                && sentence_end_before(&chars, i - 1)
            {
                Some(Fix::Break)
            } else if a.is_alphabetic() || a == ',' {
                Some(Fix::Space)
            } else {
                None
            }
        } else {
            None
        };
        if let Some(fix) = fix {
            fixes.push((pos, fix));
        }
    }
    fixes
}

/// Short lowercase words that end in a capitalised word only when text was
/// lost between them (`andIn`); camel-case names never start with these.
const FUNCTION_WORDS: &[&str] = &[
    "and", "but", "or", "nor", "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "as",
    "by", "from", "that", "which", "said", "says",
];

/// Whether the letters before `next` form a whole function word.
fn glued_function_word(chars: &[(usize, char)], next: usize) -> bool {
    let mut start = next;
    while start > 0 && chars[start - 1].1.is_alphabetic() && next - start <= 5 {
        start -= 1;
    }
    if start > 0 && !chars[start - 1].1.is_whitespace() {
        return false;
    }
    let word: String = chars[start..next].iter().map(|&(_, c)| c).collect();
    FUNCTION_WORDS.contains(&word.as_str())
}

/// Whether the terminal punctuation at `term` plausibly ends a sentence:
/// preceded by a word of two letters or more that is not an abbreviation,
/// by a number, or by a closing bracket/quote. Rules out `U.S.`, `e.g.`,
/// `Mr.Smith`.
fn sentence_end_before(chars: &[(usize, char)], term: usize) -> bool {
    if term == 0 {
        return false;
    }
    let prev = chars[term - 1].1;
    if prev.is_ascii_digit() || is_closing_quote_like(prev) {
        return true;
    }
    if !prev.is_lowercase() {
        return false;
    }
    let mut start = term;
    while start > 0 && chars[start - 1].1.is_alphabetic() {
        start -= 1;
    }
    let word_len = term - start;
    if word_len < 2 {
        return false;
    }
    if start > 0 && chars[start - 1].1 == '.' {
        // `i.e.The`, `bbc.co.uk`-like chains
        return false;
    }
    if word_len <= 6 {
        let word: String = chars[start..term]
            .iter()
            .map(|&(_, c)| c.to_ascii_lowercase())
            .collect();
        if ABBREVIATIONS.contains(&word.as_str()) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        let mut out = String::new();
        let mut last = 0;
        for (pos, fix) in repair_points(text) {
            out.push_str(&text[last..pos]);
            out.push_str(match fix {
                Fix::Space => " ",
                Fix::Break => "\n\n",
            });
            last = pos;
        }
        out.push_str(&text[last..]);
        out
    }

    #[test]
    fn breaks_run_together_paragraphs() {
        assert_eq!(
            apply("against him.“Perhaps it is,” he said."),
            "against him.\n\n“Perhaps it is,” he said."
        );
        assert_eq!(
            apply("its examples.”Although he"),
            "its examples.”\n\nAlthough he"
        );
        assert_eq!(apply("Labour MPs.In August"), "Labour MPs.\n\nIn August");
        assert_eq!(apply("in 2015.The"), "in 2015.\n\nThe");
        assert_eq!(apply("yesterday.I felt"), "yesterday.\n\nI felt");
    }

    #[test]
    fn inserts_missing_spaces() {
        assert_eq!(apply("a “world view”and more"), "a “world view” and more");
        assert_eq!(apply("abroad,”he wrote"), "abroad,” he wrote");
        assert_eq!(apply("he said,“We won"), "he said, “We won");
        assert_eq!(
            apply("he said \"we won\"and left"),
            "he said \"we won\" and left"
        );
        assert_eq!(apply("it ended.\"The next"), "it ended.\n\n\"The next");
    }

    #[test]
    fn separates_function_words_glued_to_the_next_sentence() {
        assert_eq!(
            apply("its tropes andIn a statement"),
            "its tropes and In a statement"
        );
        assert_eq!(
            apply("visit YouTube and LinkedIn, McDonald's"),
            "visit YouTube and LinkedIn, McDonald's"
        );
        assert_eq!(apply("an iPhone, theGuardian"), "an iPhone, the Guardian");
    }

    #[test]
    fn leaves_abbreviations_urls_and_normal_text_alone() {
        for text in [
            "The U.S.Army and the U.K.",
            "e.g.The case",
            "Mr.Smith arrived",
            "St.Louis is big",
            "see pic.twitter.com/YNmqRVclvR now",
            "Visit bbc.co.uk today. Then leave.",
            "It cost 1.5m. That is “a lot.” Yes.",
            "Labour’s view and Lewis’ resignation",
            "The iPhone and McDonald's",
            "Wait...And then",
            "It's unusual,“ said Noble, of the “expedited review“ of it",
            "policy aides ”get close to him",
            "handed out \"like candy.\" Then \"more,\" he said. \"Go\"",
        ] {
            assert_eq!(apply(text), text, "changed: {text}");
        }
    }
}
