//! Whole journeys in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), driven over WebDriver: what an official or a citizen does, click
//! by click. `.ci/run` installs the browser and sets `DONTHU_REQUIRE_BROWSER=1`, so
//! there these tests fail rather than skip when the browser is missing.
//!
//! Set `DONTHU_SCREENSHOTS=<dir>` to keep a PNG of each key page.

mod support;

use donthu_store::contract;
use donthu_store::model::{PetitionFilter, Scope};
use donthu_web::pages::session::WebConfig;
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::{App, PASSWORD, spawn};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One browser journey at a time: two cores do not run several Chromiums well.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Browser {
    client: Client,
    driver: Child,
    profile: std::path::PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Killing chromedriver leaves the Chromium it started running (its processes are
        // not chromedriver's to take down): end every process of this journey's profile.
        let _ = Command::new("pkill").arg("-KILL").arg("-f").arg(self.profile.as_os_str()).status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Starts chromedriver and a headless Chromium at 1366×768, or says plainly why not.
async fn browser() -> Option<Browser> {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        if std::env::var_os("DONTHU_REQUIRE_BROWSER").is_some() {
            panic!("DONTHU_REQUIRE_BROWSER is set but {CHROMIUM} or {CHROMEDRIVER} is missing");
        }
        eprintln!(
            "\n*** SKIPPED: browser journeys need {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver) ***\n"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    // Wait until chromedriver accepts connections (it takes a moment to start).
    let mut ready = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(ready, "chromedriver did not start on port {port}");
    let profile = std::env::temp_dir().join(format!("donthu-chromium-{}", uuid::Uuid::new_v4()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,768", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--lang=vi-VN",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    Some(Browser { client, driver, profile })
}

impl Browser {
    async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    async fn css(&self, selector: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
    }

    async fn fill(&self, selector: &str, text: &str) {
        let e = self.css(selector).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    async fn fill_name(&self, name: &str, text: &str) {
        self.fill(&format!("[name='{name}']"), text).await;
    }

    async fn click(&self, selector: &str) {
        self.css(selector).await.click().await.unwrap();
    }

    /// Clicks a control that loads a new page and waits until that page has replaced this one,
    /// so that what follows reads the new page, not the old one that may hold the same text.
    async fn click_to_load(&self, selector: &str) {
        self.client.execute("document.documentElement.setAttribute('data-replaced', '');", vec![]).await.unwrap();
        self.click(selector).await;
        self.css("html:not([data-replaced])").await;
    }

    async fn text(&self, selector: &str) -> String {
        self.css(selector).await.text().await.unwrap()
    }

    async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    /// Waits until the page's main text contains `needle`.
    async fn wait_for_text(&self, needle: &str) {
        let needle = needle.to_owned();
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&format!("//*[contains(normalize-space(.), \"{needle}\")]")))
            .await;
        if found.is_err() {
            panic!("\"{needle}\" never appeared; the page was:\n{}", self.source().await);
        }
    }

    async fn sign_in(&self, app: &App, username: &str) {
        self.goto(&format!("{}/dang-nhap", app.base)).await;
        self.fill("#username", username).await;
        self.fill("#password", PASSWORD).await;
        self.click("form[action='/dang-nhap'] button[type=submit]").await;
        self.wait_for_text("Việc cần làm").await;
    }

    async fn sign_out(&self) {
        self.click("form[action='/dang-xuat'] button").await;
        self.css("#username").await;
    }

    /// Nothing wider than the window: no sideways scrolling at this size.
    async fn fits_the_window(&self) -> bool {
        let v = self
            .client
            .execute("return document.documentElement.scrollWidth <= window.innerWidth + 1;", vec![])
            .await
            .unwrap();
        v.as_bool().unwrap_or(false)
    }

    async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("DONTHU_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_signs_in_and_another_unit_cannot_open_the_item() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(b) = browser().await else { return };
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let id = contract::register(s, &app.world.officer, contract::complaint(&app.world.internal_affairs)).await;
    let reference = s.petition(id, &Scope::All).await.unwrap().unwrap().reference.to_string();

    b.goto(&format!("{}/", app.base)).await;
    b.css("#username").await;
    b.screenshot("dang-nhap").await;
    b.fill("#username", "lan").await;
    b.fill("#password", "sai mật khẩu").await;
    b.click("form[action='/dang-nhap'] button[type=submit]").await;
    assert!(b.text("#loi-dang-nhap").await.contains("không đúng"));
    b.sign_in(&app, "lan").await;
    assert!(b.fits_the_window().await, "the worklist fits 1366×768");
    b.screenshot("viec-can-lam").await;
    b.click(&format!("a[href='/don/{id}']")).await;
    b.wait_for_text(&format!("Đơn số {reference}")).await;
    assert!(b.source().await.contains("Quá trình xử lý"));
    b.screenshot("trang-don").await;
    b.sign_out().await;

    b.sign_in(&app, "mai").await;
    assert!(!b.source().await.contains(&reference), "not in the other unit's worklist");
    b.goto(&format!("{}/don/{id}", app.base)).await;
    b.wait_for_text("Không tìm thấy").await;
    assert!(!b.source().await.contains(&reference));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_in_group_visit_is_logged_and_split() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(b) = browser().await else { return };
    let app = spawn(WebConfig::default()).await;
    b.sign_in(&app, "lan").await;
    b.click("a[href='/tiep-nhan']").await;
    b.click("a[href='/tiep-nhan?kenh=walk_in']").await;
    b.css("[name='petitioner.type'][value='group']").await.click().await.unwrap();
    b.fill_name("petitioner.head_count", "6").await;
    b.fill_name("petitioner.members[0].full_name", "Trần Văn Lực").await;
    b.click("[name='petitioner.members[0].representative']").await;
    b.fill_name("petitioner.members[0].cccd", "001090012345").await;
    b.fill_name("petitioner.members[1].full_name", "Hoàng Thị Mận").await;
    b.click("[name='petitioner.members[1].representative']").await;
    b.fill_name("target.name", "UBND xã Tân Lập").await;
    b.fill(
        "#content",
        "Đoàn 6 hộ dân thôn Đông khiếu nại việc thu hồi đất làm đường không bồi thường; đồng thời tố cáo cán bộ địa chính xã nhận tiền của các hộ.",
    )
    .await;
    b.screenshot("tiep-nhan-doan-dong-nguoi").await;
    assert!(b.fits_the_window().await, "the intake form fits 1366×768");
    b.click("form[data-intake] button[type=submit]").await;
    b.wait_for_text("Đã tiếp nhận đơn số").await;
    let page = b.source().await;
    assert!(page.contains("Đoàn") && page.contains("6 người") && page.contains("Người đại diện"), "group recorded");
    assert!(page.contains("Tiếp thường xuyên"), "form 03/TCD reception details");

    // Split the mixed content: the complaint and the denunciation are handled apart.
    b.click("details[data-action='split'] summary").await;
    b.css("details[data-action='split'] [name='parts[0].kind']").await.select_by_value("complaint").await.unwrap();
    b.fill(
        "details[data-action='split'] [name='parts[0].content']",
        "Khiếu nại việc thu hồi đất làm đường không bồi thường.",
    )
    .await;
    b.css("details[data-action='split'] [name='parts[1].kind']").await.select_by_value("denunciation").await.unwrap();
    b.css("details[data-action='split'] [name='parts[1].field']")
        .await
        .select_by_value("admin_civil_service")
        .await
        .unwrap();
    b.fill(
        "details[data-action='split'] [name='parts[1].content']",
        "Tố cáo cán bộ địa chính xã nhận tiền của các hộ.",
    )
    .await;
    b.click("details[data-action='split'] button[type=submit]").await;
    b.wait_for_text("Đã ghi nhận: Tách đơn có nhiều nội dung").await;
    assert_eq!(b.text("#trang-thai").await, "Đã tách thành nhiều đơn");
    let parts =
        app.store.list_petitions(&Scope::All, &PetitionFilter { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(parts.len(), 3, "the visit and its two parts");
    b.click("a[href^='/vu-viec/']").await;
    b.wait_for_text("Vụ việc").await;
    b.screenshot("vu-viec").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_finds_its_duplicate_and_is_forwarded_with_feedback_owed() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(b) = browser().await else { return };
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let earlier = contract::register(s, &app.world.officer, contract::complaint(&app.world.internal_affairs)).await;
    let earlier = s.petition(earlier, &Scope::All).await.unwrap().unwrap();

    b.sign_in(&app, "lan").await;
    b.goto(&format!("{}/tiep-nhan?kenh=post", app.base)).await;
    b.fill_name("petitioner.full_name", "Nguyễn Văn An").await;
    b.fill_name("petitioner.cccd", "001203012345").await;
    b.fill(
        "#content",
        "Tiếp tục khiếu nại Quyết định 45/QĐ-UBND thu hồi đất nông nghiệp, đến nay chưa được giải quyết.",
    )
    .await;
    b.css("#suggestions .suggestions").await;
    b.wait_for_text("Cùng số CCCD").await;
    assert!(b.source().await.contains(&earlier.reference.to_string()), "the earlier letter is suggested");
    b.screenshot("goi-y-trung-don").await;
    b.click("[data-link-case]").await;
    assert!(b.text("#linked-case").await.contains(&earlier.reference.to_string()));
    b.click("form[data-intake] button[type=submit]").await;
    b.wait_for_text("gộp vào vụ việc đã có").await;
    let url = b.client.current_url().await.unwrap();
    let id: uuid::Uuid = url.path().trim_start_matches("/don/").parse().unwrap();
    assert_eq!(s.petition(id, &Scope::All).await.unwrap().unwrap().case_id, earlier.case_id, "linked to the case");

    // Classify, propose forwarding to the commune, and have the head approve.
    b.click("details[data-action='classify'] button[type=submit]").await;
    b.wait_for_text("Đã ghi nhận: Phân loại đơn").await;
    b.css("details[data-action='propose'] [name='handling']").await.select_by_value("forward").await.unwrap();
    let commune = app.world.commune.id.to_string();
    b.css("details[data-action='propose'] [name='to_unit']").await.select_by_value(&commune).await.unwrap();
    b.fill("details[data-action='propose'] [name='reason']", "Thuộc thẩm quyền giải quyết của UBND xã.").await;
    b.click("details[data-action='propose'] button[type=submit]").await;
    b.wait_for_text("Đã ghi nhận: Đề xuất hướng xử lý").await;
    b.sign_out().await;
    b.sign_in(&app, "hung").await;
    b.click("a[href='/?tab=cho-duyet']").await;
    b.click(&format!("a[href='/don/{id}']")).await;
    b.click("details[data-action='approve'] button[type=submit]").await;
    b.wait_for_text("Đã ghi nhận: Lãnh đạo duyệt hướng xử lý").await;
    assert_eq!(b.text("#trang-thai").await, "Đã chuyển đơn");
    assert!(b.text("#bang-chuyen-don").await.contains("UBND xã Tân Lập"));

    // The forwarder sees what the commune owes it.
    b.click("a[href='/chuyen-don']").await;
    let owed = b.text("#chuyen-di").await;
    assert!(owed.contains("UBND xã Tân Lập") && owed.contains("Đang trong hạn"), "{owed}");
    b.screenshot("theo-doi-chuyen-don").await;
    // And the commune sees the item it must acknowledge.
    b.sign_out().await;
    b.sign_in(&app, "tam").await;
    b.click("a[href='/chuyen-don']").await;
    assert!(b.text("#chuyen-den").await.contains("Đang trong hạn"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_with_and_without_diacritics() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(b) = browser().await else { return };
    let app = spawn(WebConfig::default()).await;
    let s = &*app.store;
    let w = &app.world;
    contract::register(s, &w.officer, contract::complaint(&w.internal_affairs)).await;
    contract::register(s, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    b.sign_in(&app, "lan").await;
    b.click("a[href='/tra-cuu']").await;
    for q in ["thu hoi dat", "thu hồi đất", "\"thu hồi đất nông nghiệp\""] {
        b.fill("#q", q).await;
        b.click_to_load("form[role=search] button[type=submit]").await;
        b.wait_for_text("trên tổng số 1").await;
        let marks = b.client.find_all(Locator::Css("table.list mark")).await.unwrap();
        assert!(!marks.is_empty(), "{q}: highlighted");
        assert!(marks[0].text().await.unwrap().to_lowercase().starts_with("thu"), "{q}");
    }
    b.screenshot("tra-cuu").await;
    // The denouncer's name is never found; the person denounced is.
    b.fill("#q", "bich ngoc").await;
    b.click_to_load("form[role=search] button[type=submit]").await;
    b.wait_for_text("Không có đơn nào").await;
    b.fill("#q", "cuong").await;
    b.click_to_load("form[role=search] button[type=submit]").await;
    b.wait_for_text("trên tổng số 1").await;
    assert!(b.source().await.contains("Danh tính được bảo mật"));
}

fn png_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("giay-to.png");
    std::fs::write(&path, support::png_with_text("Pham Thi Hong")).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_submits_online_then_tracks_the_code() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(b) = browser().await else { return };
    let app = spawn(WebConfig::default()).await;
    b.client.set_window_size(390, 844).await.unwrap();
    b.goto(&format!("{}/cong-dan", app.base)).await;
    assert!(b.fits_the_window().await, "the portal fits a phone");
    b.click("a[href='/cong-dan/gui-don?loai=complaint']").await;
    b.css("#unit_id").await.select_by_value(&app.world.internal_affairs.id.to_string()).await.unwrap();
    b.fill("[name='petitioner.full_name']", "Phạm Thị Hồng").await;
    b.fill("[name='petitioner.phone']", "0987654321").await;
    b.fill("[name='petitioner.address']", "Thôn Bắc, xã Tân Lập").await;
    b.fill("[name='target.name']", "UBND xã Tân Lập").await;
    b.fill(
        "#content",
        "Khiếu nại việc UBND xã không cấp giấy chứng nhận quyền sử dụng đất dù hồ sơ đã đủ từ năm 2024.",
    )
    .await;
    let dir = std::env::temp_dir().join(format!("donthu-upload-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    b.css("#files").await.send_keys(&png_file(&dir).display().to_string()).await.unwrap();
    // Submitting without the commitment shows the error next to it, keeping what was typed.
    b.client.execute("document.querySelector('[name=commitment]').required = false;", vec![]).await.unwrap();
    b.click("form[action='/cong-dan/gui-don'] button[type=submit]").await;
    b.wait_for_text("Xin xác nhận cam đoan").await;
    assert!(b.source().await.contains("Phạm Thị Hồng"));
    b.css("#files").await.send_keys(&dir.join("giay-to.png").display().to_string()).await.unwrap();
    b.click("[name=commitment]").await;
    assert!(b.fits_the_window().await, "the form fits a phone");
    b.screenshot("cong-dan-gui-don").await;
    b.click("form[action='/cong-dan/gui-don'] button[type=submit]").await;
    b.wait_for_text("Giấy biên nhận đơn gửi trực tuyến").await;
    let code = b.text("#ma-tra-cuu").await;
    assert_eq!(code.len(), 39, "{code}");
    assert!(b.source().await.contains("<svg"), "a QR code");
    b.screenshot("cong-dan-bien-nhan").await;
    std::fs::remove_dir_all(&dir).unwrap();

    b.goto(&format!("{}/cong-dan/tra-cuu", app.base)).await;
    b.fill("#ma", &code).await;
    b.click("form[action='/cong-dan/tra-cuu'] button[type=submit]").await;
    b.wait_for_text("Đơn đã được tiếp nhận").await;
    let status = b.text("#tinh-trang").await;
    assert!(status.contains("tiếp nhận"), "{status}");
    assert!(!b.source().await.contains("0987654321"), "the lookup shows the status only");
    b.screenshot("cong-dan-tra-cuu").await;

    // The officials of the unit find it on their worklist, from the portal.
    b.client.set_window_size(1366, 768).await.unwrap();
    b.sign_in(&app, "lan").await;
    assert!(b.source().await.contains("Phạm Thị Hồng"));
}
