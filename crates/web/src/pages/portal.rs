//! The citizen portal (no account): submit a complaint, denunciation, recommendation
//! or feedback with attachments, get a tracking code and a printable receipt with a QR
//! code, and look up the status by code — which tells nothing but the status.
//!
//! The tracking code is 160 random bits; the store keeps only its SHA-256 digest, so
//! the register cannot give it back and a copy of the database cannot be used to read
//! anyone's status. Requests are rate limited per client.

use super::{PageError, dmy, error_page, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use chrono::Utc;
use donthu_core::person::{Cccd, Person};
use donthu_core::petition::{Channel, Field, Kind, NewPetition, Petitioner, Target, TargetKind};
use donthu_core::process::Status;
use donthu_store::model::{Attachment, Intake, Scope};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Total size of one submission (all files and fields).
pub const MAX_SUBMISSION_BYTES: usize = 30 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cong-dan", get(home))
        .route("/cong-dan/gui-don", get(submit_form).post(submit).layer(DefaultBodyLimit::max(MAX_SUBMISSION_BYTES)))
        .route("/cong-dan/tra-cuu", get(track).post(track_form))
}

/// Who is counted: a client, for one purpose ("submit", "lookup").
type Counter = (IpAddr, &'static str);

/// Fixed-window counters per client and purpose: when the window opened, and how many
/// requests it has seen.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<Counter, (Instant, u32)>>,
}

impl RateLimiter {
    /// Counts a request; false when the client already made `limit` in the last hour.
    pub fn allow(&self, client: IpAddr, purpose: &'static str, limit: u32) -> bool {
        let now = Instant::now();
        let mut windows = self.windows.lock().expect("the rate limiter lock is never poisoned");
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = windows.entry((client, purpose)).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(3600) {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            return false;
        }
        entry.1 += 1;
        true
    }
}

fn client(connect: &Option<Extension<ConnectInfo<SocketAddr>>>) -> IpAddr {
    super::session::client_ip(connect.as_ref().map(|e| &e.0))
}

fn too_many() -> Response {
    error_page(
        StatusCode::TOO_MANY_REQUESTS,
        "Bạn đã gửi quá nhiều yêu cầu trong một giờ. Xin thử lại sau, hoặc liên hệ trực tiếp nơi tiếp công dân.",
    )
}

/// A new tracking code: 160 random bits as 32 characters of Crockford base 32, in
/// groups of four for reading aloud over the phone.
pub fn new_tracking_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let mut bits: u64 = 0;
    let mut have = 0;
    let mut chars = Vec::with_capacity(32);
    for b in bytes {
        bits = (bits << 8) | u64::from(b);
        have += 8;
        while have >= 5 {
            have -= 5;
            chars.push(ALPHABET[((bits >> have) & 31) as usize] as char);
        }
    }
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// What the store keeps of a tracking code: the digest of its normalised form, so
/// "abcd efgh…", "ABCD-EFGH…" and a misread O for 0 all find the same petition.
pub fn tracking_digest(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct HomePage {
    asset_version: &'static str,
}

async fn home() -> Response {
    render(StatusCode::OK, &HomePage { asset_version: super::ASSET_VERSION })
}

pub struct UnitOption {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "portal_submit.html")]
struct SubmitPage {
    asset_version: &'static str,
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
    units: Vec<UnitOption>,
}

impl SubmitPage {
    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }

    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }
}

async fn portal_units(state: &AppState) -> Result<Vec<UnitOption>, PageError> {
    let units = state.store.units().await?;
    // Top-level units first (the province's reception office), then by name.
    let mut list: Vec<_> = units.into_iter().filter(|u| u.active).collect();
    list.sort_by(|a, b| a.parent_id.is_some().cmp(&b.parent_id.is_some()).then(a.name.cmp(&b.name)));
    Ok(list.into_iter().map(|u| UnitOption { id: u.id.to_string(), name: u.name }).collect())
}

#[derive(Deserialize, Default)]
struct SubmitQuery {
    loai: Option<String>,
}

