//! The officials' pages and the portal, black-box over HTTP: sign-in, sessions, CSRF,
//! lockout, scope, and the portal's tracking codes. Each protection has a test that
//! fails if the protection is removed.

mod support;

use donthu_store::contract;
use donthu_store::model::{PetitionFilter, Scope};
use donthu_web::pages::session::WebConfig;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};
use std::collections::BTreeMap;
use support::{App, PASSWORD, png_with_text, spawn};

/// A browser without JavaScript: keeps cookies, never follows redirects.
struct Client {
    http: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
    headers: Vec<(&'static str, &'static str)>,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> &str {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Client {
    fn new(app: &App) -> Client {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Client { http, base: app.base.clone(), cookies: BTreeMap::new(), headers: Vec::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Reply {
        let mut req = req.header("cookie", self.cookie_header());
        for (k, v) in &self.headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for c in headers.get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Reply { status, headers, body: res.text().await.unwrap() }
    }

    async fn get(&mut self, path: &str) -> Reply {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let req = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(req).await
    }

    async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        let page = self.get("/dang-nhap").await;
        let csrf = csrf_of(&page.body);
        self.post("/dang-nhap", &[("_csrf", &csrf), ("username", username), ("password", password), ("next", "/")])
            .await
    }

    fn session(&self) -> Option<String> {
        self.cookies.get("donthu_session").cloned()
    }
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a form with a CSRF token") + 20;
    html[at..].split('"').next().unwrap().to_owned()
}

async fn signed_in(app: &App, username: &str) -> Client {
    let mut c = Client::new(app);
    let r = c.sign_in(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    c
}

#[tokio::test]
async fn signing_in_renews_the_session_and_signing_out_ends_it() {
    let app = spawn(WebConfig::default()).await;
    let mut c = Client::new(&app);
    assert_eq!(c.get("/").await.location(), "/dang-nhap?next=/", "not signed in");
    // A session id planted before sign-in (session fixation) is never adopted.
    c.cookies.insert("donthu_session".into(), "planted-by-someone-else".into());
    let r = c.sign_in("lan", PASSWORD).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/"));
    let first = c.session().unwrap();
    assert_ne!(first, "planted-by-someone-else");
    let set_cookie = r.headers.get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    let session_cookie = set_cookie.iter().find(|c| c.starts_with("donthu_session=")).unwrap();
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"), "{session_cookie}");
    assert!(!session_cookie.contains("Secure"), "plain HTTP");
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    // Signing in again issues a new session and ends the old one.
    c.sign_in("lan", PASSWORD).await;
    let second = c.session().unwrap();
    assert_ne!(first, second);
    let mut stale = Client::new(&app);
    stale.cookies.insert("donthu_session".into(), first);
    assert!(stale.get("/").await.location().starts_with("/dang-nhap"), "the old session is gone");
    // Behind an HTTPS proxy the cookie is Secure.
    let mut secure = Client::new(&app);
    secure.headers.push(("x-forwarded-proto", "https"));
    let r = secure.sign_in("lan", PASSWORD).await;
    let cookie = r
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("donthu_session="))
        .unwrap()
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    // Signing out ends the session on the server, not only in the browser.
    let page = c.get("/").await;
    let csrf = csrf_of(&page.body);
    let out = c.post("/dang-xuat", &[("_csrf", &csrf)]).await;
    assert_eq!(out.location(), "/dang-nhap");
    let mut replay = Client::new(&app);
    replay.cookies.insert("donthu_session".into(), second);
    assert!(replay.get("/").await.location().starts_with("/dang-nhap"));
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_then_the_client() {
    let config = WebConfig { account_failures: 3, client_failures: 5, ..Default::default() };
    let app = spawn(config).await;
    let mut c = Client::new(&app);
    let wrong = c.sign_in("lan", "sai mật khẩu").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    assert!(c.session().is_none());
    let unknown = c.sign_in("khong-ton-tai", "x").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "an unknown name answers like a wrong password");
    c.sign_in("lan", "sai lần 2").await;
    c.sign_in("lan", "sai lần 3").await;
    let locked = c.sign_in("lan", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "the right password is refused while locked");
    assert!(locked.body.contains("tạm khóa"));
    assert!(c.session().is_none());
    // Another account from the same client still works until the client's limit...
    assert_eq!(c.sign_in("hung", PASSWORD).await.status, StatusCode::SEE_OTHER);
    c.sign_in("hung", "sai").await;
    // ...which five failures from this client have now reached, for every account.
    let mut same_client = Client::new(&app);
    assert_eq!(same_client.sign_in("mai", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused_and_write_nothing() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let id = contract::register(s, &app.world.officer, contract::complaint(&app.world.internal_affairs)).await;
    let mut c = signed_in(&app, "lan").await;
    let path = format!("/don/{id}/lenh");
    let classify = [("action", "classify"), ("kind", "complaint"), ("field", "admin_land"), ("complexity", "normal")];
    let events_before = s.events(id).await.unwrap().len();
    let missing = c.post(&path, &classify).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("CSRF"));
    let mut forged = classify.to_vec();
    forged.push(("_csrf", "forged-token"));
    assert_eq!(c.post(&path, &forged).await.status, StatusCode::FORBIDDEN);
    // A token of another session does not do either.
    let other = signed_in(&app, "lan").await;
    let mut other = other;
    let other_token = csrf_of(&other.get(&format!("/don/{id}")).await.body);
    let mut cross = classify.to_vec();
    cross.push(("_csrf", &other_token));
    assert_eq!(c.post(&path, &cross).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.events(id).await.unwrap().len(), events_before, "nothing written");
    // With its own token the same form goes through.
    let token = csrf_of(&c.get(&format!("/don/{id}")).await.body);
    let mut good = classify.to_vec();
    good.push(("_csrf", &token));
    let ok = c.post(&path, &good).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(s.events(id).await.unwrap().len(), events_before + 1);
    // htmx sends the token as a header.
    let req = c
        .http
        .post(format!("{}/tiep-nhan/goi-y", c.base))
        .header("x-csrf-token", token.clone())
        .form(&[("content", "x")]);
    assert_eq!(c.send(req).await.status, StatusCode::OK);
    let req =
        c.http.post(format!("{}/tiep-nhan/goi-y", c.base)).header("x-csrf-token", "nope").form(&[("content", "x")]);
    assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);
    // The sign-in form has its own token (double submit): without the cookie it is refused.
    let mut fresh = Client::new(&app);
    let r = fresh.post("/dang-nhap", &[("_csrf", "abc"), ("username", "lan"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(fresh.session().is_none());
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_the_absolute_limit() {
    let app = spawn(WebConfig::default()).await;
    let now = chrono::Utc::now();
    let digest = |v: &str| donthu_web::auth::token_digest(v);
    let s = &*app.store;
    s.create_web_session(&digest("idle"), app.world.officer.id, "t1", now - chrono::Duration::hours(1)).await.unwrap();
    s.create_web_session(&digest("old"), app.world.officer.id, "t2", now - chrono::Duration::hours(13)).await.unwrap();
    s.touch_web_session(&digest("old"), now).await.unwrap();
    s.create_web_session(&digest("fresh"), app.world.officer.id, "t3", now - chrono::Duration::minutes(5))
        .await
        .unwrap();
    for (cookie, ok) in [("idle", false), ("old", false), ("fresh", true)] {
        let mut c = Client::new(&app);
        c.cookies.insert("donthu_session".into(), cookie.into());
        let r = c.get("/").await;
        if ok {
            assert_eq!(r.status, StatusCode::OK, "{cookie}");
        } else {
            assert_eq!(r.location(), "/dang-nhap?next=/&het_han=1", "{cookie}");
            assert!(s.web_session(&digest(cookie)).await.unwrap().is_none(), "an expired session is deleted");
        }
    }
}

#[tokio::test]
async fn changing_the_password_signs_out_everywhere_else() {
    let app = spawn(WebConfig::default()).await;
    let mut here = signed_in(&app, "lan").await;
    let mut elsewhere = signed_in(&app, "lan").await;
    let token = csrf_of(&here.get("/tai-khoan").await.body);
    let bad = here
        .post(
            "/tai-khoan",
            &[
                ("_csrf", &token),
                ("current", "sai"),
                ("new_password", "mot-mat-khau-moi"),
                ("confirm", "mot-mat-khau-moi"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Mật khẩu hiện tại không đúng."));
    let short = here
        .post("/tai-khoan", &[("_csrf", &token), ("current", PASSWORD), ("new_password", "ngan"), ("confirm", "ngan")])
        .await;
    assert!(short.body.contains("ít nhất 10 ký tự"));
    let ok = here
        .post(
            "/tai-khoan",
            &[
                ("_csrf", &token),
                ("current", PASSWORD),
                ("new_password", "mot-mat-khau-moi"),
                ("confirm", "mot-mat-khau-moi"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(elsewhere.get("/").await.location().starts_with("/dang-nhap"), "the other browser is signed out");
    let page = here.get(ok.location()).await;
    assert_eq!(page.status, StatusCode::OK, "this browser stays signed in");
    assert!(page.body.contains("Đã đổi mật khẩu"));
    let mut again = Client::new(&app);
    assert_eq!(again.sign_in("lan", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.sign_in("lan", "mot-mat-khau-moi").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn another_units_item_is_not_found_and_never_listed() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let theirs = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let reference = s.petition(theirs, &Scope::All).await.unwrap().unwrap().reference.to_string();
    let mut c = signed_in(&app, "mai").await;
    for path in [
        format!("/don/{theirs}"),
        format!("/vu-viec/{}", s.petition(theirs, &Scope::All).await.unwrap().unwrap().case_id),
    ] {
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("Không tìm thấy"));
        assert!(!r.body.contains(&reference));
    }
    for path in ["/", "/tra-cuu?q=thu+hoi+dat", &format!("/tra-cuu?q={reference}")] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(&theirs.to_string()), "{path}");
        assert!(r.body.contains("Không có đơn nào"), "{path}: counts show nothing either");
    }
    let token = csrf_of(&c.get("/").await.body);
    let r = c
        .post(
            &format!("/don/{theirs}/lenh"),
            &[("_csrf", &token), ("action", "classify"), ("kind", "complaint"), ("field", "admin_land")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Their own officer finds it, with and without diacritics.
    let mut own = signed_in(&app, "lan").await;
    for q in ["thu+hoi+dat", "thu+h%E1%BB%93i+%C4%91%E1%BA%A5t"] {
        let r = own.get(&format!("/tra-cuu?q={q}")).await;
        assert!(r.body.contains(&reference), "{q}");
        assert!(r.body.contains("<mark>"), "{q}: matches are highlighted");
    }
}

#[tokio::test]
async fn pages_speak_vietnamese_with_vietnamese_dates_and_safe_headers() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let id = contract::register(s, &app.world.officer, contract::complaint(&app.world.internal_affairs)).await;
    let mut c = signed_in(&app, "lan").await;
    let list = c.get("/").await;
    assert!(list.body.contains("Việc cần làm") && list.body.contains("16/11/2026"), "received 16/11/2026");
    assert!(list.body.contains("đơn quá hạn") && list.body.contains("đơn được giao cho tôi"), "the summary");
    for han in ["qua-han", "sap-den-han"] {
        assert_eq!(c.get(&format!("/?han={han}")).await.status, StatusCode::OK);
    }
    let csp = list.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    let page = c.get(&format!("/don/{id}")).await;
    assert!(page.body.contains("Quá trình xử lý") && page.body.contains("Tiếp nhận đơn"));
    assert!(page.body.contains("Thời hạn"), "deadlines with their explanation");
    assert!(page.body.contains("Cách tính"));
    let missing = c.get("/khong-co-trang-nay").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Không tìm thấy trang này."));
}

#[tokio::test]
async fn an_intake_with_mistakes_shows_each_error_next_to_its_field() {
    let app = spawn(WebConfig::default()).await;
    let mut c = signed_in(&app, "lan").await;
    let token = csrf_of(&c.get("/tiep-nhan").await.body);
    let unit = app.world.internal_affairs.id.to_string();
    let r = c
        .post(
            "/tiep-nhan",
            &[
                ("_csrf", &token),
                ("channel", "post"),
                ("unit_id", &unit),
                ("received_on", "2099-01-01"),
                ("kind", "complaint"),
                ("field", "admin_land"),
                ("petitioner.type", "individual"),
                ("petitioner.full_name", "Nguyễn Văn Bình"),
                ("petitioner.cccd", "12345"),
                ("content", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["Ngày nhận đơn không được sau ngày hôm nay.", "Số căn cước không hợp lệ", "nội dung đơn"]
    {
        assert!(r.body.contains(message), "{message}");
    }
    assert!(r.body.contains("value=\"Nguyễn Văn Bình\""), "what was typed is kept");
    let all = PetitionFilter { limit: 10, ..Default::default() };
    assert_eq!(app.store.count_petitions(&Scope::All, &all).await.unwrap(), 0, "nothing written");
}

#[tokio::test]
async fn a_citizen_submits_online_and_tracks_only_their_petition() {
    let config = WebConfig { portal_lookups_per_hour: 4, ..Default::default() };
    let app = spawn(config).await;
    let http = reqwest::Client::new();
    let form = reqwest::multipart::Form::new()
        .text("kind", "complaint")
        .text("unit_id", app.world.internal_affairs.id.to_string())
        .text("petitioner.type", "individual")
        .text("petitioner.full_name", "Phạm Thị Hồng")
        .text("petitioner.address", "Thôn Bắc, xã Tân Lập")
        .text("petitioner.phone", "0987654321")
        .text("target.name", "UBND xã Tân Lập")
        .text("content", "Khiếu nại việc UBND xã không giải quyết hồ sơ cấp giấy chứng nhận quyền sử dụng đất.")
        .text("commitment", "on")
        .part("files", reqwest::multipart::Part::bytes(png_with_text("Toa do 21.02N")).file_name("anh chup.png"));
    let r = http.post(format!("{}/cong-dan/gui-don", app.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt = r.text().await.unwrap();
    assert!(receipt.contains("Giấy biên nhận") && receipt.contains("<svg"), "a receipt with a QR code");
    let at = receipt.find("id=\"ma-tra-cuu\">").unwrap() + 16;
    let code = receipt[at..].split('<').next().unwrap().to_owned();
    assert_eq!(code.len(), 39, "{code}");
    // The register holds the petition, its clean copy and its sealed original, but not the code.
    let all = PetitionFilter { limit: 10, ..Default::default() };
    let items = app.store.list_petitions(&Scope::All, &all).await.unwrap();
    assert_eq!(items.len(), 1);
    let files = app.store.attachments(items[0].id).await.unwrap();
    assert_eq!(files.len(), 2);
    let copy = files.iter().find(|a| !a.sealed).unwrap();
    assert_eq!((copy.file_name.as_str(), copy.content_type.as_str()), ("anh chup.png", "image/png"));
    let bytes = donthu_store::blob::BlobStore::get(&*app.blobs, &copy.sha256).await.unwrap().unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("Toa do"), "metadata stripped from the officials' copy");
    assert!(files.iter().any(|a| a.sealed), "the original is kept, sealed");
    // Tracking: the status and nothing else.
    let track = |code: String| {
        let http = http.clone();
        let base = app.base.clone();
        async move {
            let r = http.post(format!("{base}/cong-dan/tra-cuu")).form(&[("ma", code)]).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (status, page) = track(code.to_lowercase().replace('-', " ")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Đơn đã được tiếp nhận và đang được phân loại, xử lý."));
    assert!(!page.contains("Phạm Thị Hồng") && !page.contains("UBND xã Tân Lập không giải quyết"), "nothing else");
    let (status, page) = track("0000-0000-0000-0000-0000-0000-0000-0000".into()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Không tìm thấy đơn với mã này"));
    track(code.clone()).await;
    track(code.clone()).await;
    assert_eq!(track(code).await.0, StatusCode::TOO_MANY_REQUESTS, "rate limited");
    // A file that is not a document is refused with the reason, and nothing is written.
    let bad = reqwest::multipart::Form::new()
        .text("kind", "feedback")
        .text("unit_id", app.world.internal_affairs.id.to_string())
        .text("petitioner.full_name", "Lê B")
        .text("content", "Phản ánh")
        .text("commitment", "on")
        .part("files", reqwest::multipart::Part::bytes(b"MZ\x90\0".to_vec()).file_name("virus.exe"));
    let r = http.post(format!("{}/cong-dan/gui-don", app.base)).multipart(bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("không phải PDF, JPG hoặc PNG"));
    assert_eq!(app.store.count_petitions(&Scope::All, &all).await.unwrap(), 1);
}

#[tokio::test]
async fn a_head_approves_proposals_in_bulk() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let id = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
        contract::exec(s, &w.officer, id, contract::classify(donthu_core::petition::Kind::Complaint)).await;
        contract::exec(s, &w.officer, id, contract::propose(donthu_core::process::Handling::Accept, None)).await;
        ids.push(id);
    }
    let mut officer = signed_in(&app, "lan").await;
    let list = officer.get("/?tab=cho-duyet").await;
    assert!(!list.body.contains("Duyệt các đề xuất đã chọn"), "an officer cannot approve");
    let mut head = signed_in(&app, "hung").await;
    let list = head.get("/?tab=cho-duyet").await;
    assert!(list.body.contains("Chờ lãnh đạo duyệt (2)"));
    let token = csrf_of(&list.body);
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    let r = head.post("/duyet", &[("_csrf", &token), ("id", &a), ("id", &b)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = head.get(r.location()).await;
    assert!(after.body.contains("Đã duyệt 2 đề xuất"), "{}", after.body);
    for id in ids {
        assert_eq!(s.petition(id, &Scope::All).await.unwrap().unwrap().status, donthu_core::process::Status::Accepted);
    }
}

#[tokio::test]
async fn an_administrator_manages_units_officials_and_the_calendar() {
    let app = spawn(WebConfig::default()).await;
    let mut officer = signed_in(&app, "lan").await;
    for path in ["/quan-tri/don-vi", "/quan-tri/can-bo", "/quan-tri/lich", "/quan-tri/thoi-han"] {
        assert_eq!(officer.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(!officer.get("/").await.body.contains("href=\"/quan-tri\""), "no admin menu for officers");
    let mut admin = signed_in(&app, "quantri").await;
    let page = admin.get("/quan-tri/don-vi").await;
    assert!(page.body.contains("Ban Nội chính Tỉnh ủy"));
    let token = csrf_of(&page.body);
    let r = admin
        .post(
            "/quan-tri/don-vi",
            &[
                ("_csrf", &token),
                ("code", "XA-MOI"),
                ("name", "UBND xã Mới"),
                ("kind", "commune"),
                ("parent_code", "TU"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let dup = admin
        .post("/quan-tri/don-vi", &[("_csrf", &token), ("code", "XA-MOI"), ("name", "Trùng mã"), ("kind", "commune")])
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new_unit = app.store.units().await.unwrap().into_iter().find(|u| u.code.as_str() == "XA-MOI").unwrap();
    // A new official with a role there, who can then sign in.
    let r = admin
        .post(
            "/quan-tri/can-bo",
            &[
                ("_csrf", &token),
                ("username", "moi"),
                ("full_name", "Ngô Văn Mới"),
                ("password", "mat-khau-ban-dau"),
                ("unit_id", &new_unit.id.to_string()),
                ("role", "officer"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut newcomer = Client::new(&app);
    assert_eq!(newcomer.sign_in("moi", "mat-khau-ban-dau").await.status, StatusCode::SEE_OTHER);
    // Add the head role, then lock the account: its session ends.
    let moi = app.store.users().await.unwrap().into_iter().find(|u| u.username == "moi").unwrap();
    let r = admin
        .post(
            &format!("/quan-tri/can-bo/{}/vai-tro", moi.id),
            &[("_csrf", &token), ("change", "add"), ("unit_id", &new_unit.id.to_string()), ("role", "head")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.user(moi.id).await.unwrap().unwrap().roles.len(), 2);
    admin.post(&format!("/quan-tri/can-bo/{}/trang-thai", moi.id), &[("_csrf", &token), ("active", "false")]).await;
    assert!(newcomer.get("/").await.location().starts_with("/dang-nhap"), "a locked account is signed out");
    // A local day off moves the open deadlines and says so.
    let id =
        contract::register(&*app.store, &app.world.officer, contract::complaint(&app.world.internal_affairs)).await;
    let due_before = app.store.deadlines(id).await.unwrap()[0].due_on.unwrap();
    let r = admin
        .post(
            "/quan-tri/lich",
            &[
                ("_csrf", &token),
                ("date", &due_before.format("%d/%m/%Y").to_string()),
                ("kind", "off"),
                ("reason", "Nghỉ theo Quyết định số 12/QĐ-UBND"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get(r.location()).await;
    assert!(page.body.contains("1 thời hạn đang chạy đã được tính lại"), "{}", page.body);
    assert!(page.body.contains("Nghỉ theo Quyết định số 12/QĐ-UBND"));
    assert!(app.store.deadlines(id).await.unwrap()[0].due_on.unwrap() > due_before);
    let rules = admin.get("/quan-tri/thoi-han").await;
    assert!(rules.body.contains("complaint.accept") && rules.body.contains("Luật"));
}

#[tokio::test]
async fn the_optional_second_factor_is_asked_once_turned_on() {
    let app = spawn(WebConfig::default()).await;
    let mut c = signed_in(&app, "lan").await;
    let token = csrf_of(&c.get("/tai-khoan").await.body);
    let setup = c.post("/tai-khoan/xac-thuc-hai-lop", &[("_csrf", &token), ("step", "start")]).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(setup.body.contains("<svg"), "a QR code to scan");
    let at = setup.body.find("id=\"khoa-bi-mat\">").unwrap() + 17;
    let secret_text = setup.body[at..].split('<').next().unwrap().to_owned();
    let secret = donthu_web::auth::from_base32(&secret_text).unwrap();
    let now = chrono::Utc::now().timestamp();
    let code = |t: i64| format!("{:06}", donthu_web::auth::totp_code(&secret, donthu_web::auth::totp_step(t)));
    let wrong = c
        .post(
            "/tai-khoan/xac-thuc-hai-lop",
            &[("_csrf", &token), ("step", "confirm"), ("secret", &secret_text), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store.totp_secret(app.world.officer.id).await.unwrap().is_none());
    let on = c
        .post(
            "/tai-khoan/xac-thuc-hai-lop",
            &[("_csrf", &token), ("step", "confirm"), ("secret", &secret_text), ("code", &code(now))],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    let sealed = app.store.totp_secret(app.world.officer.id).await.unwrap().unwrap();
    assert!(!sealed.contains(&secret_text) && !sealed.contains(&hex::encode(&secret)), "stored sealed");
    // Signing in now needs the code: the password alone is not enough.
    let mut other = Client::new(&app);
    let page = other.get("/dang-nhap").await;
    let login = csrf_of(&page.body);
    let r = other.post("/dang-nhap", &[("_csrf", &login), ("username", "lan"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("xác thực hai lớp") && other.session().is_none());
    let login = csrf_of(&r.body);
    let r = other
        .post("/dang-nhap", &[("_csrf", &login), ("username", "lan"), ("password", PASSWORD), ("code", "123456")])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Mã xác thực không đúng"));
    let login = csrf_of(&r.body);
    let r = other
        .post("/dang-nhap", &[("_csrf", &login), ("username", "lan"), ("password", PASSWORD), ("code", &code(now))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(other.session().is_some());
    // Turning it off needs a code too.
    let off = c.post("/tai-khoan/xac-thuc-hai-lop", &[("_csrf", &token), ("step", "off"), ("code", "000000")]).await;
    assert_eq!(off.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = c.post("/tai-khoan/xac-thuc-hai-lop", &[("_csrf", &token), ("step", "off"), ("code", &code(now))]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(app.store.totp_secret(app.world.officer.id).await.unwrap().is_none());
}

#[tokio::test]
async fn a_head_gives_items_to_an_official_who_finds_them_on_their_own_tab() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let a = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let b = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let mut officer = signed_in(&app, "lan").await;
    let page = officer.get("/").await;
    assert!(!page.body.contains("Giao các đơn đã chọn"), "officers do not assign");
    let token = csrf_of(&page.body);
    let refused = officer
        .post("/giao", &[("_csrf", &token), ("id", &a.to_string()), ("assignee", &w.officer.id.to_string())])
        .await;
    let after = officer.get(refused.location()).await;
    assert!(after.body.contains("Không giao được 1 đơn"), "{}", after.body);
    let mut head = signed_in(&app, "hung").await;
    let page = head.get("/").await;
    assert!(page.body.contains("Giao các đơn đã chọn") && page.body.contains("Nguyễn Thị Lan"));
    let token = csrf_of(&page.body);
    let r = head
        .post(
            "/giao",
            &[
                ("_csrf", &token),
                ("id", &a.to_string()),
                ("id", &b.to_string()),
                ("assignee", &w.officer.id.to_string()),
            ],
        )
        .await;
    assert!(head.get(r.location()).await.body.contains("Đã giao 2 đơn cho cán bộ xử lý."));
    let mine = officer.get("/?tab=cua-toi").await;
    assert!(mine.body.contains("Được giao cho tôi (2)") && mine.body.contains("trên tổng số 2"));
    assert!(mine.body.contains("Giao: Nguyễn Thị Lan"));
    // From the petition page: take one back.
    let r = head.post(&format!("/don/{a}/giao"), &[("_csrf", &token), ("assignee", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = head.get(&format!("/don/{a}")).await;
    assert!(page.body.contains("Chưa giao") && page.body.contains("Giao cán bộ xử lý"), "and on the timeline");
    assert!(officer.get("/?tab=cua-toi").await.body.contains("Được giao cho tôi (1)"));
}

#[tokio::test]
async fn a_denunciation_from_the_portal_keeps_the_denouncer_sealed() {
    let app = spawn(WebConfig::default()).await;
    let http = reqwest::Client::new();
    let form = reqwest::multipart::Form::new()
        .text("kind", "denunciation")
        .text("unit_id", app.world.internal_affairs.id.to_string())
        .text("petitioner.full_name", "Vũ Thị Thanh Hương")
        .text("petitioner.address", "Tổ 5, phường Đông")
        .text("petitioner.phone", "0912000111")
        .text("target.kind", "person")
        .text("target.name", "Đinh Văn Quý")
        .text("target.position", "Phó Chủ tịch UBND xã")
        .text("content", "Tố cáo ông Đinh Văn Quý nhận tiền để bố trí tái định cư sai đối tượng.")
        .text("commitment", "on")
        .part("files", reqwest::multipart::Part::bytes(png_with_text("Huong")).file_name("don-viet-tay.png"));
    let r = http.post(format!("{}/cong-dan/gui-don", app.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(r.text().await.unwrap().contains("được niêm phong"));
    let all = PetitionFilter { limit: 10, ..Default::default() };
    let item = app.store.list_petitions(&Scope::All, &all).await.unwrap().pop().unwrap();
    assert!(app.store.attachments(item.id).await.unwrap().iter().all(|a| a.sealed), "every file sealed");
    let mut officer = signed_in(&app, "lan").await;
    for path in ["/".to_owned(), format!("/don/{}", item.id), "/tra-cuu?q=huong".to_owned()] {
        let page = officer.get(&path).await;
        assert!(!page.body.contains("Hương") && !page.body.contains("0912000111"), "{path}");
    }
    let page = officer.get(&format!("/don/{}", item.id)).await;
    assert!(page.body.contains("Danh tính người tố cáo được bảo mật") && page.body.contains("Đinh Văn Quý"));
}

#[tokio::test]
async fn officials_add_documents_to_a_petition() {
    let app = spawn(WebConfig::default()).await;
    let id =
        contract::register(&*app.store, &app.world.officer, contract::complaint(&app.world.internal_affairs)).await;
    let mut c = signed_in(&app, "lan").await;
    let token = csrf_of(&c.get(&format!("/don/{id}")).await.body);
    let file = || {
        reqwest::multipart::Form::new()
            .part("files", reqwest::multipart::Part::bytes(png_with_text("x")).file_name("ban-chup-quyet-dinh.png"))
    };
    let url = format!("{}/don/{id}/tep", c.base);
    let no_token = c.http.post(&url).multipart(file());
    assert_eq!(c.send(no_token).await.status, StatusCode::FORBIDDEN);
    let with_token = c.http.post(format!("{url}?_csrf={token}")).multipart(file());
    let r = c.send(with_token).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let files = app.store.attachments(id).await.unwrap();
    assert_eq!(files.iter().map(|a| a.file_name.as_str()).collect::<Vec<_>>(), ["ban-chup-quyet-dinh.png"]);
    let page = c.get(&format!("/don/{id}")).await;
    assert!(page.body.contains("Đã thêm 1 tệp.") || page.body.contains("ban-chup-quyet-dinh.png"));
    let download = c.get(&format!("/don/{id}/tep/{}", files[0].id)).await;
    assert_eq!(download.status, StatusCode::OK);
    let exe = reqwest::multipart::Form::new()
        .part("files", reqwest::multipart::Part::bytes(b"MZ".to_vec()).file_name("a.exe"));
    let r = c.send(c.http.post(format!("{url}?_csrf={token}")).multipart(exe)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.attachments(id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_administrator_issues_the_offices_version_of_a_letter() {
    let app = spawn(WebConfig::default()).await;
    let mut officer = signed_in(&app, "lan").await;
    assert_eq!(officer.get("/quan-tri/mau-van-ban").await.status, StatusCode::FORBIDDEN);
    let mut admin = signed_in(&app, "quantri").await;
    let list = admin.get("/quan-tri/mau-van-ban").await;
    assert!(list.body.contains("Phiếu chuyển đơn") && list.body.contains("Mẫu 02/TCD"));
    let page = admin.get("/quan-tri/mau-van-ban/don_doc").await;
    assert!(
        page.body.contains("Nguyễn Văn An") || page.body.contains("UBND xã Tân Lập"),
        "a preview with sample values"
    );
    let token = csrf_of(&page.body);
    let bad = admin
        .post(
            "/quan-tri/mau-van-ban/don_doc",
            &[
                ("_csrf", &token),
                ("effective_from", "01/01/2027"),
                ("title", "V/v đôn đốc"),
                ("body", "Kính gửi {{ten_sai}}."),
                ("recipients", "- Như trên;"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("ten_sai") && bad.body.contains("Kính gửi {{ten_sai}}."), "the error and what was typed");
    assert!(app.store.letter_templates().await.unwrap().is_empty());
    let ok = admin
        .post(
            "/quan-tri/mau-van-ban/don_doc",
            &[
                ("_csrf", &token),
                ("effective_from", "01/01/2027"),
                ("title", "V/v đôn đốc giải quyết đơn số {{so_don}}"),
                ("body", "Kính gửi: {{don_vi_nhan}}.\r\n\r\nĐề nghị báo cáo trước ngày {{han_tra_loi}}."),
                ("recipients", "- Như trên;\r\n- Lưu: VT."),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let saved = app.store.letter_templates().await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].effective_from, chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    assert_eq!(saved[0].name, "Văn bản đôn đốc giải quyết đơn");
    assert!(!saved[0].body.contains('\r'));
    let page = admin.get(ok.location()).await;
    assert!(page.body.contains("Đã lưu mẫu") && page.body.contains("Bản của đơn vị"));
}

#[tokio::test]
async fn letters_are_issued_numbered_and_never_name_a_denouncer_to_others() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let complaint = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let denunciation = contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    let mut c = signed_in(&app, "lan").await;
    let token = csrf_of(&c.get(&format!("/don/{complaint}")).await.body);
    let issue = |id: uuid::Uuid, template: &'static str, format: &'static str| {
        let token = token.clone();
        (
            format!("/don/{id}/van-ban"),
            [
                ("_csrf", token),
                ("template", template.to_owned()),
                ("format", format.to_owned()),
                ("don_vi_nhan", "UBND xã Tân Lập".to_owned()),
                ("han_tra_loi", "10".to_owned()),
                ("nguoi_ky", "Trần Văn Hùng".to_owned()),
                ("chuc_vu_nguoi_ky", "Trưởng ban".to_owned()),
            ],
        )
    };
    let (path, form) = issue(complaint, "phieu_chuyen_don", "pdf");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.post(&path, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get(r.location()).await;
    assert!(page.body.contains("Đã lập văn bản số 1/PC-BNC") && page.body.contains("Ban hành văn bản"));
    let doc = s.documents(complaint).await.unwrap().pop().unwrap();
    let download = c
        .http
        .get(format!("{}/don/{complaint}/tep/{}", c.base, doc.attachment_id))
        .header("cookie", c.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let bytes = download.bytes().await.unwrap();
    let text = donthu_pdf::pdf_text(&bytes).unwrap();
    for expected in [
        "Số: 1/PC-BNC",
        "PHIẾU CHUYỂN ĐƠN",
        "Kính gửi: UBND xã Tân Lập.",
        "Nguyễn Văn An",
        "TRƯỞNG BAN",
        "Trần Văn Hùng",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    // The receipt (02/TCD) lists each document received on its own numbered line.
    let receipt = [
        ("_csrf", token.as_str()),
        ("template", "bien_nhan_02tcd"),
        ("format", "pdf"),
        ("danh_muc_tai_lieu", "Đơn khiếu nại, 02 trang, bản gốc\nQuyết định số 45/QĐ-UBND, 01 trang, bản sao"),
        ("nguoi_ky", "Nguyễn Thị Lan"),
    ];
    assert_eq!(c.post(&format!("/don/{complaint}/van-ban"), &receipt).await.status, StatusCode::SEE_OTHER);
    let doc = s.documents(complaint).await.unwrap().pop().unwrap();
    let file = s.attachments(complaint).await.unwrap().into_iter().find(|a| a.id == doc.attachment_id).unwrap();
    let bytes = donthu_store::blob::BlobStore::get(&*app.blobs, &file.sha256).await.unwrap().unwrap();
    let text = donthu_pdf::pdf_text(&bytes).unwrap();
    assert!(text.contains("GIẤY BIÊN NHẬN") && text.contains("Nguyễn Văn An"), "{text}");
    assert!(text.contains("1. Đơn khiếu nại, 02 trang, bản gốc 2. Quyết định số 45/QĐ-UBND"), "{text}");
    // A denunciation's forwarding slip names no one; the notice to the denouncer is the custodian's.
    for (format, number) in [("docx", "3/PC-BNC"), ("pdf", "4/PC-BNC")] {
        let (path, form) = issue(denunciation, "phieu_chuyen_don", format);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(c.post(&path, &form).await.status, StatusCode::SEE_OTHER);
        let slip = s.documents(denunciation).await.unwrap().pop().unwrap();
        let file = s.attachments(denunciation).await.unwrap().into_iter().find(|a| a.id == slip.attachment_id).unwrap();
        assert!(!file.sealed);
        let bytes = donthu_store::blob::BlobStore::get(&*app.blobs, &file.sha256).await.unwrap().unwrap();
        let text = if format == "docx" {
            donthu_documents::docx::docx_text(&bytes).unwrap()
        } else {
            donthu_pdf::pdf_text(&bytes).unwrap()
        };
        assert!(!text.contains("Bích Ngọc") && !text.contains("079090001234"), "{text}");
        assert!(text.contains("danh tính được giữ bí mật") && text.contains(number), "{format}: {text}");
    }
    let (path, form) = issue(denunciation, "tb_thu_ly_nguoi_to_cao_05", "pdf");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(c.post(&path, &form).await.status, StatusCode::FORBIDDEN);
    let mut custodian = signed_in(&app, "bao").await;
    let token = csrf_of(&custodian.get(&format!("/don/{denunciation}")).await.body);
    let mut form = form.clone();
    form[0] = ("_csrf", &token);
    assert_eq!(custodian.post(&path, &form).await.status, StatusCode::SEE_OTHER);
    let notice = s.documents(denunciation).await.unwrap().pop().unwrap();
    let file = s.attachments(denunciation).await.unwrap().into_iter().find(|a| a.id == notice.attachment_id).unwrap();
    assert!(file.sealed, "a letter naming the denouncer is stored sealed");
    let events = s.events(denunciation).await.unwrap();
    assert!(events.iter().any(|e| e.action == "reveal_identity"), "the custodian's opening is logged");
}

#[tokio::test]
async fn registers_export_to_excel_within_scope_and_without_denouncers() {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    let visit = donthu_core::petition::NewPetition {
        channel: donthu_core::petition::Channel::WalkIn,
        written_on: None,
        reception: Some(donthu_core::petition::Reception {
            form: donthu_core::petition::ReceptionForm::Regular,
            head_in_person: false,
            previously_resolved_by: Some("UBND xã Tân Lập".into()),
        }),
        ..contract::complaint(&w.internal_affairs)
    };
    contract::register(s, &w.officer, visit).await;
    contract::register(s, &w.office_officer, contract::complaint(&w.office)).await;
    let c = signed_in(&app, "lan").await;
    let cells = |bytes: Vec<u8>, sheet: &str| {
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range(sheet).unwrap();
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    let fetch = |path: &'static str| {
        let req = c.http.get(format!("{}{path}", c.base)).header("cookie", c.cookie_header());
        async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
            r.bytes().await.unwrap().to_vec()
        }
    };
    let register = cells(fetch("/xuat/so-theo-doi-don.xlsx").await, "So theo doi don");
    let lines: Vec<&Vec<String>> = register.iter().skip(6).filter(|r| !r[0].is_empty()).collect();
    assert_eq!(lines.len(), 3, "the unit's three petitions, not the other unit's");
    let all_text = register.iter().flatten().cloned().collect::<Vec<_>>().join(" | ");
    assert!(all_text.contains("(bảo mật)") && !all_text.contains("Bích Ngọc"), "no denouncer in the export");
    assert!(all_text.contains("Nguyễn Văn An"));
    let filtered = cells(fetch("/xuat/so-theo-doi-don.xlsx?kind=denunciation").await, "So theo doi don");
    assert_eq!(filtered.iter().skip(6).filter(|r| !r[0].is_empty()).count(), 1, "the filters apply");
    let log = cells(fetch("/xuat/so-tiep-cong-dan.xlsx").await, "So tiep cong dan");
    let visits: Vec<&Vec<String>> = log.iter().skip(7).filter(|r| !r[0].is_empty()).collect();
    assert_eq!(visits.len(), 1, "walk-in visits only");
    assert_eq!(visits[0][7], "UBND xã Tân Lập", "column (8): the body that resolved it before");
    assert_eq!(visits[0][3], "001203012345");
}

/// The hrefs of the links in a page whose address starts with `prefix`, unescaped.
fn links(html: &str, prefix: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix))
        .map(|href| href.replace("&amp;", "&").replace("&#38;", "&").replace("&#x2f;", "/"))
        .collect()
}

#[tokio::test]
async fn statutory_reports_count_within_scope_and_drill_down_to_the_petitions() {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    contract::register(s, &w.office_officer, contract::complaint(&w.office)).await;
    let mut c = signed_in(&app, "hung").await;

    let page = c.get("/bao-cao?bieu=01%2FXLD&ky=year&nam=2026").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN") && page.body.contains("15/12/2025"));
    assert!(page.body.contains("Ban Nội chính Tỉnh ủy"));
    assert!(!page.body.contains("Văn phòng Tỉnh ủy</th>"), "another unit's row is not shown");
    assert!(page.body.contains("✓ Cột 1 = 4 + 5") && !page.body.contains("✗"), "the identities hold");
    // Column 3 (received in the period) of the board's row counts its three letters.
    let all = links(&page.body, "/bao-cao/chi-tiet");
    let received = all.iter().find(|l| l.contains("cot=3&don-vi=")).unwrap_or_else(|| panic!("{all:?}")).clone();
    let list = c.get(&received).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("<span id=\"so-don\">3</span>"), "{}", list.body);
    assert_eq!(list.body.matches("href=\"/don/").count(), 3);
    assert!(list.body.contains("(bảo mật)") && !list.body.contains("Bích Ngọc"), "no denouncer in a drill-down");
    let other_unit = format!("/bao-cao/chi-tiet?bieu=01%2FXLD&ky=year&nam=2026&cot=3&don-vi={}", w.office.id);
    assert_eq!(c.get(&other_unit).await.status, StatusCode::NOT_FOUND);

    let bad = c.get("/bao-cao?bieu=01%2FXLD&ky=month&nam=2026&thang=13").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("Tháng báo cáo phải từ 1 đến 12."));

    let req = c
        .http
        .get(format!("{}/bao-cao/bieu.xlsx?bieu=01%2FXLD&ky=year&nam=2026", c.base))
        .header("cookie", c.cookie_header());
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let range = wb.worksheet_range("01-XLD").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "Biểu số 01/XLD");
    let board = rows.iter().find(|r| r[1] == "Ban Nội chính Tỉnh ủy").expect("the board's row");
    assert_eq!((board[2].as_str(), board[4].as_str()), ("3", "3"), "total and received this period");
    let total = rows.iter().find(|r| r[1] == "Tổng cộng").expect("the total row");
    assert_eq!(total[4], "3");

    // The whole set: every table of the period in one workbook, the same figures.
    let page = c.get("/bao-cao?bieu=01%2FXLD&ky=year&nam=2026").await.body;
    let page = page.replace("&amp;", "&").replace("&#38;", "&").replace("&#x2f;", "/");
    assert!(page.contains("href=\"/bao-cao/bo-bieu.xlsx?bieu=01/XLD&ky=year&nam=2026\""), "the set's link");
    let req =
        c.http.get(format!("{}/bao-cao/bo-bieu.xlsx?ky=year&nam=2026", c.base)).header("cookie", c.cookie_header());
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut set: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(set.sheet_names(), ["01-TCD", "01-XLD", "02-XLD", "03-XLD", "04-XLD", "01-KQGQ", "02-KQGQ"]);
    let same: Vec<Vec<String>> =
        set.worksheet_range("01-XLD").unwrap().rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(same, rows);
}

#[tokio::test]
async fn a_legacy_register_is_checked_then_imported_once_and_only_as_chosen() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let mut c = signed_in(&app, "lan").await;
    let form = c.get("/nhap-du-lieu").await;
    assert!(form.body.contains("Ban Nội chính Tỉnh ủy"));
    let token = csrf_of(&form.body);
    let upload = || {
        reqwest::multipart::Form::new().text("don-vi", w.internal_affairs.id.to_string()).part(
            "tep",
            reqwest::multipart::Part::bytes(donthu_import::sample_register()).file_name("so-don-2019.xlsx"),
        )
    };
    let r = c.send(c.http.post(format!("{}/nhap-du-lieu?_csrf={token}", c.base)).multipart(upload())).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let check_url = r.location().to_owned();
    let check = c.get(&check_url).await;
    assert_eq!(check.status, StatusCode::OK);
    assert!(
        check.body.contains("<strong>2</strong> dòng hợp lệ") && check.body.contains("<strong>3</strong> dòng lỗi")
    );
    assert!(check.body.contains("31/02/2019") && check.body.contains("Đơn khác lạ"), "each bad row is explained");
    // Another session cannot use this upload.
    let mut other = signed_in(&app, "hung").await;
    assert_eq!(other.get(&check_url).await.status, StatusCode::NOT_FOUND);

    let errors = c.http.get(format!("{}{}", c.base, check_url.replace("/kiem-tra?", "/loi.xlsx?")));
    let bytes = errors.header("cookie", c.cookie_header()).send().await.unwrap().bytes().await.unwrap();
    let report = donthu_import::read_sheet(&bytes).unwrap();
    assert!(report.rows.iter().any(|(_, cells)| cells.iter().any(|c| c.to_string().contains("31/02/2019"))));

    let hidden: Vec<(String, String)> = ["tep", "ma", "ten", "don-vi"]
        .iter()
        .map(|k| {
            let at = check.body.find(&format!("name=\"{k}\" value=\"")).unwrap() + k.len() + 15;
            ((*k).to_owned(), check.body[at..].split('"').next().unwrap().to_owned())
        })
        .collect();
    let post = |c: &Client, skip: bool| {
        let mut form: Vec<(String, String)> = hidden.clone();
        form.push(("_csrf".into(), token.clone()));
        if skip {
            form.push(("bo-qua-dong-loi".into(), "on".into()));
        }
        c.http.post(format!("{}/nhap-du-lieu/nhap", c.base)).form(&form)
    };
    let count = || async { s.count_petitions(&donthu_store::model::Scope::All, &Default::default()).await.unwrap() };
    let refused = c.send(post(&c, false)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("chưa nhập đơn nào"));
    assert_eq!(count().await, 0, "nothing is half-imported");
    let done = c.send(post(&c, true)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Đã nhập 2 đơn mới"), "{}", done.body);
    assert_eq!(count().await, 2);
    let again = c.send(post(&c, true)).await;
    assert!(again.body.contains("Đã nhập 0 đơn mới") && again.body.contains("2 đơn đã có"), "{}", again.body);
    assert_eq!(count().await, 2, "re-importing creates nothing new");
    let saved = s.import_mapping(w.internal_affairs.id).await.unwrap().expect("the mapping is kept for the unit");
    assert_eq!(saved["received_on"], "Ngày nhận đơn");
}

#[tokio::test]
async fn the_dashboard_draws_svg_charts_whose_bars_lead_to_the_lists_they_count() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    contract::register(s, &w.office_officer, contract::complaint(&w.office)).await;
    let mut c = signed_in(&app, "hung").await;
    let page = c.get("/tong-quan?ky=year&nam=2026").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<span id=\"tong-so-don\">3</span>"), "only the board's three letters");
    assert!(page.body.contains("<svg class=\"chart\"") && !page.body.contains("<script>"));
    assert!(page.body.contains("<title>Khiếu nại: 2</title>"));
    let bar = links(&page.body, "/tra-cuu?kind=complaint").pop().expect("the complaints bar is a link");
    assert_eq!(bar, "/tra-cuu?kind=complaint&from=2025-12-15&to=2026-12-14");
    let list = c.get(&bar).await;
    assert!(list.body.contains("trên tổng số 2"), "the bar's list holds its two complaints");
    let months = links(&page.body, "/tra-cuu?from=2026-11-01");
    assert_eq!(months, vec!["/tra-cuu?from=2026-11-01&to=2026-11-30"], "November's column");
    assert!(page.body.contains("Tháng 11/2026: 3 đơn nhận"));
    assert!(page.body.contains("Đơn quá hạn"));
}

/// Today in Vietnam, as the server sees it.
fn vietnam_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

fn dmy(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

impl Client {
    /// A file the page links to, with its content type.
    async fn download(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let r =
            self.http.get(format!("{}{path}", self.base)).header("cookie", self.cookie_header()).send().await.unwrap();
        let kind = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        (r.status(), kind, r.bytes().await.unwrap().to_vec())
    }
}

/// Seed 004 over HTTP: the board schedules the secretary's session, proposes cases (a
/// briefing file drawn from the register, a denouncer never named in it), records the
/// session, issues the numbered conclusion notice with tasks, and the commune reports its
/// task done.
#[tokio::test]
async fn a_leaders_session_is_prepared_held_concluded_and_followed_up() {
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let complaint = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let denunciation = contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    let reference = |id| async move { s.petition(id, &Scope::All).await.unwrap().unwrap().reference.to_string() };
    let today = vietnam_today();
    let mut lan = signed_in(&app, "lan").await;
    let page = lan.get("/tiep-dan").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_of(&page.body);
    let (bnc, tu) = (w.internal_affairs.id.to_string(), w.province.id.to_string());
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("don_vi", bnc.as_str()),
        ("don_vi_chu_tri", tu.as_str()),
        ("cap", "provincial_party_secretary"),
        ("host_name", ""),
        ("host_title", "Bí thư Tỉnh ủy"),
        ("hinh_thuc", "periodic"),
        ("place", "Trụ sở Tiếp công dân tỉnh"),
    ];
    let date = dmy(today);
    form.push(("ngay", &date));
    let refused = lan.post("/tiep-dan", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Chưa nhập họ tên người chủ trì."), "the error is next to its field");
    form[4].1 = "Nguyễn Văn Bình";
    let scheduled = lan.post("/tiep-dan", &form).await;
    assert_eq!(scheduled.status, StatusCode::SEE_OTHER, "{}", scheduled.body);
    let session = scheduled.location().split('?').next().unwrap().to_owned();
    let list = lan.get("/tiep-dan").await;
    let duty =
        list.body.split("<tr").find(|r| r.contains("<td>Tỉnh ủy</td>")).expect("the secretary's duty is followed");
    assert!(duty.contains("Bí thư Tỉnh ủy") && duty.contains("1 ngày/tháng"), "{duty}");

    let (r1, r2) = (reference(complaint).await, reference(denunciation).await);
    let unknown = lan
        .post(&format!("{session}/de-xuat"), &[("_csrf", &csrf), ("so_don", "999/2026/BNC"), ("de_xuat", "x")])
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Không tìm thấy đơn số"));
    for r in [&r1, &r2] {
        let proposal =
            "Công dân chưa đồng ý với kết quả giải quyết; đề xuất đồng chí Bí thư chỉ đạo tổ chức đối thoại.";
        let ok =
            lan.post(&format!("{session}/de-xuat"), &[("_csrf", &csrf), ("so_don", r), ("de_xuat", proposal)]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    }
    let twice = lan.post(&format!("{session}/de-xuat"), &[("_csrf", &csrf), ("so_don", &r1), ("de_xuat", "x")]).await;
    assert!(twice.body.contains("đã được đề xuất"), "{}", twice.body);

    let file = lan.get(&session).await;
    let briefings = links(&file.body, &format!("{session}/ho-so/"));
    assert_eq!(briefings.len(), 2);
    for b in &briefings {
        let (status, kind, pdf) = lan.download(b).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
        let text = donthu_pdf::pdf_text(&pdf).unwrap();
        assert!(text.contains("BÁO CÁO") && text.contains("QUÁ TRÌNH XỬ LÝ, GIẢI QUYẾT"), "{text}");
        assert!(text.contains("Tiếp nhận đơn") && text.contains("Đề xuất lãnh đạo tiếp công dân"), "{text}");
        assert!(!text.contains("Bích Ngọc") && !text.contains("079090001234"), "no denouncer in a briefing");
    }

    let held = lan
        .post(
            &format!("{session}/ghi-nhan"),
            &[
                ("_csrf", &csrf),
                ("held_on", &date),
                ("tham_du", "in_person"),
                ("citizens", "2"),
                ("record", "Đồng chí Bí thư trực tiếp tiếp hai công dân."),
            ],
        )
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.body);
    let due = dmy(today + chrono::Duration::days(10));
    let (commune, office) = (w.commune.id.to_string(), w.office.id.to_string());
    let concluded = lan
        .post(
            &format!("{session}/ket-luan"),
            &[
                ("_csrf", &csrf),
                ("conclusion", "Giao UBND xã Tân Lập tổ chức đối thoại với công dân."),
                ("task_0_unit", &commune),
                ("task_0_case", &complaint.to_string()),
                ("task_0", "Tổ chức đối thoại, trả lời công dân bằng văn bản"),
                ("task_0_due", &due),
                ("task_1_unit", &office),
                ("task_1", "Theo dõi, tổng hợp kết quả thực hiện"),
                ("task_1_due", &due),
                ("chuc_vu_nguoi_ky", "TRƯỞNG BAN"),
                ("nguoi_ky", "Trần Văn Hùng"),
            ],
        )
        .await;
    assert_eq!(concluded.status, StatusCode::SEE_OTHER, "{}", concluded.body);
    assert!(concluded.location().contains("1/TB-BNC"), "{}", concluded.location());
    let file = lan.get(&session).await;
    assert!(file.body.contains("Đã ban hành thông báo kết luận") && file.body.contains("Thông báo số 1/TB-BNC"));
    let notice = links(&file.body, &format!("{session}/thong-bao/")).pop().expect("the notice is linked");
    let text = donthu_pdf::pdf_text(&lan.download(&notice).await.2).unwrap();
    assert!(text.contains("THÔNG BÁO") && text.contains("Số: 1/TB-BNC"), "{text}");
    assert!(text.contains("Giao UBND xã Tân Lập") && text.contains(&format!("trước ngày {due}")), "{text}");
    assert!(text.contains("Nơi nhận") && text.contains("Văn phòng Tỉnh ủy;"), "{text}");
    let timeline = s.events(complaint).await.unwrap();
    assert!(timeline.iter().any(|e| e.action == "reception_conclusion"));

    // The commune reports its task; the board sees it done.
    let mut tam = signed_in(&app, "tam").await;
    let worklist = tam.get("/").await;
    assert!(worklist.body.contains("<b>1</b>nhiệm vụ theo kết luận tiếp công dân"), "the task is on the worklist");
    let tasks = tam.get("/nhiem-vu").await;
    assert!(tasks.body.contains("Tổ chức đối thoại, trả lời công dân bằng văn bản"));
    assert!(!tasks.body.contains("Theo dõi, tổng hợp kết quả thực hiện"), "only the commune's task");
    let action = tasks.body.split("action=\"/nhiem-vu/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let done = tam
        .post(
            &format!("/nhiem-vu/{action}"),
            &[("_csrf", &csrf_of(&tasks.body)), ("result", "Đã đối thoại, trả lời công dân.")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let file = lan.get(&session).await;
    assert!(
        file.body.contains(&format!("Đã hoàn thành ngày {date}"))
            && file.body.contains("Đã đối thoại, trả lời công dân.")
    );
    assert_eq!(tam.get(&session).await.status, StatusCode::NOT_FOUND, "the commune does not see the board's file");
}

/// Seed 000 over HTTP: the Party office forwards three items to the board, which never
/// acknowledges them; the responsibility view lists the board to chase and its head to
/// consider, and the office issues the chase-up letters in one step.
#[tokio::test]
async fn units_that_never_answer_are_listed_and_chased_up_in_one_step() {
    use donthu_core::process::{Command, Handling};
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let mut forwarded = Vec::new();
    for _ in 0..3 {
        let id = contract::register(s, &w.office_officer, contract::complaint(&w.office)).await;
        contract::exec(s, &w.office_officer, id, contract::classify(donthu_core::petition::Kind::Complaint)).await;
        contract::exec(s, &w.office_officer, id, contract::propose(Handling::Forward, Some(w.internal_affairs.id)))
            .await;
        contract::exec(s, &w.office_head, id, Command::Approve { note: None }).await;
        forwarded.push(id);
    }
    let period = "/trach-nhiem?ky=custom&tu=01%2F11%2F2026&den=30%2F11%2F2026";
    let mut leader = signed_in(&app, "quang").await;
    let page = leader.get(period).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("data-unit=\"{}\"", w.internal_affairs.id)), "the board has a row");
    assert!(page.body.contains("3 đơn được chuyển đến quá hạn thông báo thụ lý hoặc báo cáo kết quả"));
    assert!(page.body.contains("Trần Văn Hùng"), "the head whose responsibility is raised");
    assert!(
        page.body.contains("Văn bản đôn đốc do đơn vị đã chuyển đơn lập và ký"),
        "the leader sees, the office signs"
    );
    assert!(!page.body.contains("name=\"chon\""));

    let mut son = signed_in(&app, "son").await;
    let page = son.get(period).await;
    let choices: Vec<String> = page
        .body
        .split("name=\"chon\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(choices.len(), 3, "every overdue item can be chased");
    let csrf = csrf_of(&page.body);
    let mut form: Vec<(&str, &str)> =
        vec![("_csrf", &csrf), ("ky", "custom"), ("tu", "01/11/2026"), ("den", "30/11/2026")];
    for c in &choices {
        form.push(("chon", c));
    }
    let past = form.iter().cloned().chain([("han_tra_loi", "01/01/2020")]).collect::<Vec<_>>();
    let refused = son.post("/trach-nhiem/don-doc", &past).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Nhập hạn báo cáo"));
    let reply_by = dmy(vietnam_today() + chrono::Duration::days(7));
    form.push(("han_tra_loi", &reply_by));
    form.push(("nguoi_ky", "Phạm Văn Sơn"));
    let issued = son.post("/trach-nhiem/don-doc", &form).await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    assert!(issued.location().contains("ky=custom"), "back to the same period");
    for id in &forwarded {
        let documents = s.documents(*id).await.unwrap();
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].template_code, "don_doc");
        let file = s.attachments(*id).await.unwrap().into_iter().find(|a| a.id == documents[0].attachment_id).unwrap();
        let bytes = donthu_store::blob::BlobStore::get(&*app.blobs, &file.sha256).await.unwrap().unwrap();
        let text = donthu_pdf::pdf_text(&bytes).unwrap();
        assert!(text.contains("Kính gửi: Ban Nội chính Tỉnh ủy") && text.contains(&reply_by), "{text}");
    }
    let page = son.get(period).await;
    assert!(page.body.contains(&dmy(vietnam_today())), "the chase-up date is shown");

    // The same table as Excel, for the Standing Committee.
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let (status, _, bytes) = leader.download(&period.replace("/trach-nhiem?", "/trach-nhiem.xlsx?")).await;
    assert_eq!(status, StatusCode::OK);
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Trach nhiem").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let board = rows.iter().find(|r| r[1] == "Ban Nội chính Tỉnh ủy").expect("the board's row");
    assert_eq!((board[2].as_str(), board[3].as_str(), board[6].as_str()), ("Trần Văn Hùng", "3", "3"));
    assert!(board[14].contains("3 đơn được chuyển đến quá hạn"), "{board:?}");
}

/// A violation found in an inspection, with its measure and the apology letter drawn up
/// from its petition, appears in the register, its Excel, and the unit's scorecard.
#[tokio::test]
async fn a_violation_with_its_measure_and_apology_counts_in_the_scorecard() {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let complaint = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let denunciation = contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    let reference = |id| async move { s.petition(id, &Scope::All).await.unwrap().unwrap().reference.to_string() };
    let mut lan = signed_in(&app, "lan").await;
    let page = lan.get("/vi-pham").await;
    let csrf = csrf_of(&page.body);
    let (bnc, commune) = (w.internal_affairs.id.to_string(), w.commune.id.to_string());
    let found_on = dmy(vietnam_today() - chrono::Duration::days(3));
    let form = |petition: &str| {
        vec![
            ("_csrf".to_owned(), csrf.clone()),
            ("found_by".to_owned(), bnc.clone()),
            ("unit_id".to_owned(), commune.clone()),
            ("found_on".to_owned(), found_on.clone()),
            ("official_name".to_owned(), "Lê Văn Cường".to_owned()),
            ("official_position".to_owned(), "Công chức địa chính – xây dựng xã Tân Lập".to_owned()),
            ("source".to_owned(), "surprise_inspection".to_owned()),
            ("category".to_owned(), "harassment".to_owned()),
            ("facts".to_owned(), "Yêu cầu bổ sung giấy tờ ngoài quy định, hẹn trả kết quả nhiều lần.".to_owned()),
            ("measure".to_owned(), "reprimand".to_owned()),
            ("measure_decision".to_owned(), "Quyết định số 12/QĐ-UBND".to_owned()),
            ("apology_to".to_owned(), "Ông Nguyễn Văn An".to_owned()),
            ("petitions".to_owned(), petition.to_owned()),
        ]
    };
    let post = |c: &Client, f: Vec<(String, String)>| c.http.post(format!("{}/vi-pham", c.base)).form(&f);
    let sealed = lan.send(post(&lan, form(&reference(denunciation).await))).await;
    assert_eq!(sealed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sealed.body.contains("không ghi tên người được xin lỗi"), "a denouncer is never named in the register");
    let recorded = lan.send(post(&lan, form(&reference(complaint).await))).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let register = lan.get("/vi-pham").await;
    assert!(register.body.contains("Chưa xin lỗi Ông Nguyễn Văn An") && register.body.contains("Khiển trách"));
    let id = register.body.split("id=\"vp-").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let apology = lan
        .post(
            &format!("/vi-pham/{id}/xin-loi"),
            &[("_csrf", &csrf), ("petition", &complaint.to_string()), ("nguoi_ky", "Trần Văn Hùng")],
        )
        .await;
    assert_eq!(apology.status, StatusCode::SEE_OTHER, "{}", apology.body);
    let letter = s.documents(complaint).await.unwrap().pop().expect("the apology letter is filed on the petition");
    assert_eq!(letter.template_code, "tra_loi_xin_loi");
    let register = lan.get("/vi-pham").await;
    assert!(register.body.contains(&format!("văn bản số {}", letter.number)), "{}", register.body);
    // A violation recorded while its measure is pending gets it from the register.
    let mut pending = form("");
    pending.retain(|(k, _)| k != "measure" && k != "measure_decision" && k != "apology_to");
    let recorded = lan.send(post(&lan, pending)).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let register = lan.get("/vi-pham").await;
    let decide = register.body.split("action=\"/vi-pham/").find(|r| r.contains("/xu-ly")).expect("the measure form");
    let decide = format!("/vi-pham/{}", decide.split('"').next().unwrap());
    let refused = lan.post(&decide, &[("_csrf", &csrf), ("measure", "warning")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("phải ghi số, ngày của quyết định kỷ luật"));
    let decided = lan
        .post(&decide, &[("_csrf", &csrf), ("measure", "warning"), ("measure_decision", "Quyết định số 20/QĐ-UBND")])
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    assert!(lan.get("/vi-pham").await.body.contains("Cảnh cáo (Quyết định số 20/QĐ-UBND)"));

    // Anyone outside the two units does not see it.
    let mut mai = signed_in(&app, "mai").await;
    assert!(!mai.get("/vi-pham").await.body.contains("Lê Văn Cường"));

    let mut leader = signed_in(&app, "quang").await;
    let year = vietnam_today().format("%Y").to_string();
    let card = leader.get(&format!("/bang-danh-gia?nam={year}")).await;
    assert_eq!(card.status, StatusCode::OK);
    let row = card.body.split("<tr>").find(|r| r.contains("UBND xã Tân Lập")).expect("the commune's row");
    assert!(row.contains("<td>2 (2)</td>") && row.contains("<td>1/1</td>"), "{row}");
    for (path, sheet, title) in [
        (format!("/bang-danh-gia.xlsx?nam={year}"), "Danh gia", "BẢNG ĐÁNH GIÁ"),
        ("/vi-pham.xlsx".to_owned(), "Vi pham", "SỔ THEO DÕI VI PHẠM"),
    ] {
        let (status, kind, bytes) = leader.download(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.contains("spreadsheetml"));
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert!(rows[0][0].starts_with(title), "{:?}", rows[0]);
        assert_eq!(rows[5][0], "(1)", "the columns are numbered");
        let commune = rows.iter().find(|r| r.iter().any(|c| c.contains("Tân Lập"))).expect("the commune's row");
        if sheet == "Danh gia" {
            assert_eq!((commune[10].as_str(), commune[11].as_str(), commune[12].as_str()), ("2", "2", "1/1"));
        } else {
            let apologised =
                rows.iter().find(|r| r[12].starts_with("Đã xin lỗi Ông Nguyễn Văn An")).expect("the apology");
            assert!(commune[3].contains("Lê Văn Cường") && apologised[3].contains("Lê Văn Cường"));
        }
    }
}

/// Oversight over HTTP: the Front reads the units it oversees without acting, sends a
/// recommendation that the unit answers once; a petition sent above the competent level
/// is flagged from its page, the competent unit told; the complex case gets its leader.
#[tokio::test]
async fn the_front_recommends_the_unit_answers_and_complex_cases_get_a_leader() {
    use donthu_store::model::{NewUnit, NewUser, UnitRole};
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    let front = s
        .create_unit(NewUnit {
            code: donthu_core::unit::UnitCode::parse("MTTQ").unwrap(),
            name: "Ủy ban MTTQ tỉnh".into(),
            kind: donthu_core::unit::UnitKind::FatherlandFront,
            parent_code: None,
        })
        .await
        .unwrap();
    s.create_user(NewUser {
        username: "giamsat".into(),
        full_name: "Lý Văn Nam".into(),
        password_hash: donthu_web::auth::hash_password(PASSWORD),
        email: None,
        roles: vec![
            UnitRole { unit_id: front.id, role: donthu_core::unit::Role::Officer },
            UnitRole { unit_id: w.province.id, role: donthu_core::unit::Role::Oversight },
        ],
    })
    .await
    .unwrap();
    let id = contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let denounced = contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    let reference = s.petition(id, &Scope::All).await.unwrap().unwrap().reference.to_string();

    let mut front_officer = signed_in(&app, "giamsat").await;
    let petition = front_officer.get(&format!("/don/{id}")).await;
    assert_eq!(petition.status, StatusCode::OK, "the Front reads the units it oversees");
    assert!(
        !petition.body.contains("action=\"/don/") || !petition.body.contains("/lenh\""),
        "but is offered no action"
    );
    let sealed = front_officer.get(&format!("/don/{denounced}")).await;
    assert!(sealed.body.contains("Danh tính người tố cáo được bảo mật") && !sealed.body.contains("Bích Ngọc"));
    let page = front_officer.get("/giam-sat").await;
    let csrf = csrf_of(&page.body);
    let today = vietnam_today();
    let (from, to) = (front.id.to_string(), w.internal_affairs.id.to_string());
    let (sent, due) = (dmy(today), dmy(today + chrono::Duration::days(15)));
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("from_unit_id", from.as_str()),
        ("to_unit_id", to.as_str()),
        ("sent_on", sent.as_str()),
        ("due_on", due.as_str()),
        ("number", "17/KN-MTTQ"),
        ("subject", ""),
        ("content", "Đề nghị khẩn trương giải quyết, trả lời công dân."),
        ("petitions", reference.as_str()),
    ];
    let refused = front_officer.post("/giam-sat", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Chưa nhập trích yếu kiến nghị."));
    form[6].1 = "Kiến nghị về việc chậm giải quyết đơn";
    let ok = front_officer.post("/giam-sat", &form).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    let mut lan = signed_in(&app, "lan").await;
    let mine = lan.get("/giam-sat").await;
    assert!(mine.body.contains("Kiến nghị về việc chậm giải quyết đơn") && mine.body.contains("Chưa đến hạn trả lời"));
    let answer_at = mine.body.split("action=\"/giam-sat/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let csrf = csrf_of(&mine.body);
    let empty =
        lan.post(&format!("/giam-sat/{answer_at}"), &[("_csrf", &csrf), ("kind", "accepted"), ("text", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let answered = lan
        .post(
            &format!("/giam-sat/{answer_at}"),
            &[("_csrf", &csrf), ("kind", "accepted"), ("text", "Đã trả lời công dân.")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let seen = front_officer.get("/giam-sat").await;
    assert!(seen.body.contains("Đã trả lời đúng hạn") && seen.body.contains("Đã trả lời công dân."));

    // The board flags a matter of the commune's competence; the commune is told.
    let flagged = lan
        .post(
            &format!("/don/{id}/vuot-cap"),
            &[
                ("_csrf", &csrf),
                ("competent_unit_id", &w.commune.id.to_string()),
                ("note", "Thuộc thẩm quyền của Chủ tịch UBND xã"),
            ],
        )
        .await;
    assert_eq!(flagged.status, StatusCode::SEE_OTHER, "{}", flagged.body);
    assert!(lan.get(&format!("/don/{id}")).await.body.contains("Đơn gửi vượt cấp"));
    assert_eq!(s.notifications(w.commune_officer.id, 5).await.unwrap().len(), 1);

    let mut leader = signed_in(&app, "quang").await;
    let complex = leader.get("/vu-viec-phuc-tap").await;
    assert!(complex.body.contains("Có đơn gửi vượt cấp") && complex.body.contains("Chưa phân công"));
    let case = s.petition(id, &Scope::All).await.unwrap().unwrap().case_id;
    let csrf = csrf_of(&complex.body);
    let assigned = leader
        .post(
            &format!("/vu-viec/{case}/lanh-dao"),
            &[("_csrf", &csrf), ("leader", "Đồng chí Hoàng Minh Quang"), ("note", "Chủ trì đối thoại")],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    assert!(leader.get("/vu-viec-phuc-tap").await.body.contains("<strong>Đồng chí Hoàng Minh Quang</strong>"));
    assert!(
        leader
            .get(&format!("/vu-viec/{case}"))
            .await
            .body
            .contains("Lãnh đạo theo dõi:</strong> Đồng chí Hoàng Minh Quang")
    );
}
