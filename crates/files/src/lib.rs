//! Files citizens upload: what they are (by content, never by name), whether they are
//! accepted, and a copy without the metadata that can identify a person or a place —
//! EXIF (camera, GPS position, owner), XMP and IPTC in JPEG; text, EXIF and time chunks
//! in PNG; the document information dictionary (author, creator…) and XMP streams in
//! PDF. The original is kept by the caller; officials work on the clean copy.

/// The largest file accepted from the portal.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most files one submission may carry.
pub const MAX_FILES: usize = 5;

/// The kinds of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    /// Recognises a file by its first bytes.
    pub fn detect(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileType::Png)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }
}

/// Why a file is refused, in Vietnamese for the citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLarge,
    /// Not a PDF, JPEG or PNG file.
    UnsupportedType,
    /// Damaged, or a PDF protected by a password: it cannot be cleaned or read.
    Unreadable,
}

impl Refusal {
    pub fn message(&self, file_name: &str) -> String {
        match self {
            Refusal::Empty => format!("Tệp \"{file_name}\" rỗng."),
            Refusal::TooLarge => {
                format!(
                    "Tệp \"{file_name}\" lớn hơn {} MB; xin chụp, quét lại với dung lượng nhỏ hơn.",
                    MAX_FILE_BYTES / 1024 / 1024
                )
            }
            Refusal::UnsupportedType => {
                format!("Tệp \"{file_name}\" không phải PDF, JPG hoặc PNG; chỉ nhận các loại tệp này.")
            }
            Refusal::Unreadable => {
                format!("Tệp \"{file_name}\" bị hỏng hoặc có mật khẩu; xin gửi tệp khác.")
            }
        }
    }
}

/// An accepted file: its type and the copy without metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub file_type: FileType,
    pub bytes: Vec<u8>,
}

/// Checks an uploaded file and returns the copy without metadata.
pub fn clean(bytes: &[u8]) -> Result<Cleaned, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge);
    }
    let file_type = FileType::detect(bytes).ok_or(Refusal::UnsupportedType)?;
    let bytes = match file_type {
        FileType::Jpeg => strip_jpeg(bytes),
        FileType::Png => strip_png(bytes),
        FileType::Pdf => strip_pdf(bytes),
    }
    .ok_or(Refusal::Unreadable)?;
    Ok(Cleaned { file_type, bytes })
}

/// Drops APP1 (EXIF, XMP), APP12, APP13 (IPTC/Photoshop) and COM segments; keeps the
/// image data and what decoding needs (JFIF, ICC colour profile, Adobe).
fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut i = 2;
    loop {
        // Markers may be padded with 0xFF bytes.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if bytes.get(i) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(i + 1)?;
        // Start of scan: the rest is entropy-coded image data up to the end.
        if marker == 0xDA {
            out.extend_from_slice(&bytes[i..]);
            return Some(out);
        }
        if marker == 0xD9 {
            out.extend_from_slice(&bytes[i..i + 2]);
            return Some(out);
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        let end = i + 2 + len;
        if end > bytes.len() {
            return None;
        }
        let drop = matches!(marker, 0xE1 | 0xEC | 0xED | 0xFE);
        if !drop {
            out.extend_from_slice(&bytes[i..end]);
        }
        i = end;
    }
}