async fn submit_form(State(state): State<AppState>, Query(q): Query<SubmitQuery>) -> Result<Response, PageError> {
    let mut values = HashMap::new();
    values.insert("kind".to_owned(), q.loai.filter(|k| Kind::from_code(k).is_some()).unwrap_or("complaint".into()));
    values.insert("petitioner.type".to_owned(), "individual".to_owned());
    let page = SubmitPage {
        asset_version: super::ASSET_VERSION,
        values,
        errors: HashMap::new(),
        units: portal_units(&state).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

struct Upload {
    file_name: String,
    bytes: Vec<u8>,
}

#[derive(Template)]
#[template(path = "portal_receipt.html")]
struct ReceiptPage {
    asset_version: &'static str,
    code: String,
    qr_svg: String,
    reference: String,
    received: String,
    unit: String,
    kind: &'static str,
    files: usize,
    sealed: bool,
}

async fn submit(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    if !state.portal_limiter.allow(client(&connect), "submit", state.web.portal_submissions_per_hour) {
        return Ok(too_many());
    }
    let mut values: HashMap<String, String> = HashMap::new();
    let mut uploads: Vec<Upload> = Vec::new();
    let mut errors: HashMap<String, String> = HashMap::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Ok(error_page(
                    StatusCode::BAD_REQUEST,
                    "Không đọc được nội dung gửi lên (tệp quá lớn hoặc đường truyền bị ngắt). Xin gửi lại.",
                ));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" {
            let file_name = field.file_name().unwrap_or_default().trim().to_owned();
            let Ok(bytes) = field.bytes().await else {
                return Ok(error_page(StatusCode::BAD_REQUEST, "Không đọc được tệp gửi lên. Xin gửi lại."));
            };
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            uploads.push(Upload { file_name: sanitize_file_name(&file_name), bytes: bytes.to_vec() });
        } else if let Ok(text) = field.text().await {
            values.insert(name, text.trim().to_owned());
        }
    }
    if uploads.len() > donthu_files::MAX_FILES {
        errors.insert("files".into(), format!("Chỉ gửi kèm tối đa {} tệp.", donthu_files::MAX_FILES));
    }
    let mut cleaned = Vec::new();
    for u in &uploads {
        match donthu_files::clean(&u.bytes) {
            Ok(c) => cleaned.push(c),
            Err(refusal) => {
                errors.entry("files".into()).or_insert_with(|| refusal.message(&u.file_name));
            }
        }
    }
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| Some(v(k)).filter(|s| !s.is_empty());
    if !matches!(v("commitment").as_str(), "on" | "true") {
        errors.insert("commitment".into(), "Xin xác nhận cam đoan nội dung đơn là trung thực.".into());
    }
    let kind = Kind::from_code(&v("kind"));
    if kind.is_none() {
        errors.insert("kind".into(), "Chọn loại đơn.".into());
    }
    let unit_id = Uuid::parse_str(&v("unit_id")).ok();
    if unit_id.is_none() {
        errors.insert("unit_id".into(), "Chọn cơ quan nhận đơn.".into());
    }
    let cccd = match opt("petitioner.cccd") {
        None => None,
        Some(raw) => match Cccd::parse(&raw) {
            Ok(c) => Some(c),
            Err(e) => {
                errors
                    .insert("petitioner.cccd".into(), e.fields.first().map(|f| f.message.clone()).unwrap_or(e.message));
                None
            }
        },
    };
    let person = Person {
        full_name: v("petitioner.full_name"),
        address: opt("petitioner.address"),
        phone: opt("petitioner.phone"),
        email: opt("petitioner.email"),
        cccd,
    };
    let petitioner = match v("petitioner.type").as_str() {
        "organization" => Petitioner::Organization {
            name: v("petitioner.name"),
            address: opt("petitioner.address"),
            representative: Some(person),
        },
        _ => Petitioner::Individual(person),
    };
    let target = opt("target.name").map(|name| Target {
        kind: TargetKind::from_code(&v("target.kind")).unwrap_or(TargetKind::Body),
        name,
        address: opt("target.address"),
        position: opt("target.position"),
    });
    let today = today();
    let units = portal_units(&state).await?;
    if let (Some(kind), Some(unit_id), true) = (kind, unit_id, errors.is_empty()) {
        let petition = NewPetition {
            unit_id,
            channel: Channel::Online,
            received_on: today,
            written_on: Some(today),
            kind,
            field: Field::Other,
            petitioner,
            signed: true,
            target,
            content: v("content"),
            forwarded_from: None,
            reception: None,
        }
        .normalized();
        match petition.validate(today) {
            Err(e) => {
                for f in e.fields {
                    errors.entry(f.field).or_insert(f.message);
                }
            }
            Ok(()) if !units.iter().any(|u| u.id == unit_id.to_string()) => {
                errors.insert("unit_id".into(), "Chọn cơ quan nhận đơn trong danh sách.".into());
            }
            Ok(()) => {
                return register(&state, &headers, petition, uploads, cleaned, &units).await;
            }
        }
    }
    let page = SubmitPage { asset_version: super::ASSET_VERSION, values, errors, units };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() { "tep-dinh-kem".into() } else { clean }
}

