//! Pairing quotation marks into quoted stretches.
//!
//! News text is messy: straight and curly marks mix, curly marks are typed
//! the wrong way round, British style leaves a quote open at the end of a
//! paragraph and reopens it at the start of the next, and cleaning can glue
//! paragraphs together (`him.“Perhaps`). The rules here decide each mark's
//! role from the characters on either side, then pair marks within a
//! paragraph and join British-style continuations.

use super::lexer::{Tok, TokKind};
use std::ops::Range;

/// One quoted stretch, possibly over several paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Quoted {
    /// Token index of the opening mark (or of the first quoted token for a
    /// quote without marks).
    pub open_tok: usize,
    /// Token index of the closing mark, when there is one.
    pub close_tok: Option<usize>,
    /// Token index one past the last quoted token.
    pub end_tok: usize,
    /// Byte range of the quoted words, marks excluded.
    pub inner: Range<usize>,
    /// Byte range including the marks.
    pub outer: Range<usize>,
    /// Single quotation marks (`‘…’`).
    pub single: bool,
    /// The stretch continues an unclosed quote of an earlier paragraph (or
    /// of a glued earlier one), so it was joined onto it: the first token of
    /// each later piece.
    pub pieces: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Open,
    Close,
    Either,
    Neither,
}

fn role(text: &str, tok: &Tok) -> Role {
    let c = text[tok.span.clone()].chars().next().unwrap_or('"');
    let prev = text[..tok.span.start].chars().next_back();
    let next = text[tok.span.end..].chars().next();
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let opening_ctx = |c: char| {
        matches!(
            c,
            '(' | '[' | '{' | '\u{2014}' | '\u{2013}' | '-' | '/' | ':' | '\u{2018}' | '\''
        )
    };
    let left = !space(next) && (space(prev) || prev.is_some_and(opening_ctx));
    let right = !space(prev)
        && (space(next)
            || next.is_some_and(|n| {
                matches!(
                    n,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '\u{2014}' | '\u{2013}' | '-'
                ) || super::lexer::is_double_quote(n)
                    || n == '\u{2019}'
                    || n == '\''
            }));
    match (left, right) {
        (true, false) => Role::Open,
        (false, true) => Role::Close,
        (false, false) if space(prev) && space(next) => Role::Neither,
        _ => match c {
            '\u{201C}' | '\u{201E}' | '\u{00AB}' => Role::Open,
            '\u{201D}' | '\u{00BB}' => Role::Close,
            _ => Role::Either,
        },
    }
}

/// Sentence-final punctuation right before token `i` (`movement.“As`).
fn after_sentence_end(text: &str, toks: &[Tok], i: usize) -> bool {
    i > 0
        && toks[i - 1].span.end == toks[i].span.start
        && matches!(&text[toks[i - 1].span.clone()], "." | "!" | "?" | ",")
}

struct Segment {
    open: usize,
    close: Option<usize>,
    end: usize,
    /// Unclosed at the end of its paragraph, or cut by a glued new opener.
    open_ended: bool,
    starts_paragraph: bool,
    glued_after_sentence: bool,
}

/// Longest quotation, in tokens, before an unclosed one is cut off.
const MAX_QUOTE_TOKENS: usize = 400;

