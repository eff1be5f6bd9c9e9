//! Documents as PDF, typeset by Typst used as a library. The layout lives in two Typst
//! templates ([`LETTER_TEMPLATE`], [`REPORT_TEMPLATE`]); the data reaches them only as
//! Typst string literals in a generated prelude, so nothing a citizen typed can become
//! markup. Liberation Serif (metric-compatible with Times New Roman, SIL OFL 1.1, full
//! Vietnamese coverage) is compiled in and embedded in every PDF, so a document looks the
//! same on every machine, and no system font is ever read.
//!
//! The output is deterministic: no creation date, and the document identifier is a hash
//! of its contents.

use donthu_documents::Letter;
use donthu_documents::docx::{Issue, place_and_date};
use donthu_reports::{Filled, Table, format_value};
use std::fmt::Write;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The letter layout (Decree 30/2020/NĐ-CP, Appendix I): issuing body and number on the
/// left, the national motto on the right, place and date, title, body, recipients and
/// signature.
pub const LETTER_TEMPLATE: &str = include_str!("letter.typ");
/// The statutory report table layout: landscape, form number, title, period, the merged
/// multi-row header, column markers, unit rows and the total row.
pub const REPORT_TEMPLATE: &str = include_str!("report.typ");

const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// The standard library and the fonts, built once per process.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONT_FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
        Shared { library: LazyHash::new(Library::default()), book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    })
}

/// One document to typeset: a single source, no files, no system fonts, no clock.
struct Single {
    source: Source,
}

impl World for Single {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// Typesets a template after a prelude of data.
fn typeset(prelude: &str, template: &str) -> Result<Vec<u8>, String> {
    let world = Single { source: Source::detached(format!("{prelude}\n{template}")) };
    let document: PagedDocument =
        typst::compile(&world).output.map_err(|e| format!("Typst không dàn trang được: {}", messages(&e)))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|e| format!("Typst không xuất được PDF: {}", messages(&e)))
}

/// A Typst string literal: only backslashes and double quotes need escaping.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Typst array of string literals (the trailing comma keeps one element an array).
fn array<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("(");
    for item in items {
        out.push_str(&literal(item.as_ref()));
        out.push_str(", ");
    }
    out.push(')');
    out
}

/// The PDF of a letter or form, laid out like its DOCX twin.
pub fn letter(issue: &Issue, letter: &Letter) -> Result<Vec<u8>, String> {
    // A letter (công văn) has no title: its subject "V/v …" goes under its number.
    let subject = letter.title.first().filter(|t| t.starts_with("V/v"));
    let title: &[String] = if subject.is_some() { &[] } else { &letter.title };
    let mut prelude = String::from("#let data = (\n");
    let fields = [
        ("parent", literal(&issue.parent_body.to_uppercase())),
        ("issuing", literal(&issue.issuing_body.to_uppercase())),
        ("number", literal(&format!("Số: {}", issue.number))),
        ("subject", subject.map_or("none".into(), |s| literal(s))),
        ("place_date", literal(&place_and_date(&issue.place, issue.date))),
        ("title", array(title)),
        ("paragraphs", array(&letter.paragraphs)),
        (
            "headings",
            format!(
                "({})",
                letter.paragraphs.iter().map(|p| format!("{}, ", donthu_documents::is_heading(p))).collect::<String>()
            ),
        ),
        ("recipients", array(&letter.recipients)),
        ("signer_title", array(&issue.signer_title.lines().map(str::to_uppercase).collect::<Vec<_>>())),
        ("signer_name", literal(&issue.signer_name)),
    ];
    for (name, value) in fields {
        let _ = writeln!(prelude, "  {name}: {value},");
    }
    prelude.push(')');
    typeset(&prelude, LETTER_TEMPLATE)
}

/// The PDF of a filled report table.
pub fn report(table: &Table, filled: &Filled, issuing_unit: &str, period: &str) -> Result<Vec<u8>, String> {
    let mut prelude = String::from("#let data = (\n");
    let _ = writeln!(prelude, "  form: {},", literal(&table.form));
    let _ = writeln!(prelude, "  title: {},", literal(&table.title));
    let _ = writeln!(prelude, "  unit: {},", literal(issuing_unit));
    let _ = writeln!(prelude, "  period: {},", literal(&format!("Kỳ báo cáo: {period}")));
    let _ = writeln!(prelude, "  columns: {},", table.columns.len());
    let _ = writeln!(prelude, "  depth: {},", table.header_depth());
    prelude.push_str("  header: (\n");
    for cell in table.header_cells() {
        let _ = writeln!(
            prelude,
            "    (row: {}, col: {}, colspan: {}, rowspan: {}, label: {}),",
            cell.row,
            cell.first_column,
            cell.columns,
            cell.rows,
            literal(&cell.label)
        );
    }
    prelude.push_str("  ),\n  rows: (\n");
    for (i, row) in filled.rows.iter().enumerate() {
        let number = if row.unit_id.is_some() { (i + 1).to_string() } else { String::new() };
        let values: Vec<String> = row.values.iter().map(|v| format_value(*v)).collect();
        let _ = writeln!(
            prelude,
            "    (number: {}, label: {}, total: {}, values: {}),",
            literal(&number),
            literal(&row.label),
            row.unit_id.is_none(),
            array(&values)
        );
    }
    prelude.push_str("  ),\n)");
    typeset(&prelude, REPORT_TEMPLATE)
}