/// Stores the files (a denunciation's sealed, as everything that may identify the
/// denouncer), then registers the petition with its tracking code and attachments in
/// one transaction, and shows the receipt.
async fn register(
    state: &AppState,
    headers: &HeaderMap,
    petition: NewPetition,
    uploads: Vec<Upload>,
    cleaned: Vec<donthu_files::Cleaned>,
    units: &[UnitOption],
) -> Result<Response, PageError> {
    let sealed = petition.kind == Kind::Denunciation;
    let now = Utc::now();
    let mut attachments = Vec::new();
    for (upload, copy) in uploads.iter().zip(&cleaned) {
        let content_type = copy.file_type.content_type();
        // The copy officials work on, without metadata.
        attachments.push(store_file(state, &upload.file_name, content_type, &copy.bytes, sealed, now).await?);
        // The original as received, always sealed: it may carry who and where.
        let original_name = format!("Bản gốc – {}", upload.file_name);
        attachments.push(store_file(state, &original_name, content_type, &upload.bytes, true, now).await?);
    }
    let code = new_tracking_code();
    let kind = petition.kind;
    let unit_id = petition.unit_id;
    let intake = Intake {
        petition,
        case_id: None,
        recorded_by: None,
        tracking_digest: Some(tracking_digest(&code)),
        attachments,
        idempotency: None,
    };
    let registered = state.store.register(intake, now).await?;
    let p = state.store.petition(registered.petition_id, &Scope::All).await?.ok_or(PageError::NotFound)?;
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if headers.get("x-forwarded-proto").is_some_and(|v| v == "https") { "https" } else { "http" };
    let url = format!("{scheme}://{host}/cong-dan/tra-cuu?ma={code}");
    let page = ReceiptPage {
        asset_version: super::ASSET_VERSION,
        qr_svg: qr_svg(&url),
        reference: p.reference.to_string(),
        received: dmy(p.received_on),
        unit: units.iter().find(|u| u.id == unit_id.to_string()).map(|u| u.name.clone()).unwrap_or_default(),
        kind: kind.label(),
        files: cleaned.len(),
        sealed,
        code,
    };
    Ok(render(StatusCode::CREATED, &page))
}

/// Puts a file in the blob store — sealed when it may identify a denouncer — and
/// returns its attachment record (the store sets the petition).
pub(crate) async fn store_file(
    state: &AppState,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    sealed: bool,
    now: chrono::DateTime<Utc>,
) -> Result<Attachment, PageError> {
    let id = Uuid::new_v4();
    let (stored, name, stored_type) = if sealed {
        let s = state.sealer.seal_document(id, file_name, content_type, bytes);
        (s, donthu_store::rows::SEALED_DOCUMENT_NAME.to_owned(), "application/octet-stream".to_owned())
    } else {
        (bytes.to_vec(), file_name.to_owned(), content_type.to_owned())
    };
    let sha256 = state.blobs.put(&stored).await.map_err(|e| PageError::Internal(format!("blob store: {e}")))?;
    Ok(Attachment {
        id,
        petition_id: Uuid::nil(),
        file_name: name,
        content_type: stored_type,
        size_bytes: stored.len() as i64,
        sha256,
        uploaded_at: now,
        sealed,
    })
}

/// The QR code of `text` as inline SVG (dark modules on white).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code.render::<qrcode::render::svg::Color>().min_dimensions(180, 180).quiet_zone(true).build(),
        Err(_) => String::new(),
    }
}

#[derive(Deserialize, Default)]
struct TrackQuery {
    ma: Option<String>,
}

pub struct Step {
    pub label: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "portal_track.html")]
struct TrackPage {
    asset_version: &'static str,
    code: String,
    error: Option<String>,
    found: Option<TrackResult>,
}

pub struct TrackResult {
    pub reference: String,
    pub received: String,
    pub unit: String,
    pub kind: &'static str,
    pub headline: String,
    pub steps: Vec<Step>,
}

async fn track(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    Query(q): Query<TrackQuery>,
) -> Result<Response, PageError> {
    lookup(&state, &connect, q.ma.unwrap_or_default()).await
}

#[derive(Deserialize)]
struct TrackForm {
    #[serde(default)]
    ma: String,
}

async fn track_form(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    axum::Form(form): axum::Form<TrackForm>,
) -> Result<Response, PageError> {
    lookup(&state, &connect, form.ma).await
}

