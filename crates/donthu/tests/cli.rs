//! The `donthu` binary as officials and administrators run it: the command line, and a
//! server killed with SIGKILL right after acknowledging an intake.

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tokio::io::{AsyncBufReadExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_donthu");

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch() -> Scratch {
    let dir = std::env::temp_dir().join(format!("donthu-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn db_url(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("donthu.db").display())
}

fn donthu(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("DONTHU_DATABASE_URL", db_url(dir))
        .env_remove("DONTHU_IDENTITY_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Units, an official and a token, through the command line only.
fn set_up(dir: &Path) -> String {
    std::fs::write(
        dir.join("units.csv"),
        "code,name,parent_code,kind\nTU,Tỉnh ủy,,party_committee\nBNC,Ban Nội chính Tỉnh ủy,TU,party_board\n",
    )
    .unwrap();
    let out = donthu(dir, &["unit", "import", "units.csv"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Đã nhập 2 đơn vị"));
    let out = donthu(
        dir,
        &["user", "add", "--username", "lan", "--unit", "BNC", "--role", "officer", "--full-name", "Nguyễn Thị Lan"],
        Some("mật khẩu đủ dài\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = donthu(dir, &["token", "create", "--username", "lan"], None);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

struct Server {
    child: tokio::process::Child,
    base: String,
}

async fn start(dir: &Path, log: &Path) -> Server {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir)
        .env("DONTHU_DATABASE_URL", db_url(dir))
        .env("DONTHU_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().expect("the server prints its address");
    let base = first.split_whitespace().find(|w| w.starts_with("http://")).expect("an address").to_owned();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, base }
}

#[tokio::test]
async fn an_acknowledged_intake_survives_sigkill_and_a_retry_creates_nothing() {
    let dir = scratch();
    let token = set_up(&dir.0);
    let log = dir.0.join("server.log");
    let mut server = start(&dir.0, &log).await;
    let http = reqwest::Client::new();
    let units: Value = http
        .get(format!("{}/api/v1/units", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = units.as_array().unwrap().iter().find(|u| u["code"] == "BNC").unwrap()["id"].clone();
    let today = donthu_store::service::vietnam_today(chrono::Utc::now()).to_string();
    let body = json!({
        "unit_id": unit, "channel": "post", "received_on": today, "written_on": today,
        "kind": "denunciation", "field": "corruption", "signed": true,
        "petitioner": { "type": "individual", "full_name": "Trần Thị Bích Ngọc", "address": "Tổ 5, phường Tân Đồng", "phone": "0987654321" },
        "target": { "kind": "person", "name": "Lê Văn Cường", "position": "Kế toán xã" },
        "content": "Tố cáo kế toán xã lập khống chứng từ chi hỗ trợ giống cây trồng."
    });
    let post = || {
        http.post(format!("{}/api/v1/petitions", server.base))
            .bearer_auth(&token)
            .header("Idempotency-Key", "letter-0042")
            .json(&body)
    };
    let res = post().send().await.unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    // Acknowledged: now the power goes out.
    server.child.start_kill().unwrap();
    server.child.wait().await.unwrap();

    let server = start(&dir.0, &log).await;
    let post = || {
        http.post(format!("{}/api/v1/petitions", server.base))
            .bearer_auth(&token)
            .header("Idempotency-Key", "letter-0042")
            .json(&body)
    };
    let id = created["id"].as_str().unwrap();
    let res = http.get(format!("{}/api/v1/petitions/{id}", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 200, "the acknowledged petition survived");
    let retry = post().send().await.unwrap();
    assert_eq!(retry.status(), 200);
    assert_eq!(retry.json::<Value>().await.unwrap()["id"], created["id"]);
    let list: Value = http
        .get(format!("{}/api/v1/petitions", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1, "the retry created nothing new");
    drop(server);

    // The denouncer's name is nowhere in clear: not in the logs, not in the database files.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("/api/v1/petitions"), "debug logging was on: {logged}");
    for entry in std::fs::read_dir(dir.0.join("data")).into_iter().flatten().chain(std::fs::read_dir(&dir.0).unwrap()) {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            for needle in ["Bích Ngọc", "0987654321"] {
                assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} in {}", path.display());
            }
        }
    }
    assert!(dir.0.join("identity.key").exists(), "the identity key was created beside the database");
}

#[test]
fn the_command_line_refuses_what_it_cannot_do_and_explains_why() {
    let dir = scratch();
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = text(&help);
    for command in ["serve", "migrate", "unit", "user", "token", "demo"] {
        assert!(help.contains(command), "{command} missing from --help: {help}");
    }
    let out = Command::new(BIN)
        .args(["--database-url", "mysql://root@localhost/x", "migrate"])
        .current_dir(&dir.0)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("không được hỗ trợ"), "{}", text(&out));
    let missing = dir.0.join("no-such-folder");
    let url = format!("sqlite:{}/donthu.db", missing.display());
    let out = Command::new(BIN).args(["--database-url", &url, "migrate"]).current_dir(&dir.0).output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("không tồn tại"), "{}", text(&out));
    assert!(!missing.exists(), "nothing was created elsewhere");

    set_up(&dir.0);
    let out = donthu(&dir.0, &["user", "add", "--username", "x", "--unit", "BNC", "--role", "officer"], Some("ngắn\n"));
    assert!(!out.status.success());
    assert!(text(&out).contains("ít nhất 10 ký tự"));
    let out = donthu(
        &dir.0,
        &["user", "add", "--username", "y", "--unit", "NOPE", "--role", "officer"],
        Some("mật khẩu đủ dài\n"),
    );
    assert!(text(&out).contains("Không có đơn vị mã \"NOPE\""));
    let out = donthu(
        &dir.0,
        &["user", "add", "--username", "z", "--unit", "BNC", "--role", "boss"],
        Some("mật khẩu đủ dài\n"),
    );
    assert!(text(&out).contains("Vai trò \"boss\" không hợp lệ"));
    std::fs::write(dir.0.join("bad.csv"), "code,name,parent_code,kind\nXA,,BNC,commune\n").unwrap();
    let out = donthu(&dir.0, &["unit", "import", "bad.csv"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("dòng 2: chưa có tên đơn vị"), "{}", text(&out));
    let out = donthu(&dir.0, &["token", "create", "--username", "nobody"], None);
    assert!(text(&out).contains("Không có cán bộ"));
    let out = donthu(&dir.0, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_demo_fills_an_empty_database_once() {
    let dir = scratch();
    let first = donthu(&dir.0, &["demo"], None);
    assert!(first.status.success(), "{}", text(&first));
    let out = text(&first);
    assert!(out.contains("đơn thư mẫu") && out.contains("canbo.btcd") && out.contains("donthu-demo-2026"), "{out}");
    let second = donthu(&dir.0, &["demo"], None);
    assert!(second.status.success());
    assert!(text(&second).contains("đã có dữ liệu"), "{}", text(&second));
}

#[test]
fn the_calendar_commands() {
    let dir = scratch();
    let lunar = |date: &str| text(&donthu(&dir.0, &["calendar", "lunar", date], None)).trim().to_owned();
    assert_eq!(lunar("2026-02-17"), "01/01/2026");
    assert_eq!(lunar("2023-03-22"), "01/02/2023 nhuận");
    assert_eq!(lunar("1985-01-21"), "01/01/1985");
    assert!(lunar("22/11/2026").contains("YYYY-MM-DD"));
    assert!(!dir.0.join("donthu.db").exists(), "calendar lunar needs no database");

    let show = donthu(&dir.0, &["calendar", "show", "2026"], None);
    let shown = String::from_utf8(show.stdout).unwrap();
    assert!(shown.contains("2026-04-27\toff\tNghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)\n"), "{shown}");
    assert!(!shown.contains("2026-04-26"), "a holiday on a Sunday is not a weekday exception");
    std::fs::write(
        dir.0.join("lich-2026.csv"),
        "date,type,reason\n2026-01-02,off,Nghỉ Tết Dương lịch (hoán đổi)\n2026-01-10,work,Làm bù cho thứ Sáu 02/01/2026\n",
    )
    .unwrap();
    let out = donthu(&dir.0, &["calendar", "import", "lich-2026.csv"], None);
    assert!(text(&out).contains("Đã nhập 2 ngày"), "{}", text(&out));
    let shown = String::from_utf8(donthu(&dir.0, &["calendar", "show", "2026"], None).stdout).unwrap();
    let january: Vec<_> = shown.lines().filter(|l| l.starts_with("2026-01")).collect();
    assert_eq!(
        january,
        [
            "2026-01-01\toff\tTết Dương lịch",
            "2026-01-02\toff\tNghỉ Tết Dương lịch (hoán đổi)",
            "2026-01-10\twork\tLàm bù cho thứ Sáu 02/01/2026"
        ]
    );
    std::fs::write(dir.0.join("bad.csv"), "date,type,reason\n2026-02-30,off,x\n").unwrap();
    let out = donthu(&dir.0, &["calendar", "import", "bad.csv"], None);
    assert!(!out.status.success() && text(&out).contains("dòng 2"), "{}", text(&out));

    let due = donthu(&dir.0, &["calendar", "due", "--rule", "denunciation.forward", "--from", "2025-12-30"], None);
    let out = String::from_utf8(due.stdout).unwrap();
    assert_eq!(out.lines().next(), Some("2026-01-08"), "the imported swap moves the deadline: {out}");
    assert!(out.contains("02/01/2026 (Nghỉ Tết Dương lịch (hoán đổi))"), "{out}");
    let complex = donthu(
        &dir.0,
        &["calendar", "due", "--rule", "complaint.resolve.first", "--from", "2026-10-01", "--complex", "--remote"],
        None,
    );
    assert_eq!(String::from_utf8(complex.stdout).unwrap().lines().next(), Some("2026-11-30"));
    let unknown = donthu(&dir.0, &["calendar", "due", "--rule", "nope", "--from", "2026-10-01"], None);
    assert!(!unknown.status.success() && text(&unknown).contains("visit.answer"));
}

#[test]
fn a_legacy_register_imports_from_the_command_line_once() {
    let dir = scratch();
    set_up(&dir.0);
    std::fs::write(dir.0.join("so-don-2019.xlsx"), donthu_import::sample_register()).unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "so-don-2019.xlsx", "--unit", "BNC", "--as", "lan"];
        args.extend_from_slice(extra);
        donthu(&dir.0, &args, None)
    };
    let dry = import(&["--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(text(&dry).contains("Dòng hợp lệ: 2 · dòng lỗi: 3") && text(&dry).contains("Chạy thử"), "{}", text(&dry));
    assert!(text(&dry).contains("Dòng 3, cột “Ngày nhận đơn”"), "{}", text(&dry));
    let report = std::fs::read(dir.0.join("so-don-2019.loi.xlsx")).expect("the errors are written as Excel");
    // Five errors in three rows: the date, the name, and the kind and the CCCD of row 6.
    assert_eq!(donthu_import::read_sheet(&report).unwrap().rows.len(), 1 + 5, "a header and one line per error");

    let refused = import(&[]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("không nhập đơn nào"), "{}", text(&refused));

    let done = import(&["--skip-bad-rows"]);
    assert!(done.status.success(), "{}", text(&done));
    assert!(text(&done).contains("Đã nhập 2 đơn mới") && text(&done).contains("2/2 dòng"), "{}", text(&done));
    let again = import(&["--skip-bad-rows"]);
    assert!(text(&again).contains("Đã nhập 0 đơn mới") && text(&again).contains("2 đơn đã có"), "{}", text(&again));
}

/// The demo register as a seeded dataset for the statutory reports: every identity holds
/// for every table, unit and period, and cells equal counts made through the lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statutory_tables_of_the_demo_register_add_up() {
    use donthu_store::Store;
    use donthu_store::model::{PetitionFilter, Scope};
    use donthu_store::reports::{Period, PeriodKind, drill_down, evaluate, shipped_tables};
    let dir = scratch();
    let out = donthu(&dir.0, &["demo"], None);
    assert!(out.status.success(), "{}", text(&out));
    let sealer = donthu_store::seal::IdentitySealer::from_key(&donthu_store::seal::IdentitySealer::generate_key());
    let store = donthu_store_sqlite::SqliteStore::connect(&db_url(&dir.0), sealer).await.unwrap();
    let units: Vec<(uuid::Uuid, String)> = store.units().await.unwrap().into_iter().map(|u| (u.id, u.name)).collect();
    let tables = shipped_tables();
    let today = chrono::Utc::now().date_naive();
    let mut counted = 0.0;
    for year in [Period::report_year(today) - 1, Period::report_year(today)] {
        for kind in [PeriodKind::Year, PeriodKind::Q4, PeriodKind::SixMonths] {
            let period = Period::of(kind, year, 0).unwrap();
            let facts = store.report_facts(&Scope::All, None, period.to).await.unwrap();
            // What the report pages read: the facts not settled before the period.
            let active = store.report_facts(&Scope::All, Some(period.from), period.to).await.unwrap();
            assert!(active.len() <= facts.len());
            for table in &tables {
                let filled = evaluate(table, &period, &units, &facts);
                assert!(filled.violations.is_empty(), "{} {}: {:?}", table.code, period.label, filled.violations);
                assert_eq!(filled, evaluate(table, &period, &units, &active), "{} {}", table.code, period.label);
            }
            let xld = evaluate(&tables[1], &period, &units, &facts);
            counted += xld.total().values[0];
            for (row, (unit, name)) in units.iter().enumerate() {
                let count = |status| {
                    let filter = PetitionFilter {
                        unit_id: Some(*unit),
                        received_from: Some(period.from),
                        received_to: Some(period.to),
                        status,
                        ..Default::default()
                    };
                    let store = &store;
                    async move { store.count_petitions(&Scope::All, &filter).await.unwrap() }
                };
                let received = count(None).await - count(Some(donthu_core::process::Status::Split)).await;
                assert_eq!(xld.rows[row].values[2], received as f64, "{name}, {}: received", period.label);
                let listed = drill_down(&tables[1], 3, &period, Some(*unit), &facts);
                assert_eq!(listed.len() as f64, xld.rows[row].values[2]);
            }
        }
    }
    assert!(counted > 0.0, "the demo register has letters to count");
}

/// Seeds 000, 002 and 004 on the demo register: of the three units the Party and State
/// offices forward to, one acknowledges and reports on time, one late, one never — and
/// the responsibility accounts say exactly that; the secretary's session was prepared,
/// held and concluded, its tasks one done, one overdue and one running; a violation found
/// in a surprise inspection, with its measure and apology, is in the unit's scorecard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_register_tells_who_answers_on_time_late_and_never() {
    use donthu_accountability::responsibility::{Reason, Span, accounts, shipped_policy};
    use donthu_accountability::scorecard::scorecards;
    use donthu_core::accountability::{Measure, SessionStatus, ViolationSource};
    use donthu_store::Store;
    use donthu_store::model::{Direction, ObligationFilter, Scope, TaskFilter, ViolationFilter};
    let dir = scratch();
    let out = donthu(&dir.0, &["demo"], None);
    assert!(out.status.success(), "{}", text(&out));
    let sealer = donthu_store::seal::IdentitySealer::from_key(&donthu_store::seal::IdentitySealer::generate_key());
    let store = donthu_store_sqlite::SqliteStore::connect(&db_url(&dir.0), sealer).await.unwrap();
    let units = store.units().await.unwrap();
    let id = |code: &str| units.iter().find(|u| u.code.as_str() == code).unwrap().id;
    let today = donthu_store::service::vietnam_today(chrono::Utc::now());
    let span = Span { from: today - chrono::Duration::days(400), to: today };
    let forwarded: Vec<_> = store
        .forwarding_obligations(ObligationFilter::all(Direction::Outgoing), &Scope::All)
        .await
        .unwrap()
        .iter()
        .map(|o| o.as_forwarded_item())
        .collect();
    let facts = store.report_facts(&Scope::All, None, today).await.unwrap();
    let tasks: Vec<_> =
        store.follow_up_tasks(&Scope::All, TaskFilter::default()).await.unwrap().iter().map(|t| t.as_fact()).collect();
    let policy = shipped_policy(today);
    let list = accounts(&forwarded, &facts, &tasks, span, today, &policy);
    let of =
        |code: &str| list.iter().find(|a| a.unit_id == id(code)).unwrap_or_else(|| panic!("{code} has an account"));

    let prompt = of("SNNMT");
    assert!(prompt.forwarded >= 5, "{prompt:?}");
    assert_eq!(
        prompt.acknowledgement.done + prompt.acknowledgement.owed + prompt.acknowledgement.not_yet_owed,
        prompt.forwarded
    );
    assert_eq!((prompt.acknowledgement.done_late, prompt.acknowledgement.overdue), (0, 0), "{prompt:?}");
    assert_eq!((prompt.result.done_late, prompt.result.overdue, prompt.result.closed), (0, 0, 0), "{prompt:?}");
    assert!(prompt.result.done > 0 && prompt.to_chase.is_empty() && prompt.reasons.is_empty(), "{prompt:?}");

    let late = of("XA-TANLAP");
    assert!(late.acknowledgement.done_late >= 5 && late.acknowledgement.done == 0, "{late:?}");
    assert_eq!(late.result.done, 0, "{late:?}");
    assert!(late.reasons.iter().any(|r| matches!(r, Reason::HabituallyLate { .. })), "{:?}", late.reasons);

    let never = of("P-TANDONG");
    assert!(never.forwarded >= 5, "{never:?}");
    assert_eq!((never.acknowledgement.done, never.acknowledgement.done_late, never.result.due()), (0, 0, 0));
    assert!(never.acknowledgement.overdue >= 5 && never.to_chase.len() as u64 == never.acknowledgement.overdue);
    assert!(never.reasons.iter().any(|r| matches!(r, Reason::ManyOverdue { .. })), "{:?}", never.reasons);

    // Seed 004: the secretary's last session, and the next one being prepared.
    let sessions = store
        .reception_sessions(&Scope::All, today - chrono::Duration::days(40), today + chrono::Duration::days(30))
        .await
        .unwrap();
    let secretary: Vec<_> = sessions.iter().filter(|s| s.host_unit_id == id("TU")).collect();
    let concluded = secretary.iter().find(|s| s.status == SessionStatus::Concluded).expect("a concluded session");
    let file = store.session_file(concluded.id, &Scope::All).await.unwrap().unwrap();
    assert_eq!((file.cases.len(), file.documents.len()), (3, 1));
    assert!(concluded.conclusion_number.as_deref().is_some_and(|n| n.ends_with("/TB-BNCTU")));
    let standing = |code: &str| file.tasks.iter().find(|t| t.unit_id == id(code)).unwrap().as_fact().standing(today);
    use donthu_store::model::Standing;
    assert_eq!(
        (standing("SNNMT"), standing("XA-TANLAP"), standing("P-TANDONG")),
        (Standing::Done, Standing::Overdue, Standing::Owed)
    );
    let next = secretary.iter().find(|s| s.status == SessionStatus::Scheduled).expect("the next session");
    assert_eq!(store.session_file(next.id, &Scope::All).await.unwrap().unwrap().cases.len(), 2);

    // Seed 002: the surprise inspection's violation is in the commune's scorecard.
    let violations = store.violations(&Scope::All, ViolationFilter::default()).await.unwrap();
    let inspected = violations
        .iter()
        .find(|v| v.details.unit_id == id("XA-TANLAP") && v.details.source == ViolationSource::SurpriseInspection)
        .expect("the inspection's violation");
    assert_eq!(inspected.details.measure, Measure::Reprimand);
    assert!(inspected.apology_sent_on.is_some());
    let year = Span {
        from: chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 12, 31).unwrap(),
    };
    let facts_of_year: Vec<_> = violations.iter().map(|v| v.as_fact()).collect();
    let cards = scorecards(
        &[id("XA-TANLAP")],
        year,
        today,
        &facts,
        &forwarded,
        &tasks,
        &facts_of_year,
        &Default::default(),
        &policy,
    );
    assert!(cards[0].violations >= 1 && cards[0].disciplined >= 1 && cards[0].apologies_sent >= 1, "{:?}", cards[0]);
    assert_eq!(cards[0].feedback_rate(), Some(0), "the commune answers late every time");

    // The Front's recommendations: one answered on time, one overdue; a petition sent
    // above the competent level; a long case followed by a leader.
    let recommendations = store.recommendations(&Scope::All).await.unwrap();
    let standings: Vec<_> = recommendations.iter().map(|r| r.as_fact().standing(today)).collect();
    assert!(standings.contains(&Standing::Done) && standings.contains(&Standing::Overdue), "{standings:?}");
    let flags = store.level_skipping(&Scope::All).await.unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].competent_unit_id, id("XA-DONGTAM"));
    assert_eq!(store.case_leaders().await.unwrap().len(), 1);
}