/// Quoted stretches of double quotation marks, then single ones outside
/// them, in text order.
pub(crate) fn pair_quotes(text: &str, toks: &[Tok]) -> Vec<Quoted> {
    let mut segs: Vec<Segment> = Vec::new();
    let mut open: Option<usize> = None;
    let mut para_start = 0usize;
    for (i, tok) in toks.iter().enumerate() {
        // A quotation mark that nothing closes within a long paragraph's
        // length ends there: text with stray marks and no paragraph breaks
        // would otherwise make quotes as long as the input.
        if let Some(o) = open.filter(|&o| i - o >= MAX_QUOTE_TOKENS) {
            segs.push(Segment {
                open: o,
                close: None,
                end: i,
                open_ended: true,
                starts_paragraph: o == para_start,
                glued_after_sentence: false,
            });
            open = None;
        }
        if tok.break_before && i > 0 {
            if let Some(o) = open.take() {
                segs.push(Segment {
                    open: o,
                    close: None,
                    end: i,
                    open_ended: true,
                    starts_paragraph: o == para_start,
                    glued_after_sentence: false,
                });
            }
            para_start = i;
        }
        if tok.kind != TokKind::DoubleQuote {
            continue;
        }
        let r = role(text, tok);
        match (open, r) {
            (None, Role::Open | Role::Either) => open = Some(i),
            (None, _) => {}
            (Some(o), Role::Close | Role::Either) => {
                if i > o + 1 {
                    segs.push(Segment {
                        open: o,
                        close: Some(i),
                        end: i,
                        open_ended: false,
                        starts_paragraph: o == para_start,
                        glued_after_sentence: after_sentence_end(text, toks, o),
                    });
                    open = None;
                } else {
                    // `""`: an empty pair, or a close right after an open.
                    open = None;
                }
            }
            (Some(o), Role::Open) => {
                // A new opener while one is open: the earlier quote lost its
                // closing mark (often a glued paragraph break).
                if i > o + 1 {
                    segs.push(Segment {
                        open: o,
                        close: None,
                        end: i,
                        open_ended: true,
                        starts_paragraph: o == para_start,
                        glued_after_sentence: after_sentence_end(text, toks, o),
                    });
                }
                open = Some(i);
            }
            (Some(_), Role::Neither) => {}
        }
    }
    if let Some(o) = open {
        segs.push(Segment {
            open: o,
            close: None,
            end: toks.len(),
            open_ended: true,
            starts_paragraph: o == para_start,
            glued_after_sentence: false,
        });
    }

    // Join continuations: an open-ended segment followed by one that opens a
    // paragraph, or that opens glued right after sentence punctuation.
    let mut out: Vec<Quoted> = Vec::new();
    let mut prev_open_ended = false;
    let mut prev_end = 0usize;
    for s in segs {
        let continues =
            prev_open_ended && (s.starts_paragraph || s.glued_after_sentence) && s.open == prev_end;
        let inner_start = toks.get(s.open + 1).map_or(text.len(), |t| t.span.start);
        let last = s.end.saturating_sub(1).max(s.open);
        let inner_end = match s.close {
            Some(c) => toks[c].span.start,
            None => toks[last].span.end,
        }
        .max(inner_start);
        let outer_end = match s.close {
            Some(c) => toks[c].span.end,
            None => toks[last].span.end,
        };
        let end_tok = s.close.map_or(s.end, |c| c + 1);
        match out.last_mut() {
            Some(q) if continues => {
                q.close_tok = s.close;
                q.end_tok = end_tok;
                q.inner.end = inner_end;
                q.outer.end = outer_end;
                q.pieces += 1;
            }
            _ => out.push(Quoted {
                open_tok: s.open,
                close_tok: s.close,
                end_tok,
                inner: inner_start..inner_end,
                outer: toks[s.open].span.start..outer_end,
                single: false,
                pieces: 1,
            }),
        }
        prev_open_ended = s.open_ended;
        prev_end = s.end;
    }

    // Single quotes outside double-quoted stretches, within a paragraph.
    let mut singles = Vec::new();
    let mut covered = out.iter().map(|q| q.open_tok..q.end_tok).peekable();
    let mut i = 0;
    while i < toks.len() {
        while covered.peek().is_some_and(|r| r.end <= i) {
            covered.next();
        }
        if let Some(r) = covered.peek() {
            if r.contains(&i) {
                i = r.end;
                continue;
            }
        }
        if toks[i].kind == TokKind::SingleOpen {
            let limit = (i + 40).min(toks.len());
            let mut j = i + 1;
            let mut found = None;
            while j < limit {
                if toks[j].break_before
                    || toks[j].kind == TokKind::DoubleQuote
                    || toks[j].kind == TokKind::SingleOpen
                {
                    break;
                }
                if toks[j].kind == TokKind::SingleClose {
                    found = Some(j);
                    break;
                }
                j += 1;
            }
            if let Some(c) = found.filter(|&c| c > i + 1) {
                singles.push(Quoted {
                    open_tok: i,
                    close_tok: Some(c),
                    end_tok: c + 1,
                    inner: toks[i + 1].span.start..toks[c].span.start,
                    outer: toks[i].span.start..toks[c].span.end,
                    single: true,
                    pieces: 1,
                });
                i = c + 1;
                continue;
            }
        }
        i += 1;
    }
    if !singles.is_empty() {
        out.extend(singles);
        out.sort_by_key(|q| q.open_tok);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let toks = lex(text);
        pair_quotes(text, &toks)
            .into_iter()
            .map(|q| &text[q.inner])
            .collect()
    }

    #[test]
    fn curly_straight_and_partial() {
        assert_eq!(
            quoted("He said \u{201C}yes, fine,\u{201D} and \"no\"."),
            vec!["yes, fine,", "no"]
        );
        assert_eq!(
            quoted("Mr Corbyn had an \u{201C}anti-western world view\u{201D}and more"),
            vec!["anti-western world view"]
        );
    }

    #[test]
    fn british_continuation_joins() {
        let t =
            "said: \u{201C}Ivan was here.\n\n\u{201C}His resignation means this.\u{201D}\n\nNext.";
        let q = quoted(t);
        assert_eq!(q.len(), 1);
        assert!(q[0].starts_with("Ivan") && q[0].ends_with("this."));
    }

    #[test]
    fn glued_paragraphs_and_wrong_way_marks() {
        let t = "against him.\u{201C}Perhaps the most tragic element,\u{201D} he said. \u{201C}It is thecorrect one,\u{201C} said X.";
        let q = quoted(t);
        assert_eq!(
            q,
            vec!["Perhaps the most tragic element,", "It is thecorrect one,"]
        );
        let t2 =
            "movement.\u{201C}As I made clear,\u{201D} he said, \u{201C}this witch hunt.\u{201D}";
        assert_eq!(quoted(t2), vec!["As I made clear,", "this witch hunt."]);
    }

    #[test]
    fn singles_and_apostrophes() {
        assert_eq!(
            quoted("resigns over \u{2018}tolerance\u{2019} of Lewis\u{2019} party"),
            vec!["tolerance"]
        );
        assert!(quoted("Labour\u{2019}s and Lewis\u{2019} views").is_empty());
    }

    #[test]
    fn unbalanced_and_only_quotes() {
        assert_eq!(
            quoted("\u{201C}open and never closed"),
            vec!["open and never closed"]
        );
        for t in ["\"", "\"\"\"\"", "\u{201C}\u{201C}\u{201D}", "\u{2018}", ""] {
            let toks = lex(t);
            let _ = pair_quotes(t, &toks);
        }
    }
}