/// Drops textual chunks (tEXt, zTXt, iTXt), EXIF (eXIf) and the modification time
/// (tIME); keeps every other chunk.
fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8]);
    let mut i = 8;
    while i < bytes.len() {
        let len = u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(i + 4..i + 8)?;
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > bytes.len() {
            return None;
        }
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(&bytes[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

/// Removes the document information dictionary and every XMP metadata stream, then
/// writes the document anew (so nothing of them is left in unreferenced objects or
/// earlier incremental updates).
fn strip_pdf(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut doc = lopdf::Document::load_mem(bytes).ok()?;
    if doc.is_encrypted() {
        return None;
    }
    doc.trailer.remove(b"Info");
    for object in doc.objects.values_mut() {
        let dict = match object {
            lopdf::Object::Dictionary(d) => Some(d),
            lopdf::Object::Stream(s) => Some(&mut s.dict),
            _ => None,
        };
        if let Some(d) = dict {
            d.remove(b"Metadata");
            d.remove(b"PieceInfo");
        }
    }
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        // APP0 JFIF
        v.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        // APP1 EXIF with a GPS position and an owner's name
        let exif = b"Exif\0\0GPS 21.0285N 105.8542E Owner Nguyen Van A";
        v.extend_from_slice(&[0xFF, 0xE1]);
        v.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(exif);
        // COM
        let com = b"chup tai nha ong A";
        v.extend_from_slice(&[0xFF, 0xFE]);
        v.extend_from_slice(&((com.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(com);
        // SOS and some scan data, then EOI
        v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02, 0xAB, 0xCD, 0xEF, 0xFF, 0xD9]);
        v
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_exif_and_comments_but_keeps_the_image() {
        let original = jpeg_with_exif();
        let cleaned = clean(&original).unwrap();
        assert_eq!(cleaned.file_type, FileType::Jpeg);
        assert!(!contains(&cleaned.bytes, b"GPS") && !contains(&cleaned.bytes, b"Nguyen Van A"));
        assert!(!contains(&cleaned.bytes, b"chup tai nha"));
        assert!(contains(&cleaned.bytes, b"JFIF"));
        assert!(cleaned.bytes.ends_with(&[0xAB, 0xCD, 0xEF, 0xFF, 0xD9]), "the scan data is untouched");
    }

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        v.extend_from_slice(&[0, 0, 0, 0]); // CRC (not checked here)
        v
    }

    #[test]
    fn png_loses_text_and_exif_chunks() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", &[0; 13]));
        png.extend(png_chunk(b"tEXt", b"Author\0Tran Thi B"));
        png.extend(png_chunk(b"eXIf", b"GPS position"));
        png.extend(png_chunk(b"IDAT", b"pixels"));
        png.extend(png_chunk(b"IEND", b""));
        let cleaned = clean(&png).unwrap();
        assert!(!contains(&cleaned.bytes, b"Tran Thi B") && !contains(&cleaned.bytes, b"GPS"));
        assert!(
            contains(&cleaned.bytes, b"IHDR")
                && contains(&cleaned.bytes, b"pixels")
                && contains(&cleaned.bytes, b"IEND")
        );
    }

    fn pdf_with_author() -> Vec<u8> {
        use lopdf::{Document, Object, Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let content = doc.add_object(Stream::new(dictionary! {}, b"BT /F1 12 Tf (Noi dung don) Tj ET".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
        );
        let xmp = doc.add_object(Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            b"<x:xmpmeta><dc:creator>Le Van C</dc:creator></x:xmpmeta>".to_vec(),
        ));
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id, "Metadata" => xmp });
        let info = doc.add_object(dictionary! {
            "Author" => Object::string_literal("Le Van C"), "Producer" => Object::string_literal("May scan cua UBND xa"),
        });
        doc.trailer.set("Root", catalog);
        doc.trailer.set("Info", info);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn pdf_loses_its_information_dictionary_and_xmp() {
        let original = pdf_with_author();
        assert!(contains(&original, b"Le Van C"));
        let cleaned = clean(&original).unwrap();
        assert_eq!(cleaned.file_type, FileType::Pdf);
        assert!(!contains(&cleaned.bytes, b"Le Van C"), "author and XMP creator gone");
        assert!(!contains(&cleaned.bytes, b"May scan"));
        let reread = lopdf::Document::load_mem(&cleaned.bytes).unwrap();
        assert_eq!(reread.get_pages().len(), 1, "the page is still there");
        assert!(contains(&cleaned.bytes, b"Noi dung don"));
    }

    #[test]
    fn refuses_what_it_cannot_check() {
        assert_eq!(clean(b""), Err(Refusal::Empty));
        assert_eq!(clean(b"MZ\x90\0 an executable"), Err(Refusal::UnsupportedType));
        assert_eq!(clean(b"<html>not a picture</html>"), Err(Refusal::UnsupportedType));
        assert_eq!(clean(&vec![0xFF; MAX_FILE_BYTES + 1]), Err(Refusal::TooLarge));
        assert_eq!(clean(b"%PDF-1.4 garbage"), Err(Refusal::Unreadable));
        assert_eq!(clean(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF]), Err(Refusal::Unreadable));
        assert!(Refusal::UnsupportedType.message("a.exe").contains("a.exe"));
    }
}