/// The text of every page of a PDF, whitespace collapsed (PDF text comes in pieces): how
/// tests and checks read a generated document back. Text is decoded through each font's
/// ToUnicode map (the PostScript-style CMaps Typst writes are read here, bfchar and
/// bfrange), following form XObjects.
pub fn pdf_text(pdf: &[u8]) -> Result<String, String> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| format!("không đọc được PDF: {e}"))?;
    let mut out = String::new();
    for page in doc.get_pages().values() {
        let content = doc.get_page_content(*page).map_err(|e| format!("không đọc được trang PDF: {e}"))?;
        let resources = doc.get_dictionary(*page).ok().and_then(|p| p.get_deref(b"Resources", &doc).ok());
        read_text(&doc, &content, resources.and_then(|r| r.as_dict().ok()), &mut out, 0);
        out.push(' ');
    }
    Ok(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

type UnicodeMap = std::collections::HashMap<u32, String>;

/// A ToUnicode CMap's bfchar and bfrange entries.
fn parse_cmap(text: &str) -> UnicodeMap {
    fn hex(token: &str) -> Option<Vec<u8>> {
        let digits = token.trim().trim_start_matches('<').trim_end_matches('>');
        (0..digits.len()).step_by(2).map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok()).collect()
    }
    fn code(bytes: &[u8]) -> u32 {
        bytes.iter().fold(0, |acc, b| (acc << 8) | u32::from(*b))
    }
    fn utf16(bytes: &[u8]) -> String {
        let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    }
    let mut map = UnicodeMap::new();
    let mut section = "";
    for line in text.lines().map(str::trim) {
        if line.ends_with("beginbfchar") || line.ends_with("beginbfrange") {
            section = if line.ends_with("beginbfchar") { "char" } else { "range" };
            continue;
        }
        if line.starts_with("endbf") {
            section = "";
            continue;
        }
        let tokens: Vec<&str> = line.split('>').map(str::trim).filter(|t| !t.is_empty()).collect();
        match (section, tokens.as_slice()) {
            ("char", [from, to]) => {
                if let (Some(from), Some(to)) = (hex(from), hex(to)) {
                    map.insert(code(&from), utf16(&to));
                }
            }
            ("range", [low, high, first]) if !first.contains('[') => {
                if let (Some(low), Some(high), Some(first)) = (hex(low), hex(high), hex(first)) {
                    let start = u32::from(u16::from_be_bytes([first[0], *first.get(1).unwrap_or(&0)]));
                    for (i, c) in (code(&low)..=code(&high)).enumerate() {
                        if let Some(ch) = char::from_u32(start + i as u32) {
                            map.insert(c, ch.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    map
}

fn font_maps(
    doc: &lopdf::Document,
    resources: Option<&lopdf::Dictionary>,
) -> std::collections::HashMap<Vec<u8>, UnicodeMap> {
    let mut maps = std::collections::HashMap::new();
    let Some(fonts) = resources.and_then(|r| r.get_deref(b"Font", doc).ok()).and_then(|f| f.as_dict().ok()) else {
        return maps;
    };
    for (name, font) in fonts.iter() {
        let stream = doc
            .dereference(font)
            .ok()
            .and_then(|(_, f)| f.as_dict().ok())
            .and_then(|f| f.get_deref(b"ToUnicode", doc).ok())
            .and_then(|s| s.as_stream().ok());
        if let Some(stream) = stream {
            let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            maps.insert(name.clone(), parse_cmap(&String::from_utf8_lossy(&content)));
        }
    }
    maps
}

fn read_text(
    doc: &lopdf::Document,
    content: &[u8],
    resources: Option<&lopdf::Dictionary>,
    out: &mut String,
    depth: u32,
) {
    use lopdf::Object;
    let Ok(ops) = lopdf::content::Content::decode(content) else { return };
    let maps = font_maps(doc, resources);
    let mut current: Option<&UnicodeMap> = None;
    let show = |bytes: &[u8], map: Option<&UnicodeMap>, out: &mut String| match map {
        Some(map) => {
            for pair in bytes.chunks(2) {
                let code = pair.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                out.push_str(map.get(&code).map_or("", String::as_str));
            }
        }
        None => out.push_str(&String::from_utf8_lossy(bytes)),
    };
    for op in &ops.operations {
        match op.operator.as_str() {
            "Tf" => current = op.operands.first().and_then(|n| n.as_name().ok()).and_then(|n| maps.get(n)),
            "Tj" | "'" | "\"" => {
                if let Some(Object::String(bytes, _)) = op.operands.last() {
                    show(bytes, current, out);
                }
            }
            "TJ" => {
                for item in op.operands.first().and_then(|a| a.as_array().ok()).into_iter().flatten() {
                    match item {
                        Object::String(bytes, _) => show(bytes, current, out),
                        // A large negative adjustment is a space between words.
                        Object::Integer(n) if *n < -200 => out.push(' '),
                        Object::Real(n) if *n < -200.0 => out.push(' '),
                        _ => {}
                    }
                }
            }
            "Td" | "TD" | "T*" | "Tm" | "ET" => out.push(' '),
            "Do" if depth < 8 => {
                let form = op
                    .operands
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|name| {
                        resources?.get_deref(b"XObject", doc).ok()?.as_dict().ok()?.get_deref(name, doc).ok()
                    })
                    .and_then(|x| x.as_stream().ok());
                if let Some(form) = form {
                    let inner = form.decompressed_content().unwrap_or_else(|_| form.content.clone());
                    let own = form.dict.get_deref(b"Resources", doc).ok().and_then(|r| r.as_dict().ok());
                    read_text(doc, &inner, own.or(resources), out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_cannot_break_out_of_their_string() {
        assert_eq!(literal(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(literal("#set page(width: 1pt)\n]"), "\"#set page(width: 1pt)\\n]\"");
        assert_eq!(array(&["x"]), "(\"x\", )");
    }
}
