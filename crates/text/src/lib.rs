//! Vietnamese text for search and duplicate detection.
//!
//! Officials and citizens type with and without diacritics ("dat dai" for "đất đai",
//! "duc" for "Đức"), so everything that is searched or compared goes through [`fold`]
//! first: lower case, tone marks and vowel marks removed, and `đ` turned into `d`.
//! Both precomposed (NFC) and decomposed (NFD) input fold to the same result.

pub mod search;

pub use search::{SearchQuery, distinctive_words, highlight, parse_search, snippet};

/// Base letter for each accented lower-case Vietnamese letter.
const FOLDS: &[(char, &str)] = &[
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('i', "ìíỉĩị"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('u', "ùúủũụưừứửữự"),
    ('y', "ỳýỷỹỵ"),
    ('d', "đ"),
];

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    for (base, variants) in FOLDS {
        if variants.contains(lower) {
            return *base;
        }
    }
    lower
}

/// Lower-cases and strips Vietnamese diacritics: `"Đất đai"` → `"dat dai"`.
pub fn fold(text: &str) -> String {
    text.chars().filter(|c| !is_combining_mark(*c)).map(fold_char).collect()
}

/// Folds and collapses everything that is not a letter or digit into single spaces,
/// so that punctuation and line breaks do not matter when comparing or searching.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

/// The folded words of a text, in order.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Each pair of neighbouring words of folded texts, written together and separated by
/// spaces: `["thu hoi dat"]` → `"thuhoi hoidat"`. A full-text index holding them as words
/// of their own finds the few rows where a phrase's words stand side by side without
/// reading the positions of every row that holds its words somewhere (SQLite migration
/// 0025; PostgreSQL's `search_word_pairs` of migration 0022 pairs its concatenated texts
/// in SQL). Words are split as the index splits them (anything not a letter or digit
/// separates), and each text is paired on its own: a phrase never spans two texts.
pub fn word_pairs<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for text in texts {
        let mut previous: Option<&str> = None;
        for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            if let Some(previous) = previous {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(previous);
                out.push_str(word);
            }
            previous = Some(word);
        }
    }
    out
}

/// The word-bigram shingles of a folded text (single words for one-word texts), each as
/// a 64-bit hash: a new letter is compared with up to two hundred candidates at intake,
/// so its own shingles are made once and no bigram is kept as a string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(std::collections::HashSet<u64>);

impl Shingles {
    pub fn of(text: &str) -> Shingles {
        use std::hash::{Hash, Hasher};
        // A fixed-key hasher: the same text always gives the same shingles.
        let hash = |words: &[String]| {
            let mut h = std::hash::DefaultHasher::new();
            words.hash(&mut h);
            h.finish()
        };
        let ws: Vec<String> = words(text).collect();
        Shingles(ws.windows(ws.len().clamp(1, 2)).map(hash).collect())
    }

    /// Jaccard similarity, from 0.0 (nothing shared) to 1.0 (the same bigrams).
    pub fn similarity(&self, other: &Shingles) -> f64 {
        if self.0.is_empty() && other.0.is_empty() {
            return 0.0;
        }
        let (small, large) = if self.0.len() <= other.0.len() { (self, other) } else { (other, self) };
        let shared = small.0.iter().filter(|h| large.0.contains(h)).count() as f64;
        let union = (self.0.len() + other.0.len()) as f64 - shared;
        shared / union
    }
}

/// Jaccard similarity of word-bigram shingles, from 0.0 (nothing shared) to 1.0 (same
/// words in the same order). Diacritics, case and punctuation are ignored, so a letter
/// retyped without accents still matches its original.
pub fn similarity(a: &str, b: &str) -> f64 {
    Shingles::of(a).similarity(&Shingles::of(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn word_pairs_join_neighbours_within_each_text() {
        for (texts, pairs) in [
            (vec!["thu hoi dat"], "thuhoi hoidat"),
            (vec!["dat"], ""),
            (vec![""], ""),
            (vec!["nguyen van an | tran binh", "ubnd xa"], "nguyenvan vanan antran tranbinh ubndxa"),
            (vec!["a  b", "c"], "ab"),
            (vec!["dat 2024"], "dat2024"),
        ] {
            assert_eq!(word_pairs(texts.iter().copied()), pairs, "{texts:?}");
        }
    }

    #[test]
    fn folds_vietnamese_letters() {
        let table = [
            ("Đất đai", "dat dai"),
            ("Nguyễn Văn Đức", "nguyen van duc"),
            ("KHIẾU NẠI", "khieu nai"),
            ("Ủy ban nhân dân", "uy ban nhan dan"),
            ("Thừa Thiên Huế", "thua thien hue"),
            ("quỹ đất", "quy dat"),
            ("ABC-123", "abc-123"),
            ("", ""),
        ];
        for (input, expected) in table {
            assert_eq!(fold(input), expected, "fold({input:?})");
        }
    }

    #[test]
    fn decomposed_input_folds_like_precomposed() {
        // "Đức" with the tone mark as a separate combining character (NFD).
        let nfd = "\u{0110}u\u{031B}\u{0301}c";
        assert_eq!(fold(nfd), "duc");
    }

    #[test]
    fn normalize_collapses_punctuation() {
        assert_eq!(normalize("  Đất đai,\n nhà   cửa! "), "dat dai nha cua");
    }

    #[test]
    fn similarity_ignores_accents_and_detects_different_texts() {
        let original = "Đề nghị xem xét việc thu hồi đất của gia đình tôi tại thôn Đông";
        let retyped = "de nghi xem xet viec thu hoi dat cua gia dinh toi tai thon dong";
        assert!((similarity(original, retyped) - 1.0).abs() < 1e-9);
        let other = "Phản ánh cán bộ xã gây phiền hà khi làm thủ tục hộ tịch";
        assert!(similarity(original, other) < 0.1);
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn similarity_is_symmetric_and_bounded(a in "[a-zđêôơư ]{0,40}", b in "[a-zđêôơư ]{0,40}") {
            let ab = similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert!((ab - similarity(&b, &a)).abs() < 1e-12);
        }
    }
}
