//! The JSON API, black-box: a real server on port 0 over a real SQLite file, driven over
//! HTTP only. Every refusal must come with its stable code and write nothing.

use donthu_store::blob::LocalDirBlobStore;
use donthu_store::contract::{self, World};
use donthu_store::seal::IdentitySealer;
use donthu_store_sqlite::SqliteStore;
use donthu_web::AppState;
use donthu_web::auth::{new_api_token, token_digest};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

struct TestApp {
    store: Arc<dyn donthu_store::Store>,
    base: String,
    http: reqwest::Client,
    tokens: HashMap<&'static str, String>,
    world: World,
    dir: std::path::PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn spawn() -> TestApp {
    let dir = std::env::temp_dir().join(format!("donthu-api-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("donthu.db").display());
    let sealer = IdentitySealer::from_key(&IdentitySealer::generate_key());
    let store = SqliteStore::connect(&url, sealer.clone()).await.unwrap();
    let world = contract::world(&store).await;
    let admin = donthu_store::Store::create_user(
        &store,
        donthu_store::model::NewUser {
            username: "admin".into(),
            full_name: "Quản trị".into(),
            password_hash: "x".into(),
            email: None,
            roles: vec![donthu_store::model::UnitRole {
                unit_id: world.province.id,
                role: donthu_core::unit::Role::Admin,
            }],
        },
    )
    .await
    .unwrap();
    let mut tokens = HashMap::new();
    for (name, user) in [
        ("admin", &admin),
        ("officer", &world.officer),
        ("head", &world.head),
        ("office_officer", &world.office_officer),
        ("office_head", &world.office_head),
        ("commune_officer", &world.commune_officer),
        ("custodian", &world.custodian),
        ("leader", &world.leader),
    ] {
        let token = new_api_token();
        donthu_store::Store::create_api_token(&store, user.id, &token_digest(&token), "test", contract::now())
            .await
            .unwrap();
        tokens.insert(name, token);
    }
    let store: Arc<dyn donthu_store::Store> = Arc::new(store);
    let state = AppState::new(
        store.clone(),
        Arc::new(LocalDirBlobStore::new(dir.join("blobs"))),
        sealer,
        donthu_web::pages::session::WebConfig::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(donthu_web::serve(listener, state));
    TestApp { store, base, http: reqwest::Client::new(), tokens, world, dir }
}

impl TestApp {
    async fn send(
        &self,
        who: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = self.tokens.get(who) {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"));
        (status, value)
    }

    async fn get(&self, who: &str, path: &str) -> (StatusCode, Value) {
        self.send(who, reqwest::Method::GET, path, None, None).await
    }

    async fn post(&self, who: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(who, reqwest::Method::POST, path, Some(&body), None).await
    }

    async fn create(&self, who: &str, body: Value) -> Value {
        let (status, value) = self.post(who, "/api/v1/petitions", body).await;
        assert_eq!(status, StatusCode::CREATED, "{value}");
        value
    }

    async fn command(&self, who: &str, id: &Value, cmd: Value) -> Value {
        let (status, value) =
            self.post(who, &format!("/api/v1/petitions/{}/commands", id.as_str().unwrap()), cmd.clone()).await;
        assert_eq!(status, StatusCode::OK, "{cmd} → {value}");
        value
    }

    async fn total(&self, who: &str) -> u64 {
        self.get(who, "/api/v1/petitions?limit=500").await.1["total"].as_u64().unwrap()
    }
}

fn today() -> String {
    donthu_store::service::vietnam_today(chrono::Utc::now()).to_string()
}

fn person(name: &str, cccd: &str) -> Value {
    json!({ "full_name": name, "address": "Thôn 3, xã Tân Lập", "phone": "0912 345 678", "cccd": cccd })
}

/// A complete complaint, received today by `unit`.
fn complaint(unit: &donthu_store::model::Unit) -> Value {
    json!({
        "unit_id": unit.id,
        "channel": "post",
        "received_on": today(),
        "written_on": today(),
        "kind": "complaint",
        "field": "admin_land",
        "petitioner": { "type": "individual", "full_name": "Nguyễn Văn An", "address": "Thôn 3, xã Tân Lập", "cccd": "001203012345" },
        "signed": true,
        "target": { "kind": "body", "name": "UBND xã Tân Lập", "address": "Xã Tân Lập" },
        "content": "Khiếu nại Quyết định số 45/QĐ-UBND về việc thu hồi đất nông nghiệp của gia đình tôi mà không bồi thường thỏa đáng."
    })
}

fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[tokio::test]
async fn registers_a_petition_from_every_channel() {
    let app = spawn().await;
    let unit = &app.world.internal_affairs;
    let forwarded = json!({ "body": "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "document_number": "123/CV-ĐĐBQH", "document_date": today() });
    let cases = [
        with(
            complaint(unit),
            json!({
                "channel": "walk_in",
                "written_on": null,
                "petitioner": { "type": "group", "head_count": 12, "members": [
                    with(person("Trần Văn Bình", "001203012346"), json!({ "representative": true })),
                    with(person("Lê Thị Cúc", "001203012347"), json!({ "representative": true })),
                    person("Phạm Văn Dũng", "001203012348"),
                ]},
                "reception": { "form": "regular" }
            }),
        ),
        complaint(unit),
        with(complaint(unit), json!({ "channel": "hotline", "kind": "feedback", "signed": false, "written_on": null })),
        with(complaint(unit), json!({ "channel": "online", "kind": "recommendation" })),
        with(complaint(unit), json!({ "channel": "email" })),
        with(complaint(unit), json!({ "channel": "forwarded_in", "forwarded_from": forwarded })),
        with(complaint(unit), json!({ "channel": "press", "forwarded_from": { "body": "Báo Tuổi Trẻ" } })),
    ];
    let year = &today()[..4];
    for (i, body) in cases.iter().enumerate() {
        let p = app.create("officer", body.clone()).await;
        assert_eq!(p["channel"], body["channel"]);
        assert_eq!(p["status"], "received");
        assert_eq!(p["status_label"], "Đã tiếp nhận");
        assert_eq!(p["reference"], format!("{}/{year}/BNC", i + 1));
        let (status, again) = app.get("officer", &format!("/api/v1/petitions/{}", p["id"].as_str().unwrap())).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again["content"], p["content"]);
    }
    let (_, list) = app.get("officer", "/api/v1/petitions?channel=walk_in").await;
    assert_eq!(list["total"], 1);
    let group = &list["items"][0];
    assert_eq!(group["petitioner_name"], "Trần Văn Bình và 11 người khác");
    let (_, walk_in) = app.get("officer", &format!("/api/v1/petitions/{}", group["id"].as_str().unwrap())).await;
    assert_eq!(walk_in["head_count"], 12);
    assert_eq!(walk_in["written_on"], today(), "a statement recorded at the desk is dated the day it is taken");
    assert_eq!(walk_in["eligibility"]["eligible"], true, "{}", walk_in["eligibility"]);
    let (_, hotline) = app.get("officer", "/api/v1/petitions?channel=hotline").await;
    assert_eq!(hotline["items"][0]["kind"], "feedback");
    assert_eq!(app.total("officer").await, 7);
}

#[tokio::test]
async fn a_retried_intake_with_the_same_key_creates_nothing_new() {
    let app = spawn().await;
    let body = complaint(&app.world.internal_affairs);
    let send = |body: Value| {
        let app = &app;
        async move {
            app.send("officer", reqwest::Method::POST, "/api/v1/petitions", Some(&body), Some("intake-2026-0001")).await
        }
    };
    let (first_status, first) = send(body.clone()).await;
    let (again_status, again) = send(body.clone()).await;
    assert_eq!((first_status, again_status), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(first["id"], again["id"]);
    let (status, err) = send(with(body, json!({ "content": "Một nội dung khác hẳn" }))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(app.total("officer").await, 1);
}

#[tokio::test]
async fn bad_input_is_refused_with_codes_and_nothing_is_written() {
    let app = spawn().await;
    let ok = complaint(&app.world.internal_affairs);
    let too_many_reps = json!({ "type": "group", "head_count": 8, "members": [
        with(person("A Văn", "001203012346"), json!({ "representative": true })),
        with(person("B Văn", "001203012347"), json!({ "representative": true })),
        with(person("C Văn", "001203012348"), json!({ "representative": true })),
    ]});
    let cases: Vec<(&str, Value, StatusCode, &str, Option<&str>)> = vec![
        (
            "empty content",
            with(ok.clone(), json!({ "content": "  " })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "REQUIRED",
            Some("content"),
        ),
        (
            "missing content",
            {
                let mut v = ok.clone();
                v.as_object_mut().unwrap().remove("content");
                v
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_VALUE",
            None,
        ),
        (
            "11-digit CCCD",
            with(
                ok.clone(),
                json!({ "petitioner": { "type": "individual", "full_name": "An", "cccd": "00120301234" } }),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_CCCD",
            Some("petitioner.cccd"),
        ),
        (
            "unknown channel",
            with(ok.clone(), json!({ "channel": "pigeon" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_VALUE",
            Some("channel"),
        ),
        (
            "bad date",
            with(ok.clone(), json!({ "received_on": "20/11/2026" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_VALUE",
            Some("received_on"),
        ),
        (
            "future date",
            with(ok.clone(), json!({ "received_on": "2099-01-01" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_DATE",
            Some("received_on"),
        ),
        (
            "bad phone",
            with(ok.clone(), json!({ "petitioner": { "type": "individual", "full_name": "An", "phone": "12345" } })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_PHONE",
            Some("petitioner.phone"),
        ),
        (
            "too many representatives",
            with(ok.clone(), json!({ "petitioner": too_many_reps })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "TOO_MANY_REPRESENTATIVES",
            Some("petitioner.members"),
        ),
        (
            "forwarded without sender",
            with(ok.clone(), json!({ "channel": "forwarded_in" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "REQUIRED",
            Some("forwarded_from"),
        ),
        (
            "unknown unit",
            with(ok.clone(), json!({ "unit_id": uuid::Uuid::new_v4() })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNIT_NOT_FOUND",
            None,
        ),
        (
            "another unit",
            with(ok.clone(), json!({ "unit_id": app.world.office.id })),
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            None,
        ),
        (
            "unknown case",
            with(ok.clone(), json!({ "case_id": uuid::Uuid::new_v4() })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "CASE_NOT_FOUND",
            None,
        ),
    ];
    for (name, body, status, code, field) in cases {
        let (got, err) = app.post("officer", "/api/v1/petitions", body).await;
        assert_eq!(got, status, "{name}: {err}");
        let fields = &err["error"]["fields"];
        let got_code = if fields.is_array() { fields[0]["code"].clone() } else { err["error"]["code"].clone() };
        assert_eq!(got_code, code, "{name}: {err}");
        if let Some(field) = field {
            assert_eq!(fields[0]["field"], field, "{name}: {err}");
        }
        let message = err["error"]["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && !message.contains("missing field") && !message.contains("unknown variant"),
            "{name}: {message}"
        );
    }
    // Syntax, media type and authentication.
    let raw = app.http.post(format!("{}/api/v1/petitions", app.base)).bearer_auth(&app.tokens["officer"]);
    let res = raw.header("content-type", "application/json").body("{\"unit_id\": ").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "MALFORMED_REQUEST");
    let res = app
        .http
        .post(format!("{}/api/v1/petitions", app.base))
        .bearer_auth(&app.tokens["officer"])
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let (status, err) = app.post("nobody", "/api/v1/petitions", ok.clone()).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("UNAUTHORIZED")));
    let res = app.http.get(format!("{}/api/v1/petitions", app.base)).bearer_auth("dt_forged").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app.get("officer", "/api/v1/petitions?kind=letter").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.total("leader").await, 0, "nothing was written");
}

#[tokio::test]
async fn a_complaint_walks_from_acceptance_to_close() {
    let app = spawn().await;
    let p = app.create("officer", complaint(&app.world.internal_affairs)).await;
    let id = &p["id"];
    assert_eq!(p["allowed_actions"], json!(["classify", "withdraw", "split", "link_to_case"]));
    let intake = &p["deadlines"][0];
    assert_eq!((intake["rule_id"].as_str(), intake["state"].as_str()), (Some("complaint.accept"), Some("open")));
    let explanation: Vec<&str> =
        intake["explanation"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(explanation.iter().any(|l| l.starts_with("Căn cứ: ")), "{explanation:?}");
    assert!(explanation.last().unwrap().starts_with("Hạn cuối: hết ngày "), "{explanation:?}");
    app.command(
        "officer",
        id,
        json!({ "action": "classify", "kind": "complaint", "field": "admin_land", "complexity": "complex" }),
    )
    .await;
    let proposed = app
        .command("officer", id, json!({ "action": "propose", "handling": "accept", "reason": "Thuộc thẩm quyền" }))
        .await;
    assert_eq!(proposed["status_label"], "Chờ lãnh đạo duyệt");
    let (_, as_head) = app.get("head", &format!("/api/v1/petitions/{}", id.as_str().unwrap())).await;
    assert!(as_head["allowed_actions"].as_array().unwrap().contains(&json!("approve")));
    app.command("head", id, json!({ "action": "approve", "note": "Đồng ý thụ lý" })).await;
    app.command("officer", id, json!({ "action": "start_verification" })).await;
    app.command(
        "officer",
        id,
        json!({ "action": "record_dialogue", "held_on": today(), "summary": "Đối thoại tại trụ sở UBND xã" }),
    )
    .await;
    let concluded = app
        .command(
            "head",
            id,
            json!({ "action": "conclude", "outcome": "partly_correct", "summary": "Quyết định số 12/QĐ-UBND" }),
        )
        .await;
    assert_eq!(concluded["outcome"], "partly_correct");
    app.command("officer", id, json!({ "action": "start_enforcement" })).await;
    let closed = app.command("head", id, json!({ "action": "close", "note": "Đã thi hành xong" })).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["complexity"], "complex");
    assert_eq!(closed["allowed_actions"], json!(["link_to_case"]));
    let rules: Vec<(&str, &str)> = closed["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule_id"].as_str().unwrap(), d["state"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("complaint.accept", "met"), ("complaint.resolve.first", "met")]);
    let (_, events) = app.get("officer", &format!("/api/v1/petitions/{}/events", id.as_str().unwrap())).await;
    let labels: Vec<_> = events.as_array().unwrap().iter().map(|e| e["action_label"].as_str().unwrap()).collect();
    assert_eq!(labels[0], "Tiếp nhận đơn");
    assert_eq!(labels[3], "Lãnh đạo duyệt hướng xử lý");
    assert_eq!(labels.len(), 9);
    assert_eq!(events[3]["actor_name"], "Trần Văn Hùng");
    assert_eq!(events[3]["reason"], "Đồng ý thụ lý");
}

#[tokio::test]
async fn every_handling_and_interruption_works_through_the_api() {
    let app = spawn().await;
    let unit = &app.world.internal_affairs;
    async fn handled(app: &TestApp, body: Value, kind: &str, proposal: Value) -> Value {
        let p = app.create("officer", body).await;
        app.command("officer", &p["id"], json!({ "action": "classify", "kind": kind, "field": "admin_land" })).await;
        app.command("officer", &p["id"], proposal).await;
        app.command("head", &p["id"], json!({ "action": "approve" })).await
    }
    // Forward to another unit in donthu: the item appears in its register.
    let fwd = handled(
        &app,
        complaint(unit),
        "complaint",
        json!({ "action": "propose", "handling": "forward", "to_unit": app.world.office.id }),
    )
    .await;
    assert_eq!(fwd["status"], "forwarded");
    let (_, forwardings) =
        app.get("officer", &format!("/api/v1/petitions/{}/forwardings", fwd["id"].as_str().unwrap())).await;
    let copy_id = forwardings[0]["copy_petition_id"].as_str().unwrap().to_owned();
    let (status, copy) = app.get("office_officer", &format!("/api/v1/petitions/{copy_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (copy["channel"].as_str(), copy["forwarded_from"]["body"].as_str()),
        (Some("forwarded_in"), Some("Ban Nội chính Tỉnh ủy"))
    );
    // Guide, return, archive.
    let guided = handled(
        &app,
        complaint(unit),
        "complaint",
        json!({ "action": "propose", "handling": "guide", "to_body": "Tòa án nhân dân khu vực 1" }),
    )
    .await;
    assert_eq!(guided["status"], "guided");
    let returned = handled(
        &app,
        complaint(unit),
        "complaint",
        json!({ "action": "propose", "handling": "return", "reason": "Đơn chưa có chữ ký" }),
    )
    .await;
    assert_eq!(returned["status"], "returned");
    let archived = handled(
        &app,
        complaint(unit),
        "feedback",
        json!({ "action": "propose", "handling": "archive", "reason": "Trùng nội dung" }),
    )
    .await;
    assert_eq!(archived["status"], "archived");
    // Withdrawal of an accepted complaint.
    let accepted =
        handled(&app, complaint(unit), "complaint", json!({ "action": "propose", "handling": "accept" })).await;
    let withdrawn = app
        .command("officer", &accepted["id"], json!({ "action": "withdraw", "reason": "Đơn xin rút khiếu nại" }))
        .await;
    assert_eq!(withdrawn["status"], "withdrawn");
    // Temporary suspension and resumption of a denunciation, then a final suspension.
    let denunciation = with(
        complaint(unit),
        json!({ "kind": "denunciation", "target": { "kind": "person", "name": "Lê Văn Cường" } }),
    );
    let d = handled(&app, denunciation, "denunciation", json!({ "action": "propose", "handling": "accept" })).await;
    app.command("officer", &d["id"], json!({ "action": "start_verification" })).await;
    let paused = app
        .command("head", &d["id"], json!({ "action": "suspend_temporarily", "reason": "Chờ kết quả giám định" }))
        .await;
    assert_eq!(paused["status"], "temporarily_suspended");
    let resumed =
        app.command("head", &d["id"], json!({ "action": "resume", "reason": "Đã có kết quả giám định" })).await;
    assert_eq!(resumed["status"], "verifying");
    let ended =
        app.command("head", &d["id"], json!({ "action": "suspend", "reason": "Người bị tố cáo đã chết" })).await;
    assert_eq!(ended["status"], "suspended");
}

#[tokio::test]
async fn a_mixed_visit_is_split_and_a_repeat_is_linked_to_its_case() {
    let app = spawn().await;
    let unit = &app.world.internal_affairs;
    let visit = app
        .create("officer", with(complaint(unit), json!({ "channel": "walk_in", "reception": { "form": "regular" } })))
        .await;
    let split = app
        .command(
            "officer",
            &visit["id"],
            json!({ "action": "split", "parts": [
                { "kind": "complaint", "field": "admin_land", "content": "Khiếu nại quyết định thu hồi đất" },
                { "kind": "recommendation", "field": "admin_other", "content": "Kiến nghị sửa đường liên thôn" }
            ]}),
        )
        .await;
    assert_eq!(split["status"], "split");
    let (_, parts) = app.get("officer", "/api/v1/petitions?status=received").await;
    assert_eq!(parts["total"], 2);
    for part in parts["items"].as_array().unwrap() {
        let (_, p) = app.get("officer", &format!("/api/v1/petitions/{}", part["id"].as_str().unwrap())).await;
        assert_eq!(p["split_from"], visit["id"]);
        assert_eq!(p["channel"], "walk_in");
    }
    // A second letter of the same citizen, linked at intake; a third linked afterwards.
    let first = app.create("officer", complaint(unit)).await;
    let linked = app.create("officer", with(complaint(unit), json!({ "case_id": first["case_id"] }))).await;
    assert_eq!(linked["case_id"], first["case_id"]);
    let later = app.create("officer", complaint(unit)).await;
    let moved =
        app.command("officer", &later["id"], json!({ "action": "link_to_case", "case_id": first["case_id"] })).await;
    assert_eq!(moved["case_id"], first["case_id"]);
    let (status, case) = app.get("officer", &format!("/api/v1/cases/{}", first["case_id"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(case["petitions"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn illegal_transitions_are_refused_and_write_nothing() {
    let app = spawn().await;
    let p = app.create("officer", complaint(&app.world.internal_affairs)).await;
    let path = format!("/api/v1/petitions/{}/commands", p["id"].as_str().unwrap());
    let refusals = [
        (
            "head",
            json!({ "action": "conclude", "outcome": "correct", "summary": "x" }),
            StatusCode::CONFLICT,
            "TRANSITION_NOT_ALLOWED",
        ),
        ("officer", json!({ "action": "approve" }), StatusCode::FORBIDDEN, "ROLE_NOT_PERMITTED"),
        ("officer", json!({ "action": "fly" }), StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_FAILED"),
        (
            "officer",
            json!({ "action": "withdraw", "reason": "" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        ),
        (
            "office_officer",
            json!({ "action": "classify", "kind": "complaint", "field": "other" }),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
    ];
    for (who, cmd, status, code) in refusals {
        let (got, err) = app.post(who, &path, cmd.clone()).await;
        assert_eq!((got, err["error"]["code"].as_str().unwrap()), (status, code), "{cmd}: {err}");
        assert!(!err["error"]["message"].as_str().unwrap().is_empty());
    }
    let (_, after) = app.get("officer", &format!("/api/v1/petitions/{}", p["id"].as_str().unwrap())).await;
    assert_eq!((after["status"].as_str(), after["version"].as_i64()), (Some("received"), Some(1)));
    let (_, events) = app.get("officer", &format!("/api/v1/petitions/{}/events", p["id"].as_str().unwrap())).await;
    assert_eq!(events.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn another_units_item_is_not_found_anywhere() {
    let app = spawn().await;
    let theirs = app.create("office_officer", complaint(&app.world.office)).await;
    let id = theirs["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/petitions/{id}"),
        format!("/api/v1/petitions/{id}/events"),
        format!("/api/v1/petitions/{id}/forwardings"),
        format!("/api/v1/cases/{}", theirs["case_id"].as_str().unwrap()),
    ] {
        let (status, err) = app.get("officer", &path).await;
        assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")), "{path}");
    }
    assert_eq!(app.total("officer").await, 0);
    assert_eq!(app.total("office_officer").await, 1);
    let (status, _) = app.get("officer", "/api/v1/petitions/not-a-uuid").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_denouncer_identity_is_shown_only_to_custodians_who_give_a_reason() {
    let app = spawn().await;
    let body = with(
        complaint(&app.world.internal_affairs),
        json!({
            "kind": "denunciation",
            "petitioner": { "type": "individual", "full_name": "Trần Thị Bích Ngọc", "address": "Tổ 5, phường Tân Đồng", "phone": "0987654321", "cccd": "079090001234" },
            "target": { "kind": "person", "name": "Lê Văn Cường", "position": "Công chức địa chính xã" }
        }),
    );
    let created = app.create("officer", body).await;
    let id = created["id"].as_str().unwrap();
    for who in ["officer", "head", "leader"] {
        for path in [
            format!("/api/v1/petitions/{id}"),
            format!("/api/v1/petitions/{id}/events"),
            "/api/v1/petitions".to_owned(),
        ] {
            let (_, value) = app.get(who, &path).await;
            let text = value.to_string();
            assert!(
                !text.contains("Bích Ngọc") && !text.contains("079090001234") && !text.contains("0987654321"),
                "{who} {path}: {text}"
            );
        }
    }
    assert!(!created.to_string().contains("Bích Ngọc"), "not even in the intake answer");
    assert_eq!(created["petitioner"]["visibility"], "sealed");
    assert_eq!(created["petitioner_name"], "(bảo mật)");
    let reveal = format!("/api/v1/petitions/{id}/identity/reveal");
    let (status, err) = app.post("head", &reveal, json!({ "reason": "Cần liên hệ" })).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("FORBIDDEN")));
    let (status, _) = app.post("custodian", &reveal, json!({ "reason": "" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, revealed) =
        app.post("custodian", &reveal, json!({ "reason": "Mời người tố cáo bổ sung chứng cứ" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(revealed["petitioner"]["full_name"], "Trần Thị Bích Ngọc");
    let (_, events) = app.get("custodian", &format!("/api/v1/petitions/{id}/events")).await;
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["actor_name"].as_str()), (Some("reveal_identity"), Some("Võ Thị Bảo")));
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn().await;
    let (status, doc) = app.get("nobody", "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/petitions",
        "/api/v1/petitions/{id}",
        "/api/v1/petitions/{id}/commands",
        "/api/v1/petitions/{id}/events",
        "/api/v1/cases/{id}",
        "/api/v1/units",
        "/api/v1/me",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    for schema in ["Command", "NewPetition", "PetitionOut", "ErrorBody", "Petitioner", "Status"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema} missing");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let (status, err) = app.get("officer", "/api/v1/no/such/page").await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
    let (status, me) = app.get("officer", "/api/v1/me").await;
    assert_eq!((status, me["roles"][0]["role_label"].as_str()), (StatusCode::OK, Some("Cán bộ tiếp dân, xử lý đơn")));
}

#[tokio::test]
async fn administrators_add_units_and_merge_them() {
    let app = spawn().await;
    let new_unit = json!({ "code": "XA-MOI", "name": "UBND xã Tân Lập Mới", "kind": "commune", "parent_code": "BNC" });
    let (status, err) = app.post("head", "/api/v1/units", new_unit.clone()).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("FORBIDDEN")));
    let (status, unit) = app.post("admin", "/api/v1/units", new_unit.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    assert_eq!(unit["kind_label"], "Xã, phường, đặc khu");
    let (status, err) = app.post("admin", "/api/v1/units", new_unit).await;
    assert_eq!((status, err["error"]["fields"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("ALREADY_EXISTS")));
    let (status, err) =
        app.post("admin", "/api/v1/units", json!({ "code": "xã mới", "name": "X", "kind": "commune" })).await;
    assert_eq!(
        (status, err["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("INVALID_UNIT_CODE"))
    );

    let open = app.create("commune_officer", complaint(&app.world.commune)).await;
    let merge = |on: &str| json!({ "type": "merge", "sources": [app.world.commune.id], "into": unit["id"], "effective_on": on });
    let (status, err) = app.post("admin", "/api/v1/units/reorganize", merge("2099-01-01")).await;
    assert_eq!(
        (status, err["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("INVALID_DATE"))
    );
    let (status, done) = app.post("admin", "/api/v1/units/reorganize", merge(&today())).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["moved_petitions"], 1);
    let (_, moved) = app.get("head", &format!("/api/v1/petitions/{}", open["id"].as_str().unwrap())).await;
    assert_eq!(moved["unit_id"], unit["id"]);
    let (_, units) = app.get("admin", "/api/v1/units").await;
    let old = units.as_array().unwrap().iter().find(|u| u["code"] == "XA-TANLAP").unwrap().clone();
    assert_eq!((old["active"].as_bool(), &old["successor_id"]), (Some(false), &unit["id"]));
}

#[tokio::test]
async fn attachments_round_trip() {
    let app = spawn().await;
    let p = app.create("officer", complaint(&app.world.internal_affairs)).await;
    let id = p["id"].as_str().unwrap();
    let pdf = b"%PDF-1.4 don khieu nai".to_vec();
    let res = app
        .http
        .post(format!("{}/api/v1/petitions/{id}/attachments?file_name=Đơn khiếu nại.pdf", app.base))
        .bearer_auth(&app.tokens["officer"])
        .header("content-type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let attachment: Value = res.json().await.unwrap();
    assert_eq!(
        (attachment["file_name"].as_str(), attachment["size_bytes"].as_i64()),
        (Some("Đơn khiếu nại.pdf"), Some(pdf.len() as i64))
    );
    let (_, list) = app.get("officer", &format!("/api/v1/petitions/{id}/attachments")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let url = format!("{}/api/v1/petitions/{id}/attachments/{}", app.base, attachment["id"].as_str().unwrap());
    let res = app.http.get(&url).bearer_auth(&app.tokens["officer"]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("%C4%90%C6%A1n"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    let res = app.http.get(&url).bearer_auth(&app.tokens["office_officer"]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "another unit cannot fetch it");
    let empty = app
        .http
        .post(format!("{}/api/v1/petitions/{id}/attachments?file_name=x.pdf", app.base))
        .bearer_auth(&app.tokens["officer"])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_handwritten_letter_is_sealed_with_the_identity() {
    let app = spawn().await;
    let body = with(
        complaint(&app.world.internal_affairs),
        json!({ "kind": "denunciation", "target": { "kind": "person", "name": "Lê Văn Cường" } }),
    );
    let p = app.create("officer", body).await;
    let id = p["id"].as_str().unwrap();
    let upload = |who: &'static str, path: String| {
        let req = app.http.post(format!("{}{path}", app.base)).bearer_auth(&app.tokens[who]);
        req.header("content-type", "image/jpeg").body(b"JPEG handwriting of the denouncer".to_vec()).send()
    };
    let res = upload(
        "officer",
        format!("/api/v1/petitions/{id}/attachments?file_name=Thư tay Trần Thị Bích.jpg&identity=true"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let sealed: Value = res.json().await.unwrap();
    assert_eq!(sealed["file_name"], "Tài liệu bảo mật về danh tính người tố cáo");
    let url = format!("{}/api/v1/petitions/{id}/attachments/{}", app.base, sealed["id"].as_str().unwrap());
    let res = app.http.get(&url).bearer_auth(&app.tokens["head"]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.http.get(&url).bearer_auth(&app.tokens["custodian"]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    let res = app
        .http
        .get(format!("{url}?reason=Đối chiếu chữ viết"))
        .bearer_auth(&app.tokens["custodian"])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("Th%C6%B0%20tay"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"JPEG handwriting of the denouncer");
    let (_, events) = app.get("custodian", &format!("/api/v1/petitions/{id}/events")).await;
    assert_eq!(events.as_array().unwrap().last().unwrap()["action"], "reveal_identity");
    // Nothing of it is readable on disk, and a complaint has no identity to seal.
    for entry in walk(&app.dir) {
        let bytes = std::fs::read(&entry).unwrap();
        for needle in [&b"JPEG handwriting"[..], "Trần Thị Bích".as_bytes()] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{}", entry.display());
        }
    }
    let plain = app.create("officer", complaint(&app.world.internal_affairs)).await;
    let res = upload(
        "officer",
        format!("/api/v1/petitions/{}/attachments?file_name=a.jpg&identity=true", plain["id"].as_str().unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn the_forwarder_sees_what_is_owed_and_what_came_back() {
    let app = spawn().await;
    let p = app.create("office_officer", complaint(&app.world.office)).await;
    app.command(
        "office_officer",
        &p["id"],
        json!({ "action": "classify", "kind": "complaint", "field": "admin_land" }),
    )
    .await;
    app.command(
        "office_officer",
        &p["id"],
        json!({ "action": "propose", "handling": "forward", "to_unit": app.world.internal_affairs.id }),
    )
    .await;
    app.command("office_head", &p["id"], json!({ "action": "approve" })).await;

    let (status, summary) = app.get("office_head", "/api/v1/forwardings/summary").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(summary[0]["unit_name"], "Ban Nội chính Tỉnh ủy");
    assert_eq!((summary[0]["forwarded"].as_u64(), summary[0]["acknowledgement"]["owed"].as_u64()), (Some(1), Some(1)));
    let (_, owed) = app.get("head", "/api/v1/forwardings?direction=incoming").await;
    assert_eq!(owed.as_array().unwrap().len(), 1);
    assert_eq!(owed[0]["from_unit_name"], "Văn phòng Tỉnh ủy");
    assert_eq!(owed[0]["acknowledgement"]["standing_label"], "Đang trong hạn");
    let copy = owed[0]["copy_petition_id"].clone();

    app.command("officer", &copy, json!({ "action": "classify", "kind": "complaint", "field": "admin_land" })).await;
    app.command(
        "officer",
        &copy,
        json!({ "action": "propose", "handling": "guide", "to_body": "Tòa án nhân dân khu vực 1" }),
    )
    .await;
    let guided = app.command("head", &copy, json!({ "action": "approve" })).await;
    assert!(guided["allowed_actions"].as_array().unwrap().contains(&json!("report_to_forwarder")));
    app.command(
        "officer",
        &copy,
        json!({ "action": "report_to_forwarder", "summary": "Đã hướng dẫn công dân khởi kiện tại Tòa án" }),
    )
    .await;

    let (_, summary) = app.get("office_head", "/api/v1/forwardings/summary").await;
    assert_eq!(
        (summary[0]["acknowledgement"]["done"].as_u64(), summary[0]["result"]["done"].as_u64()),
        (Some(1), Some(1))
    );
    let (_, sent) = app.get("office_head", "/api/v1/forwardings").await;
    assert_eq!(sent[0]["result_summary"], "Đã hướng dẫn công dân khởi kiện tại Tòa án");
    let (_, events) = app.get("office_head", &format!("/api/v1/petitions/{}/events", p["id"].as_str().unwrap())).await;
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action_label"], "Nhận báo cáo kết quả của đơn vị được chuyển đơn");
    let (status, _) = app.get("office_head", "/api/v1/forwardings?direction=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn officials_read_their_reminders() {
    let app = spawn().await;
    let p = app
        .create(
            "officer",
            with(
                complaint(&app.world.internal_affairs),
                json!({ "received_on": "2026-11-16", "written_on": "2026-11-16" }),
            ),
        )
        .await;
    // Monday 23/11/2026, 09:00 in Hà Nội: two working days before the acceptance deadline.
    let monday = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, 2, 0, 0).unwrap();
    app.store.run_reminders(&Default::default(), monday).await.unwrap();
    let (status, notes) = app.get("officer", "/api/v1/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!((notes[0]["level"].as_str(), &notes[0]["petition_id"]), (Some("due_soon"), &p["id"]));
    assert!(notes[0]["message"].as_str().unwrap().contains(p["reference"].as_str().unwrap()));
    let (_, none) = app.get("office_officer", "/api/v1/notifications").await;
    assert!(none.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn administrators_change_the_calendar_and_deadlines_follow() {
    let app = spawn().await;
    let (status, days) = app.get("officer", "/api/v1/calendar/2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        days.as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == "2026-04-27" && d["reason"].as_str().unwrap().starts_with("Nghỉ bù"))
    );
    let p = app.create("officer", complaint(&app.world.internal_affairs)).await;
    let due_before = p["deadlines"][0]["due_on"].as_str().unwrap().to_owned();
    let entries = json!({ "entries": [{ "date": due_before, "type": "off", "reason": "Nghỉ đột xuất theo quyết định của Chủ tịch UBND tỉnh" }] });
    let (status, _) = app.post("officer", "/api/v1/calendar/entries", entries.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, bad) = app
        .post(
            "admin",
            "/api/v1/calendar/entries",
            json!({ "entries": [{ "date": "2026-12-01", "type": "holiday", "reason": "" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["fields"].as_array().unwrap().len(), 2);
    let (status, change) = app.post("admin", "/api/v1/calendar/entries", entries).await;
    assert_eq!(status, StatusCode::OK, "{change}");
    assert_eq!((change["saved"].as_u64(), change["deadlines_moved"].as_u64()), (Some(1), Some(1)));
    let (_, after) = app.get("officer", &format!("/api/v1/petitions/{}", p["id"].as_str().unwrap())).await;
    assert_ne!(after["deadlines"][0]["due_on"].as_str().unwrap(), due_before);
    let explanation = after["deadlines"][0]["explanation"].to_string();
    assert!(explanation.contains("Nghỉ đột xuất"), "{explanation}");
    let (_, rules) = app.get("officer", "/api/v1/deadline-rules").await;
    assert!(
        rules["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "complaint.accept" && r["effective_from"] == "2026-07-01")
    );
}