async fn lookup(
    state: &AppState,
    connect: &Option<Extension<ConnectInfo<SocketAddr>>>,
    code: String,
) -> Result<Response, PageError> {
    let code = code.trim().to_owned();
    let mut page = TrackPage { asset_version: super::ASSET_VERSION, code: code.clone(), error: None, found: None };
    if code.is_empty() {
        return Ok(render(StatusCode::OK, &page));
    }
    if !state.portal_limiter.allow(client(connect), "lookup", state.web.portal_lookups_per_hour) {
        return Ok(too_many());
    }
    let Some(id) = state.store.tracked_petition(&tracking_digest(&code)).await? else {
        page.error = Some("Không tìm thấy đơn với mã này. Xin kiểm tra lại mã trên giấy biên nhận.".into());
        return Ok(render(StatusCode::NOT_FOUND, &page));
    };
    let p = state.store.petition(id, &Scope::All).await?.ok_or(PageError::NotFound)?;
    let units = super::UnitNames::load(state).await?;
    let forwardings = state.store.forwardings(id).await?;
    let forwarded_to = forwardings
        .iter()
        .rev()
        .find(|f| !f.chase_up)
        .map(|f| (f.to_unit_id.map(|u| units.name(u)).or(f.to_body.clone()).unwrap_or_default(), f.forwarded_on));
    page.found = Some(citizen_view(&p, &units.name(p.unit_id), forwarded_to));
    Ok(render(StatusCode::OK, &page))
}

/// What a citizen is told about their petition: where it is, never who handles it or
/// what was written inside the office.
fn citizen_view(
    p: &donthu_store::model::Petition,
    unit: &str,
    forwarded_to: Option<(String, chrono::NaiveDate)>,
) -> TrackResult {
    use Status::*;
    let received = format!("Đã tiếp nhận ngày {}", dmy(p.received_on));
    let (headline, stage) = match p.status {
        Received | Classified | Proposed => ("Đơn đã được tiếp nhận và đang được phân loại, xử lý.".to_owned(), 1),
        Accepted | Verifying | TemporarilySuspended => ("Đơn đã được thụ lý và đang được giải quyết.".to_owned(), 2),
        Concluded | Enforcing | Closed => (
            match p.process.outcome {
                Some(o) => format!("Đã có kết quả giải quyết: {}.", o.label()),
                None => "Đã có kết quả giải quyết.".to_owned(),
            },
            3,
        ),
        Forwarded => match &forwarded_to {
            Some((to, on)) => {
                (format!("Đơn đã được chuyển đến {to} ngày {} để giải quyết theo thẩm quyền.", dmy(*on)), 3)
            }
            None => ("Đơn đã được chuyển đến cơ quan có thẩm quyền giải quyết.".to_owned(), 3),
        },
        Guided => ("Cơ quan đã có văn bản hướng dẫn bạn gửi đơn đến đúng cơ quan có thẩm quyền.".to_owned(), 3),
        Returned => ("Đơn đã được trả lại kèm văn bản nêu lý do.".to_owned(), 3),
        Archived => ("Đơn đã được lưu theo quy định (không đủ điều kiện xử lý hoặc trùng nội dung).".to_owned(), 3),
        ChasedUp => ("Cơ quan đã đôn đốc cơ quan có thẩm quyền giải quyết đơn.".to_owned(), 2),
        Refused => ("Cơ quan đã có thông báo không thụ lý đơn, nêu rõ lý do.".to_owned(), 3),
        Suspended => ("Việc giải quyết đã được đình chỉ theo quy định.".to_owned(), 3),
        Withdrawn => ("Đơn đã được rút theo yêu cầu của người gửi.".to_owned(), 3),
        Split => ("Đơn có nhiều nội dung đã được tách để xử lý theo từng nội dung.".to_owned(), 2),
    };
    let labels = [received, "Phân loại, xử lý đơn".to_owned(), "Giải quyết".to_owned(), "Có kết quả".to_owned()];
    let steps = labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| Step {
            label,
            state: match i.cmp(&stage) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            },
        })
        .collect();
    TrackResult {
        reference: p.reference.to_string(),
        received: dmy(p.received_on),
        unit: unit.to_owned(),
        kind: p.kind.label(),
        headline,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_carry_160_random_bits_and_read_back_loosely() {
        let code = new_tracking_code();
        assert_eq!(code.len(), 32 + 7, "{code}");
        assert_ne!(code, new_tracking_code());
        let typed = code.replace('-', " ").to_lowercase();
        assert_eq!(tracking_digest(&typed), tracking_digest(&code));
        assert_eq!(tracking_digest("ABCO-1"), tracking_digest("abc0 i"));
        assert_ne!(tracking_digest(&code), tracking_digest(&new_tracking_code()));
    }

    #[test]
    fn the_limiter_counts_per_client_and_purpose() {
        let limiter = RateLimiter::default();
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        assert!(limiter.allow(a, "submit", 2) && limiter.allow(a, "submit", 2));
        assert!(!limiter.allow(a, "submit", 2));
        assert!(limiter.allow(b, "submit", 2));
        assert!(limiter.allow(a, "lookup", 2));
    }

    #[test]
    fn uploaded_names_lose_their_paths() {
        assert_eq!(sanitize_file_name("C:\\Users\\an\\don.pdf"), "don.pdf");
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name(""), "tep-dinh-kem");
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("http://localhost/cong-dan/tra-cuu?ma=ABCD");
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
