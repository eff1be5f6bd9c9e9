//! Search as Vietnamese users type it: with or without diacritics, words and "quoted
//! phrases", a reference number; and the highlighted snippet of what matched.
//!
//! Stored texts are searched in their [`normalize`]d form (folded words separated by
//! single spaces), so a term matches whatever the case, accents or punctuation. A term
//! matches at the start of a word ("duc" finds "Đức" and "Đức Phổ", not "giáo dục"'s
//! neighbours inside a word), as the stores do with `' ' || folded LIKE '% ' || term`.

use crate::{fold_char, is_combining_mark, normalize};

/// The most terms a search takes (the rest is ignored): each is a condition in SQL.
pub const MAX_TERMS: usize = 8;

/// A search as typed, ready for the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Normalised words and phrases; every one must occur.
    pub terms: Vec<String>,
    /// A reference number typed as `15/2026` or `15/2026/BTCD`: sequence and year.
    pub reference: Option<(u32, i32)>,
}

impl SearchQuery {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.reference.is_none()
    }
}

/// Parses `dat dai "thu hoi dat" 15/2026`: words, phrases in straight or curly quotes,
/// and at most one reference number.
pub fn parse_search(input: &str) -> SearchQuery {
    let mut query = SearchQuery::default();
    let unified: String = input.chars().map(|c| if matches!(c, '“' | '”' | '„') { '"' } else { c }).collect();
    for (i, part) in unified.split('"').enumerate() {
        if i % 2 == 1 {
            // Inside quotes: one phrase.
            let phrase = normalize(part);
            if !phrase.is_empty() {
                query.terms.push(phrase);
            }
            continue;
        }
        for token in part.split_whitespace() {
            if query.reference.is_none()
                && let Some(reference) = parse_reference(token)
            {
                query.reference = Some(reference);
                continue;
            }
            for word in normalize(token).split(' ').filter(|w| !w.is_empty()) {
                query.terms.push(word.to_owned());
            }
        }
    }
    query.terms.dedup();
    query.terms.truncate(MAX_TERMS);
    query
}

fn parse_reference(token: &str) -> Option<(u32, i32)> {
    let mut parts = token.split('/');
    let sequence = parts.next()?.parse::<u32>().ok()?;
    let year_text = parts.next()?;
    if year_text.len() != 4 {
        return None;
    }
    let year = year_text.parse::<i32>().ok()?;
    (sequence > 0).then_some((sequence, year))
}

/// Words too common in petitions to tell one from another.
const COMMON_WORDS: &[&str] = &[
    "khieu", "nai", "cong", "dan", "nghi", "viec", "toi", "chung", "nguoi", "nhan", "ban", "theo", "quyet", "dinh",
    "giai", "cac", "nhung", "duoc", "khong", "chua", "cua", "tinh", "huyen", "xa", "phuong", "thon", "ong", "ba",
    "gia", "tai", "trong", "nam", "ngay", "thang", "voi", "cho", "den", "len", "xem", "xet",
];

/// Up to `n` words of `text` that tell it apart: the longest ones that are not common
/// petition vocabulary, longest (then latest) first.
pub fn distinctive_words(text: &str, n: usize) -> Vec<String> {
    let mut words: Vec<(usize, usize, String)> = Vec::new();
    for (i, w) in crate::words(text).enumerate() {
        if w.chars().count() >= 4 && !COMMON_WORDS.contains(&w.as_str()) && !words.iter().any(|x| x.2 == w) {
            words.push((w.chars().count(), i, w));
        }
    }
    words.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    words.into_iter().take(n).map(|w| w.2).collect()
}

/// The normalised text with, for each of its characters, the byte range of the original
/// text it came from.
fn normalized_with_origins(text: &str) -> (Vec<char>, Vec<(usize, usize)>) {
    let mut chars = Vec::with_capacity(text.len());
    let mut origins: Vec<(usize, usize)> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if is_combining_mark(c) {
            if chars.last().is_some_and(|l| *l != ' ')
                && let Some(last) = origins.last_mut()
            {
                last.1 = end;
            }
            continue;
        }
        let folded = fold_char(c);
        if folded.is_alphanumeric() {
            chars.push(folded);
            origins.push((at, end));
        } else if chars.last().is_some_and(|l| *l != ' ') {
            chars.push(' ');
            origins.push((at, end));
        }
    }
    (chars, origins)
}

