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
/// a 64-bit hash, sorted and without repeats: a new letter is compared with up to two
/// hundred candidates at intake, so its own shingles are made once, no bigram is kept
/// as a string, and a candidate's are made from the normalised text the register already
/// holds ([`Shingles::of_normalized`]) instead of folding its letter again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(Vec<u64>);

impl Shingles {
    pub fn of(text: &str) -> Shingles {
        Shingles::of_normalized(&normalize(text))
    }

    /// The shingles of a text already [normalised](normalize) (words of folded letters
    /// and digits, one space apart): the same as [`Shingles::of`] the original.
    pub fn of_normalized(normalized: &str) -> Shingles {
        let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
        let mut hashes: Vec<u64> = words.windows(words.len().clamp(1, 2)).map(shingle_hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }

    /// Jaccard similarity, from 0.0 (nothing shared) to 1.0 (the same bigrams).
    pub fn similarity(&self, other: &Shingles) -> f64 {
        if self.0.is_empty() && other.0.is_empty() {
            return 0.0;
        }
        let (mut a, mut b, mut shared) = (self.0.iter().peekable(), other.0.iter().peekable(), 0usize);
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => {
                    a.next();
                }
                std::cmp::Ordering::Greater => {
                    b.next();
                }
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    a.next();
                    b.next();
                }
            }
        }
        let union = self.0.len() + other.0.len() - shared;
        shared as f64 / union as f64
    }
}

/// FNV-1a over the words with a separator that no word holds: fixed (the same words
/// always give the same hash) and far cheaper than the standard library's SipHash for
/// the few hundred short words of a letter.
fn shingle_hash(words: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, word) in words.iter().enumerate() {
        let separator: &[u8] = if i == 0 { &[] } else { &[0xff] };
        for &byte in separator.iter().chain(word.as_bytes()) {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
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
    fn shingles_of_the_normalised_text_are_those_of_the_letter() {
        for (letter, stored) in [
            ("", ""),
            ("Đất", "dat"),
            ("Thu hồi đất, bồi thường!", "thu hoi dat boi thuong"),
            ("  Ông  Nguyễn Văn A — thửa 123 (2024) đất đất ", "ong nguyen van a thua 123 2024 dat dat"),
        ] {
            assert_eq!(Shingles::of(letter), Shingles::of_normalized(stored), "{letter:?}");
            assert!(Shingles::of(letter).0.is_sorted(), "sorted for the merge in similarity");
        }
        assert_eq!(Shingles::of("Đất").0, vec![shingle_hash(&["dat"])], "a one-word text is its word");
        assert_eq!(Shingles::of("a b a b").0.len(), 2, "a repeated bigram counts once");
        assert_eq!(Shingles::of("").0.len(), 0);
        assert_ne!(shingle_hash(&["ab", "c"]), shingle_hash(&["a", "bc"]), "words keep their bounds");
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