/// The byte ranges of `text` where any of the normalised `terms` occurs, merged and in order.
pub fn match_ranges(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let (chars, origins) = normalized_with_origins(text);
    let mut ranges = Vec::new();
    for term in terms {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > chars.len() {
            continue;
        }
        for start in 0..=chars.len() - needle.len() {
            let at_word_start = start == 0 || chars[start - 1] == ' ';
            if at_word_start && chars[start..start + needle.len()] == needle[..] {
                ranges.push((origins[start].0, origins[start + needle.len() - 1].1));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// `text` cut into pieces, each marked whether it matched one of `terms`.
pub fn highlight(text: &str, terms: &[String]) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for (s, e) in match_ranges(text, terms) {
        if s > at {
            pieces.push((text[at..s].to_owned(), false));
        }
        pieces.push((text[s..e].to_owned(), true));
        at = e;
    }
    if at < text.len() {
        pieces.push((text[at..].to_owned(), false));
    }
    pieces
}

/// About `max_chars` characters of `text` around the first match of `terms`, cut at
/// word boundaries with "…" where something was left out; the start of the text when
/// nothing matches.
pub fn snippet(text: &str, terms: &[String], max_chars: usize) -> String {
    let first = match_ranges(text, terms).first().map(|r| r.0).unwrap_or(0);
    let lead = max_chars / 4;
    // Start a little before the match, at the beginning of a word.
    let mut start = text[..first].char_indices().rev().nth(lead).map(|(i, _)| i).unwrap_or(0);
    if start > 0 {
        start = text[start..].find(' ').map(|i| start + i + 1).filter(|s| *s <= first).unwrap_or(start);
    }
    let rest = &text[start..];
    let mut piece: String = rest.chars().take(max_chars).collect();
    let cut = piece.len() < rest.len();
    if cut && let Some((head, _)) = piece.rsplit_once(' ') {
        piece = head.to_owned();
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(piece.trim());
    if cut {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn terms(q: &str) -> Vec<String> {
        parse_search(q).terms
    }

    #[test]
    fn parses_words_phrases_and_references() {
        type Row = (&'static str, &'static [&'static str], Option<(u32, i32)>);
        let table: &[Row] = &[
            ("đất đai", &["dat", "dai"], None),
            ("\"đất đai\" Đức", &["dat dai", "duc"], None),
            ("“thu hồi đất”", &["thu hoi dat"], None),
            ("15/2026/BTCD", &[], Some((15, 2026))),
            ("15/2026 bồi thường", &["boi", "thuong"], Some((15, 2026))),
            ("a/b", &["a", "b"], None),
            ("  ", &[], None),
            ("\"\"", &[], None),
        ];
        for (input, expected, reference) in table {
            let q = parse_search(input);
            assert_eq!(q.terms, expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{input}");
            assert_eq!(q.reference, *reference, "{input}");
        }
        assert_eq!(terms("a b c d e f g h i j k").len(), MAX_TERMS);
    }

    #[test]
    fn highlights_original_text_whatever_was_typed() {
        let text = "Ông Nguyễn Văn Đức khiếu nại về đất đai, nhà cửa.";
        let marked: Vec<String> =
            highlight(text, &terms("duc \"dat dai nha\"")).into_iter().filter(|p| p.1).map(|p| p.0).collect();
        assert_eq!(marked, ["Đức", "đất đai, nhà"]);
        // Decomposed input keeps its combining marks inside the highlight.
        let nfd = "Ông \u{0110}u\u{031B}\u{0301}c ạ";
        let marked: Vec<String> = highlight(nfd, &terms("duc")).into_iter().filter(|p| p.1).map(|p| p.0).collect();
        assert_eq!(marked, ["\u{0110}u\u{031B}\u{0301}c"]);
    }

    #[test]
    fn terms_match_at_word_starts_only() {
        let marked: Vec<String> =
            highlight("Hoàn thành, thành phố", &terms("thanh")).into_iter().filter(|p| p.1).map(|p| p.0).collect();
        assert_eq!(marked, ["thành", "thành"]);
        assert!(match_ranges("Hoàn", &terms("oan")).is_empty());
    }

    /// The distinctive words of a content, used to find petitions with similar content.
    #[test]
    fn distinctive_words_skip_the_common_vocabulary() {
        let words = distinctive_words("Tôi khiếu nại việc thu hồi đất tại thôn Đông Khê, xã Yên Thành", 3);
        assert_eq!(words, ["thanh", "dong"]);
    }

    #[test]
    fn snippet_centres_on_the_match() {
        let text = format!("{} đất đai {}", "mở đầu ".repeat(60), "kết thúc ".repeat(60));
        let s = snippet(&text, &terms("dat dai"), 80);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("đất đai"), "{s}");
        assert!(s.chars().count() <= 82, "{s}");
        assert_eq!(snippet("ngắn", &terms("x"), 80), "ngắn");
    }

    proptest! {
        #[test]
        fn highlight_pieces_rebuild_the_text(text in "\\PC{0,60}", q in "[a-zđ \"]{0,12}") {
            let pieces = highlight(&text, &terms(&q));
            let rebuilt: String = pieces.iter().map(|p| p.0.as_str()).collect();
            prop_assert_eq!(rebuilt, text);
        }

        #[test]
        fn every_highlight_folds_to_contain_a_term(text in "[a-zA-ZđĐàáạêếôơư ,.]{0,60}", q in "[a-zđ]{1,4}") {
            let ts = terms(&q);
            for (piece, hit) in highlight(&text, &ts) {
                if hit {
                    let n = normalize(&piece);
                    prop_assert!(ts.iter().any(|t| n.contains(t.as_str())), "{} {:?}", piece, ts);
                }
            }
        }
    }
}
