//! The store contract: behaviour every [`Store`] implementation must show. Each
//! implementation's test file calls [`contract_tests!`](crate::contract_tests) with a
//! function that makes a store on a fresh, empty database, so each test runs alone.

use crate::model::*;
use crate::service::{self, vietnam_today};
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use donthu_core::ErrorCode;
use donthu_core::person::{Cccd, Person};
use donthu_core::petition::*;
use donthu_core::process::{Command, DecisionContext, Handling, Outcome, SplitPart, Status, decide};
use donthu_core::unit::{Role, UnitCode, UnitKind};
use sha2::Digest;
use std::sync::Arc;
use uuid::Uuid;

/// A store on a fresh database, and whatever must live as long as it (e.g. the guard
/// that drops a PostgreSQL test database).
pub struct Fixture {
    pub store: Arc<dyn Store>,
    pub guard: Box<dyn std::any::Any + Send + Sync>,
}

/// Declares one `#[tokio::test]` per contract test. `$make` is an async fn returning
/// `Option<Fixture>`; `None` skips the test (said plainly by the implementation).
#[macro_export]
macro_rules! contract_tests {
    ($make:path) => {
        $crate::contract_tests!(@each $make,
            units_and_users,
            reference_numbers_count_per_unit_and_year,
            intake_is_idempotent,
            intake_refuses_unknown_unit_and_case,
            concurrent_intakes_are_each_registered_or_refused_alone,
            a_complaint_walks_to_close_with_its_audit_trail,
            a_stale_decision_writes_nothing,
            illegal_commands_write_nothing,
            the_denouncer_identity_is_sealed,
            reclassifying_as_denunciation_seals_the_identity,
            scope_hides_other_units_items,
            forwarding_registers_the_item_at_the_receiving_unit,
            the_bulk_path_writes_what_intake_and_commands_write,
            a_denunciation_is_forwarded_only_once_per_case,
            splitting_creates_linked_parts,
            linking_moves_a_petition_into_a_case,
            merging_units_moves_open_items,
            lists_filter_and_page,
            attachments_are_recorded,
            calendar_entries_are_saved_and_replaced,
            deadlines_follow_the_processing,
            a_schedule_change_moves_open_deadlines_and_says_why,
            a_forwarded_item_owes_acknowledgement_and_result,
            extensions_follow_the_complexity,
            reminders_go_out_once_on_working_days_in_office_hours,
            the_outbox_retries_then_dead_letters,
            web_sessions_end_on_password_change,
            failed_sign_ins_are_counted_per_key,
            search_ignores_diacritics_and_never_finds_a_sealed_identity,
            the_worklist_orders_open_items_by_deadline,
            similar_petitions_are_suggested_without_revealing_denouncers,
            a_portal_submission_keeps_only_the_tracking_code_digest,
            officials_are_listed_and_their_roles_replaced,
            a_head_assigns_petitions_to_officials,
            office_versions_of_letter_templates_are_kept,
            issued_documents_are_numbered_stored_and_logged,
            report_facts_follow_the_register_and_the_timeline,
            legacy_imports_are_idempotent_and_mappings_kept_per_unit,
            a_reception_session_is_prepared_held_and_followed_up,
            violations_are_registered_with_their_measure_and_apology,
            forwardings_are_read_by_period_with_their_chase_ups,
            oversight_recommendations_are_sent_and_answered_once,
            level_skipping_is_flagged_and_the_competent_unit_told,
            a_leader_is_assigned_to_follow_a_case,
            conclusion_tasks_and_recommendations_are_reminded_once
        );
    };
    (@each $make:path, $($name:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(fixture) = $make().await else { return };
                $crate::contract::$name(fixture.store.clone()).await;
                drop(fixture);
            }
        )*
    };
}

/// A fixed moment: 10:00 in Hà Nội on Friday 20 November 2026.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A small province: the Party committee with two boards and a commune below it, and an
/// official in each role.
pub struct World {
    pub province: Unit,
    pub internal_affairs: Unit,
    pub office: Unit,
    pub commune: Unit,
    pub officer: User,
    pub head: User,
    pub office_officer: User,
    pub office_head: User,
    pub commune_officer: User,
    pub custodian: User,
    pub leader: User,
}

async fn unit(store: &dyn Store, code: &str, name: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    store
        .create_unit(NewUnit {
            code: UnitCode::parse(code).unwrap(),
            name: name.into(),
            kind,
            parent_code: parent.map(|p| UnitCode::parse(p).unwrap()),
        })
        .await
        .unwrap()
}

async fn user(store: &dyn Store, username: &str, full_name: &str, roles: &[(&Unit, Role)]) -> User {
    store
        .create_user(NewUser {
            username: username.into(),
            full_name: full_name.into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
            email: Some(format!("{username}@donthu.test")),
            roles: roles.iter().map(|(u, r)| UnitRole { unit_id: u.id, role: *r }).collect(),
        })
        .await
        .unwrap()
}

pub async fn world(store: &dyn Store) -> World {
    let province = unit(store, "TU", "Tỉnh ủy", UnitKind::PartyCommittee, None).await;
    let internal_affairs = unit(store, "BNC", "Ban Nội chính Tỉnh ủy", UnitKind::PartyBoard, Some("TU")).await;
    let office = unit(store, "VPTU", "Văn phòng Tỉnh ủy", UnitKind::PartyOffice, Some("TU")).await;
    let commune = unit(store, "XA-TANLAP", "UBND xã Tân Lập", UnitKind::Commune, Some("BNC")).await;
    World {
        officer: user(store, "lan", "Nguyễn Thị Lan", &[(&internal_affairs, Role::Officer)]).await,
        head: user(store, "hung", "Trần Văn Hùng", &[(&internal_affairs, Role::Head)]).await,
        office_officer: user(store, "mai", "Lê Thị Mai", &[(&office, Role::Officer)]).await,
        office_head: user(store, "son", "Phạm Văn Sơn", &[(&office, Role::Head)]).await,
        commune_officer: user(store, "tam", "Đỗ Văn Tâm", &[(&commune, Role::Officer)]).await,
        custodian: user(store, "bao", "Võ Thị Bảo", &[(&province, Role::Custodian)]).await,
        leader: user(store, "quang", "Hoàng Minh Quang", &[(&province, Role::Leader)]).await,
        province,
        internal_affairs,
        office,
        commune,
    }
}

pub fn citizen(name: &str, cccd: &str) -> Person {
    Person {
        full_name: name.into(),
        address: Some("Thôn Đông, xã Tân Lập".into()),
        phone: Some("0912345678".into()),
        email: None,
        cccd: Some(Cccd::parse(cccd).unwrap()),
    }
}

/// A complete, eligible complaint about a land decision.
pub fn complaint(unit: &Unit) -> NewPetition {
    NewPetition {
        unit_id: unit.id,
        channel: Channel::Post,
        received_on: date(2026, 11, 16),
        written_on: Some(date(2026, 11, 10)),
        kind: Kind::Complaint,
        field: Field::AdminLand,
        petitioner: Petitioner::Individual(citizen("Nguyễn Văn An", "001203012345")),
        signed: true,
        target: Some(Target {
            kind: TargetKind::Body,
            name: "UBND xã Tân Lập".into(),
            address: Some("Xã Tân Lập".into()),
            position: None,
        }),
        content: "Khiếu nại Quyết định số 45/QĐ-UBND về việc thu hồi đất nông nghiệp của gia đình tôi mà không bồi thường thỏa đáng.".into(),
        forwarded_from: None,
        reception: None,
    }
}

pub fn denunciation(unit: &Unit) -> NewPetition {
    NewPetition {
        kind: Kind::Denunciation,
        field: Field::AdminCivilService,
        petitioner: Petitioner::Individual(citizen("Trần Thị Bích Ngọc", "079090001234")),
        target: Some(Target {
            kind: TargetKind::Person,
            name: "Lê Văn Cường".into(),
            address: None,
            position: Some("Công chức địa chính xã Tân Lập".into()),
        }),
        content: "Tố cáo ông Lê Văn Cường, công chức địa chính xã, nhận tiền để xác nhận hồ sơ cấp giấy chứng nhận quyền sử dụng đất sai quy định.".into(),
        ..complaint(unit)
    }
}

pub async fn register(store: &dyn Store, by: &User, p: NewPetition) -> Uuid {
    let intake = Intake {
        petition: p,
        case_id: None,
        recorded_by: Some(by.id),
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency: None,
    };
    service::register(store, by, intake, now()).await.unwrap().petition_id
}

pub async fn exec(store: &dyn Store, by: &User, id: Uuid, cmd: Command) -> Petition {
    service::execute(store, by, id, &cmd, now()).await.unwrap_or_else(|e| panic!("{cmd:?} refused: {e:?}"))
}

pub fn classify(kind: Kind) -> Command {
    Command::Classify {
        kind,
        field: Field::AdminLand,
        complexity: Complexity::Normal,
        remote_area: false,
        complaint_round: None,
    }
}

pub fn propose(handling: Handling, to_unit: Option<Uuid>) -> Command {
    Command::Propose {
        handling,
        to_unit,
        to_body: None,
        reason: Some("Theo thẩm quyền".into()),
        reply_within_days: None,
    }
}

fn approve() -> Command {
    Command::Approve { note: None }
}

async fn scope(store: &dyn Store, u: &User) -> Scope {
    service::scope(store, u).await.unwrap()
}

fn code(e: StoreError) -> ErrorCode {
    match e {
        StoreError::Domain(d) if d.code == ErrorCode::ValidationFailed && !d.fields.is_empty() => d.fields[0].code,
        other => other.code(),
    }
}

pub async fn units_and_users(store: Arc<dyn Store>) {
    let s = &*store;
    assert!(s.is_empty().await.unwrap());
    let w = world(s).await;
    assert!(!s.is_empty().await.unwrap());
    let units = s.units().await.unwrap();
    assert_eq!(units.len(), 4);
    let commune = units.iter().find(|u| u.code.as_str() == "XA-TANLAP").unwrap();
    assert_eq!(commune.parent_id, Some(w.internal_affairs.id));
    assert_eq!(commune.name, "UBND xã Tân Lập");

    let dup = s
        .create_unit(NewUnit {
            code: UnitCode::parse("BNC").unwrap(),
            name: "Khác".into(),
            kind: UnitKind::Other,
            parent_code: None,
        })
        .await
        .unwrap_err();
    assert_eq!(code(dup), ErrorCode::AlreadyExists);
    let orphan = s
        .create_unit(NewUnit {
            code: UnitCode::parse("X").unwrap(),
            name: "X".into(),
            kind: UnitKind::Other,
            parent_code: Some(UnitCode::parse("NOPE").unwrap()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(orphan), ErrorCode::UnitNotFound);
    assert_eq!(s.units().await.unwrap().len(), 4, "refusals wrote nothing");

    let (found, hash) = s.user_by_username("hung").await.unwrap().unwrap();
    assert_eq!(found, w.head);
    assert!(hash.starts_with("$argon2id$"));
    assert_eq!(found.roles, vec![UnitRole { unit_id: w.internal_affairs.id, role: Role::Head }]);
    let officer = s.user(w.officer.id).await.unwrap().unwrap();
    assert_eq!((officer.full_name.as_str(), officer.email.as_deref()), ("Nguyễn Thị Lan", Some("lan@donthu.test")));
    assert!(s.user_by_username("nobody").await.unwrap().is_none());
    let taken = s
        .create_user(NewUser {
            username: "hung".into(),
            full_name: "X".into(),
            password_hash: "x".into(),
            email: None,
            roles: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(code(taken), ErrorCode::AlreadyExists);

    s.create_api_token(w.officer.id, "digest-1", "máy chủ tích hợp", now()).await.unwrap();
    assert_eq!(s.user_by_api_token("digest-1").await.unwrap().unwrap().id, w.officer.id);
    assert!(s.user_by_api_token("digest-2").await.unwrap().is_none());
}

pub async fn reference_numbers_count_per_unit_and_year(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let mut refs = Vec::new();
    for received_on in [date(2025, 12, 30), date(2026, 1, 2), date(2026, 3, 4)] {
        let id = register(
            s,
            &w.officer,
            NewPetition { received_on, written_on: Some(received_on), ..complaint(&w.internal_affairs) },
        )
        .await;
        refs.push(s.petition(id, &Scope::All).await.unwrap().unwrap().reference.to_string());
    }
    let other = register(s, &w.office_officer, complaint(&w.office)).await;
    refs.push(s.petition(other, &Scope::All).await.unwrap().unwrap().reference.to_string());
    assert_eq!(refs, ["1/2025/BNC", "1/2026/BNC", "2/2026/BNC", "1/2026/VPTU"]);
}

pub async fn intake_is_idempotent(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let key = |digest: &str| IdempotencyKey {
        scope: w.officer.id.to_string(),
        key: "k-123".into(),
        request_digest: digest.into(),
    };
    let intake = |digest: &str| Intake {
        petition: complaint(&w.internal_affairs),
        case_id: None,
        recorded_by: Some(w.officer.id),
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency: Some(key(digest)),
    };
    let first = service::register(s, &w.officer, intake("d1"), now()).await.unwrap();
    assert!(first.created);
    let again = service::register(s, &w.officer, intake("d1"), now()).await.unwrap();
    assert_eq!(again, Registered { petition_id: first.petition_id, created: false });
    let reused = service::register(s, &w.officer, intake("d2"), now()).await.unwrap_err();
    assert_eq!(code(reused), ErrorCode::IdempotencyKeyReused);
    // Concurrent retries of one request still create one petition.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let intake = Intake {
                idempotency: Some(IdempotencyKey { key: "k-concurrent".into(), ..key("d3") }),
                ..intake("d3")
            };
            let officer = w.officer.clone();
            tokio::spawn(async move { service::register(&*store, &officer, intake, now()).await.unwrap() })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().petition_id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one petition for one key");
    assert_eq!(s.count_petitions(&Scope::All, &PetitionFilter::default()).await.unwrap(), 2);
}

/// Many officials registering at once (on SQLite, one group commit for several): every
/// valid letter gets its own number and is durable, a refused one writes nothing and
/// does not take the others down with it.
pub async fn concurrent_intakes_are_each_registered_or_refused_alone(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let store = store.clone();
            let officer = w.officer.clone();
            let intake = Intake {
                petition: complaint(&w.internal_affairs),
                // Every fourth names a case that does not exist.
                case_id: (i % 4 == 3).then(Uuid::new_v4),
                recorded_by: Some(w.officer.id),
                tracking_digest: None,
                attachments: Vec::new(),
                idempotency: None,
            };
            tokio::spawn(async move { service::register(&*store, &officer, intake, now()).await })
        })
        .collect();
    let mut registered = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        match t.await.unwrap() {
            Ok(r) => {
                assert!(i % 4 != 3 && r.created, "letter {i}");
                registered.push(r.petition_id);
            }
            Err(e) => {
                assert_eq!((i % 4, code(e)), (3, ErrorCode::CaseNotFound), "letter {i}");
            }
        }
    }
    assert_eq!(registered.len(), 18);
    let all = PetitionFilter { limit: 100, ..Default::default() };
    let listed = s.list_petitions(&Scope::All, &all).await.unwrap();
    assert_eq!(listed.len(), 18, "the refused letters wrote nothing");
    let mut numbers: Vec<u32> = listed.iter().map(|p| p.reference.sequence).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=18).collect::<Vec<_>>(), "numbers without gaps or repeats");
    for id in registered {
        assert_eq!(s.events(id).await.unwrap().len(), 1, "each with its intake event");
    }
}

pub async fn intake_refuses_unknown_unit_and_case(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let nowhere = NewPetition { unit_id: Uuid::new_v4(), ..complaint(&w.internal_affairs) };
    let e = service::register(
        s,
        &w.officer,
        Intake {
            petition: nowhere,
            case_id: None,
            recorded_by: Some(w.officer.id),
            tracking_digest: None,
            attachments: Vec::new(),
            idempotency: None,
        },
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ErrorCode::UnitNotFound);
    let unknown_case = Intake {
        petition: complaint(&w.internal_affairs),
        case_id: Some(Uuid::new_v4()),
        recorded_by: Some(w.officer.id),
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency: None,
    };
    assert_eq!(code(service::register(s, &w.officer, unknown_case, now()).await.unwrap_err()), ErrorCode::CaseNotFound);
    let elsewhere = Intake {
        petition: complaint(&w.office),
        case_id: None,
        recorded_by: Some(w.officer.id),
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency: None,
    };
    assert_eq!(code(service::register(s, &w.officer, elsewhere, now()).await.unwrap_err()), ErrorCode::Forbidden);
    let future =
        NewPetition { received_on: vietnam_today(now()) + Duration::days(1), ..complaint(&w.internal_affairs) };
    let e = service::register(
        s,
        &w.officer,
        Intake {
            petition: future,
            case_id: None,
            recorded_by: Some(w.officer.id),
            tracking_digest: None,
            attachments: Vec::new(),
            idempotency: None,
        },
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ErrorCode::InvalidDate);
    assert_eq!(s.count_petitions(&Scope::All, &PetitionFilter::default()).await.unwrap(), 0, "nothing written");
}

pub async fn a_complaint_walks_to_close_with_its_audit_trail(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let p = s.petition(id, &Scope::All).await.unwrap().unwrap();
    assert_eq!(p.status, Status::Received);
    assert!(p.eligibility.eligible, "{:?}", p.eligibility);
    assert_eq!(p.version, 1);
    exec(s, &w.officer, id, classify(Kind::Complaint)).await;
    exec(s, &w.officer, id, propose(Handling::Accept, None)).await;
    exec(s, &w.head, id, approve()).await;
    exec(s, &w.officer, id, Command::StartVerification { note: Some("Tổ xác minh 2 người".into()) }).await;
    exec(
        s,
        &w.officer,
        id,
        Command::RecordDialogue { held_on: date(2026, 11, 18), summary: "Đối thoại tại trụ sở".into() },
    )
    .await;
    exec(
        s,
        &w.head,
        id,
        Command::Conclude {
            outcome: Outcome::PartlyCorrect,
            summary: "Quyết định số 12/QĐ-UBND".into(),
            figures: Default::default(),
        },
    )
    .await;
    exec(s, &w.officer, id, Command::StartEnforcement { note: None }).await;
    let p = exec(s, &w.head, id, Command::Close { note: Some("Đã thi hành xong".into()) }).await;
    assert_eq!(p.status, Status::Closed);
    assert_eq!(p.process.outcome, Some(Outcome::PartlyCorrect));
    assert_eq!(p.version, 9);

    let events = s.events(id).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "receive",
            "classify",
            "propose",
            "approve",
            "start_verification",
            "record_dialogue",
            "conclude",
            "start_enforcement",
            "close"
        ]
    );
    let approve_event = &events[3];
    assert_eq!(approve_event.actor_id, Some(w.head.id));
    assert_eq!(approve_event.from_status, Some(Status::Proposed));
    assert_eq!(approve_event.to_status, Some(Status::Accepted));
    assert_eq!(approve_event.before.as_ref().unwrap()["status"], "proposed");
    assert_eq!(approve_event.after.as_ref().unwrap()["status"], "accepted");
    assert_eq!(events[8].reason.as_deref(), Some("Đã thi hành xong"));
    assert!(events.windows(2).all(|e| e[0].id < e[1].id));
}

pub async fn a_stale_decision_writes_nothing(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let stale = s.snapshot(id).await.unwrap().unwrap();
    exec(s, &w.officer, id, classify(Kind::Complaint)).await;
    let ctx = DecisionContext {
        actor: w.officer.id,
        roles: vec![Role::Officer],
        today: date(2026, 11, 20),
        denunciation_forwarded_before: false,
        owes_forwarder: false,
    };
    let decision = decide(&stale.state, &classify(Kind::Feedback), &ctx).unwrap();
    let e = s.apply_decision(&stale, &decision, w.officer.id, now()).await.unwrap_err();
    assert!(matches!(e, StoreError::VersionConflict));
    let p = s.petition(id, &Scope::All).await.unwrap().unwrap();
    assert_eq!(p.kind, Kind::Complaint);
    assert_eq!(s.events(id).await.unwrap().len(), 2);
}

pub async fn illegal_commands_write_nothing(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let refusals = [
        (
            &w.head,
            Command::Conclude { outcome: Outcome::Correct, summary: "x".into(), figures: Default::default() },
            ErrorCode::TransitionNotAllowed,
        ),
        (&w.officer, approve(), ErrorCode::RoleNotPermitted),
        (&w.office_officer, classify(Kind::Complaint), ErrorCode::NotFound),
        (&w.officer, Command::LinkToCase { case_id: Uuid::new_v4() }, ErrorCode::CaseNotFound),
    ];
    for (who, cmd, expected) in refusals {
        let e = service::execute(s, who, id, &cmd, now()).await.unwrap_err();
        assert_eq!(code(e), expected, "{cmd:?}");
    }
    exec(s, &w.officer, id, classify(Kind::Complaint)).await;
    let forward_to_self = propose(Handling::Forward, Some(w.internal_affairs.id));
    assert_eq!(
        code(service::execute(s, &w.officer, id, &forward_to_self, now()).await.unwrap_err()),
        ErrorCode::InvalidValue
    );
    let chase_up_sideways = propose(Handling::ChaseUp, Some(w.office.id));
    assert_eq!(
        code(service::execute(s, &w.officer, id, &chase_up_sideways, now()).await.unwrap_err()),
        ErrorCode::InvalidValue
    );
    assert_eq!(
        code(service::execute(s, &w.officer, Uuid::new_v4(), &approve(), now()).await.unwrap_err()),
        ErrorCode::NotFound
    );
    let p = s.petition(id, &Scope::All).await.unwrap().unwrap();
    assert_eq!((p.status, p.version), (Status::Classified, 2));
    assert_eq!(s.events(id).await.unwrap().len(), 2);
}

pub async fn the_denouncer_identity_is_sealed(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, denunciation(&w.internal_affairs)).await;
    let p = s.petition(id, &scope(s, &w.head).await).await.unwrap().unwrap();
    assert_eq!(p.petitioner, PetitionerView::Sealed);
    assert!(p.eligibility.eligible, "eligibility is assessed before sealing: {:?}", p.eligibility);
    let list = s.list_petitions(&Scope::All, &PetitionFilter { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(list[0].petitioner_name, crate::rows::SEALED_NAME);
    let json = serde_json::to_string(&(&p, &list, s.events(id).await.unwrap())).unwrap();
    assert!(!json.contains("Bích Ngọc") && !json.contains("079090001234"), "identity leaked: {json}");

    let refused = service::reveal_identity(s, &w.head, id, "Cần liên hệ", now()).await.unwrap_err();
    assert_eq!(code(refused), ErrorCode::Forbidden);
    let no_reason = service::reveal_identity(s, &w.custodian, id, "  ", now()).await.unwrap_err();
    assert_eq!(code(no_reason), ErrorCode::Required);
    let revealed =
        service::reveal_identity(s, &w.custodian, id, "Mời người tố cáo cung cấp thêm chứng cứ", now()).await.unwrap();
    match revealed {
        Some(Petitioner::Individual(person)) => assert_eq!(person.full_name, "Trần Thị Bích Ngọc"),
        other => panic!("{other:?}"),
    }
    let events = s.events(id).await.unwrap();
    let reveal = events.last().unwrap();
    assert_eq!(reveal.action, "reveal_identity");
    assert_eq!(reveal.actor_id, Some(w.custodian.id));
    assert_eq!(reveal.reason.as_deref(), Some("Mời người tố cáo cung cấp thêm chứng cứ"));
    // A complaint has nothing sealed to reveal.
    let open = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    assert_eq!(service::reveal_identity(s, &w.custodian, open, "Kiểm tra", now()).await.unwrap(), None);
}

pub async fn reclassifying_as_denunciation_seals_the_identity(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, NewPetition { kind: Kind::Feedback, ..denunciation(&w.internal_affairs) }).await;
    assert!(matches!(s.petition(id, &Scope::All).await.unwrap().unwrap().petitioner, PetitionerView::Visible(_)));
    let found_by_name = || async { s.count_petitions(&Scope::All, &search("bich ngoc")).await.unwrap() };
    assert_eq!(found_by_name().await, 1, "a feedback's author is searchable");
    exec(s, &w.officer, id, classify(Kind::Denunciation)).await;
    let p = s.petition(id, &Scope::All).await.unwrap().unwrap();
    assert_eq!(p.petitioner, PetitionerView::Sealed);
    assert_eq!(found_by_name().await, 0, "once sealed, the name leaves the search index");
    let by_phrase = s.count_petitions(&Scope::All, &search("\"bich ngoc\"")).await.unwrap();
    assert_eq!(by_phrase, 0, "as a phrase too");
    assert_eq!(s.count_petitions(&Scope::All, &search("cuong")).await.unwrap(), 1, "the content stays searchable");
    let revealed = service::reveal_identity(s, &w.custodian, id, "Xác minh", now()).await.unwrap();
    assert!(matches!(revealed, Some(Petitioner::Individual(ref x)) if x.full_name == "Trần Thị Bích Ngọc"));
}

pub async fn scope_hides_other_units_items(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let ours = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let theirs = register(s, &w.office_officer, complaint(&w.office)).await;
    let in_commune = register(s, &w.commune_officer, complaint(&w.commune)).await;
    let officer = scope(s, &w.officer).await;
    assert!(s.petition(ours, &officer).await.unwrap().is_some());
    assert!(s.petition(theirs, &officer).await.unwrap().is_none());
    assert!(s.petition(in_commune, &officer).await.unwrap().is_none(), "an officer sees only their own unit");
    let all = PetitionFilter { limit: 100, ..Default::default() };
    let listed: Vec<_> = s.list_petitions(&officer, &all).await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(listed, [ours]);
    assert_eq!(s.count_petitions(&officer, &all).await.unwrap(), 1);
    let head = scope(s, &w.head).await;
    assert_eq!(s.count_petitions(&head, &all).await.unwrap(), 2, "a head also sees subordinate units");
    assert_eq!(s.count_petitions(&scope(s, &w.leader).await, &all).await.unwrap(), 3);
    let theirs_case = s.petition(theirs, &Scope::All).await.unwrap().unwrap().case_id;
    assert!(s.case(theirs_case, &officer).await.unwrap().unwrap().petitions.is_empty());
    let e = service::execute(s, &w.officer, theirs, &classify(Kind::Complaint), now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::NotFound);
}

pub async fn forwarding_registers_the_item_at_the_receiving_unit(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.office_officer, complaint(&w.office)).await;
    exec(s, &w.office_officer, id, classify(Kind::Complaint)).await;
    exec(s, &w.office_officer, id, propose(Handling::Forward, Some(w.internal_affairs.id))).await;
    let p = exec(s, &w.office_head, id, approve()).await;
    assert_eq!(p.status, Status::Forwarded);
    let forwardings = s.forwardings(id).await.unwrap();
    assert_eq!(forwardings.len(), 1);
    let f = &forwardings[0];
    assert_eq!((f.from_unit_id, f.to_unit_id, f.chase_up), (w.office.id, Some(w.internal_affairs.id), false));
    let copy_id = f.copy_petition_id.expect("registered at the receiving unit");
    let copy = s.petition(copy_id, &scope(s, &w.officer).await).await.unwrap().expect("the receiving unit sees it");
    assert_eq!(copy.channel, Channel::ForwardedIn);
    assert_eq!(copy.case_id, p.case_id, "one case across bodies");
    assert_eq!(copy.forwarded_from_petition, Some(id));
    assert_eq!(copy.forwarded_from.as_ref().unwrap().body, "Văn phòng Tỉnh ủy");
    assert_eq!(copy.reference.to_string(), "1/2026/BNC");
    assert_eq!(copy.status, Status::Received);
    assert_eq!(s.events(copy_id).await.unwrap()[0].action, "receive_forwarded");
    // The forwarder follows up and closes its own item; the copy lives on.
    exec(s, &w.office_head, id, Command::Close { note: Some("Đã nhận kết quả".into()) }).await;
    let case = s.case(p.case_id, &Scope::All).await.unwrap().unwrap();
    assert_eq!(case.petitions.len(), 2);
}

pub async fn the_bulk_path_writes_what_intake_and_commands_write(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let step = |on, actor: &User, command| BulkStep { on, actor: actor.clone(), command, at: now() };
    let intake = |p: NewPetition| Intake {
        petition: p,
        case_id: None,
        recorded_by: None,
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency: None,
    };
    let forwarded = BulkPetition {
        intake: intake(complaint(&w.office)),
        receiver: w.office_officer.clone(),
        received_at: now(),
        steps: vec![
            step(StepTarget::Petition, &w.office_officer, classify(Kind::Complaint)),
            step(StepTarget::Petition, &w.office_officer, propose(Handling::Forward, Some(w.internal_affairs.id))),
            step(StepTarget::Petition, &w.office_head, approve()),
            step(StepTarget::LastCopy, &w.officer, classify(Kind::Complaint)),
        ],
    };
    let plain = BulkPetition {
        intake: intake(denunciation(&w.internal_affairs)),
        receiver: w.officer.clone(),
        received_at: now(),
        steps: Vec::new(),
    };
    let loaded = service::bulk_load(s, vec![forwarded.clone(), plain]).await.unwrap();
    assert_eq!(loaded.len(), 2);
    let first = &loaded[0];
    let p = s.petition(first.petition_id, &Scope::All).await.unwrap().unwrap();
    assert_eq!((p.status, Some(p.case_id)), (Status::Forwarded, first.case_id));
    assert_eq!(p.recorded_by, Some(w.office_officer.id), "recorded as received by the receiver");
    let actions: Vec<_> = s.events(p.id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["receive", "classify", "propose", "approve"]);
    assert_eq!(first.copies.len(), 1);
    let copy = s.petition(first.copies[0], &Scope::All).await.unwrap().unwrap();
    assert_eq!((copy.status, copy.case_id, copy.unit_id), (Status::Classified, p.case_id, w.internal_affairs.id));
    assert!(!s.deadlines(copy.id).await.unwrap().is_empty(), "deadlines as at intake");
    // A denouncer is sealed on the bulk path too.
    let sealed = s.petition(loaded[1].petition_id, &Scope::All).await.unwrap().unwrap();
    assert_eq!(sealed.petitioner, PetitionerView::Sealed);
    // A batch with one refused step writes nothing at all.
    let before = s.count_petitions(&Scope::All, &Default::default()).await.unwrap();
    let mut bad = forwarded.clone();
    bad.steps.push(step(StepTarget::Petition, &w.office_head, approve()));
    let refused = service::bulk_load(s, vec![forwarded.clone(), bad]).await.unwrap_err();
    assert!(matches!(refused, StoreError::Domain(_)), "{refused:?}");
    assert_eq!(s.count_petitions(&Scope::All, &Default::default()).await.unwrap(), before);
    // Intake's validation applies, and names the item.
    let mut invalid = forwarded.clone();
    invalid.intake.petition.content = "  ".into();
    let refused = service::bulk_load(s, vec![forwarded.clone(), invalid]).await.unwrap_err();
    assert!(refused.to_string().contains("Đơn thứ 2"), "{refused}");
    assert_eq!(s.count_petitions(&Scope::All, &Default::default()).await.unwrap(), before);
    // So does who may receive: a commune officer cannot register for the office.
    let mut foreign = forwarded;
    foreign.receiver = w.commune_officer.clone();
    let refused = service::bulk_load(s, vec![foreign]).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
}

pub async fn a_denunciation_is_forwarded_only_once_per_case(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let first = register(s, &w.office_officer, denunciation(&w.office)).await;
    exec(s, &w.office_officer, first, classify(Kind::Denunciation)).await;
    exec(s, &w.office_officer, first, propose(Handling::Forward, Some(w.internal_affairs.id))).await;
    let p = exec(s, &w.office_head, first, approve()).await;
    // A copy of the same letter arrives again and is linked to the case.
    let intake = Intake {
        petition: denunciation(&w.office),
        case_id: Some(p.case_id),
        recorded_by: Some(w.office_officer.id),
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency: None,
    };
    let again = service::register(s, &w.office_officer, intake, now()).await.unwrap().petition_id;
    exec(s, &w.office_officer, again, classify(Kind::Denunciation)).await;
    let e =
        service::execute(s, &w.office_officer, again, &propose(Handling::Forward, Some(w.internal_affairs.id)), now())
            .await
            .unwrap_err();
    assert_eq!(code(e), ErrorCode::DenunciationAlreadyForwarded);
    exec(
        s,
        &w.office_officer,
        again,
        Command::Propose {
            handling: Handling::Archive,
            to_unit: None,
            to_body: None,
            reason: Some("Đã chuyển một lần".into()),
            reply_within_days: None,
        },
    )
    .await;
    assert_eq!(exec(s, &w.office_head, again, approve()).await.status, Status::Archived);
    assert_eq!(s.forwardings(again).await.unwrap().len(), 0);
}

pub async fn splitting_creates_linked_parts(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, NewPetition { channel: Channel::WalkIn, ..complaint(&w.internal_affairs) }).await;
    let part = |kind, content: &str| SplitPart { kind, field: Field::AdminLand, content: content.into(), target: None };
    let cmd = Command::Split {
        parts: vec![
            part(Kind::Complaint, "Khiếu nại quyết định thu hồi đất số 45/QĐ-UBND"),
            part(Kind::Denunciation, "Tố cáo cán bộ địa chính nhận tiền của người dân"),
            part(Kind::Recommendation, "Kiến nghị sửa đường liên thôn"),
        ],
    };
    let original = exec(s, &w.officer, id, cmd).await;
    assert_eq!(original.status, Status::Split);
    assert_eq!(original.petitioner, PetitionerView::Sealed, "a letter with a denunciation part is sealed");
    let details = s.events(id).await.unwrap().last().unwrap().details.clone().unwrap();
    let parts: Vec<Uuid> = serde_json::from_value(details["parts"].clone()).unwrap();
    assert_eq!(parts.len(), 3);
    let mut kinds = Vec::new();
    for part_id in &parts {
        let p = s.petition(*part_id, &Scope::All).await.unwrap().unwrap();
        assert_eq!(p.split_from, Some(id));
        assert_eq!(p.channel, Channel::WalkIn);
        assert_eq!(p.received_on, original.received_on);
        assert_ne!(p.case_id, original.case_id);
        assert_eq!(p.petitioner, PetitionerView::Sealed, "every part of a sealed letter stays sealed");
        kinds.push(p.kind);
    }
    assert_eq!(kinds, [Kind::Complaint, Kind::Denunciation, Kind::Recommendation]);
}

pub async fn linking_moves_a_petition_into_a_case(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let first = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let repeat =
        register(s, &w.officer, NewPetition { received_on: date(2026, 11, 19), ..complaint(&w.internal_affairs) })
            .await;
    let case_id = s.petition(first, &Scope::All).await.unwrap().unwrap().case_id;
    let old_case = s.petition(repeat, &Scope::All).await.unwrap().unwrap().case_id;
    let p = exec(s, &w.officer, repeat, Command::LinkToCase { case_id }).await;
    assert_eq!(p.case_id, case_id);
    let case = s.case(case_id, &Scope::All).await.unwrap().unwrap();
    let mut ids: Vec<_> = case.petitions.iter().map(|p| p.id).collect();
    ids.sort();
    let mut expected = vec![first, repeat];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(s.case(old_case, &Scope::All).await.unwrap().is_none(), "the emptied case is gone");
    // The reports count the linked letter as a repeat: an earlier letter of its case came
    // to the same unit.
    let facts = s.report_facts(&Scope::All, None, date(2026, 12, 31)).await.unwrap();
    let repeat_of = |id| facts.iter().find(|f| f.petition_id == id).unwrap().repeat;
    assert_eq!((repeat_of(first), repeat_of(repeat)), (false, true));
    let e = service::execute(s, &w.officer, repeat, &Command::LinkToCase { case_id }, now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::Conflict);
}

pub async fn merging_units_moves_open_items(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let open = register(s, &w.commune_officer, complaint(&w.commune)).await;
    let done = register(s, &w.commune_officer, complaint(&w.commune)).await;
    exec(s, &w.commune_officer, done, classify(Kind::Complaint)).await;
    exec(
        s,
        &w.commune_officer,
        done,
        Command::Propose {
            handling: Handling::Archive,
            to_unit: None,
            to_body: None,
            reason: Some("Trùng".into()),
            reply_within_days: None,
        },
    )
    .await;
    let head = user(s, "xa-head", "Chủ tịch xã", &[(&w.commune, Role::Head)]).await;
    exec(s, &head, done, approve()).await;
    let merged = unit(s, "XA-TANLAP-MOI", "UBND xã Tân Lập (mới)", UnitKind::Commune, Some("BNC")).await;
    let moved = s
        .reorganize(
            Reorganization::Merge { sources: vec![w.commune.id], into: merged.id },
            date(2026, 11, 20),
            w.leader.id,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(moved, 1);
    assert_eq!(s.petition(open, &Scope::All).await.unwrap().unwrap().unit_id, merged.id);
    assert_eq!(s.petition(done, &Scope::All).await.unwrap().unwrap().unit_id, w.commune.id, "closed items stay");
    let facts = s.report_facts(&Scope::All, None, date(2026, 12, 31)).await.unwrap();
    let unit_of = |id| facts.iter().find(|f| f.petition_id == id).unwrap().unit_id;
    assert_eq!((unit_of(open), unit_of(done)), (merged.id, w.commune.id), "the reports follow the move");
    let old = s.units().await.unwrap().into_iter().find(|u| u.id == w.commune.id).unwrap();
    assert!(!old.active);
    assert_eq!((old.successor_id, old.dissolved_on), (Some(merged.id), Some(date(2026, 11, 20))));
    let event = s.events(open).await.unwrap().pop().unwrap();
    assert_eq!(event.action, "move_unit");
    let e = service::register(
        s,
        &w.commune_officer,
        Intake {
            petition: complaint(&w.commune),
            case_id: None,
            recorded_by: Some(w.commune_officer.id),
            tracking_digest: None,
            attachments: Vec::new(),
            idempotency: None,
        },
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ErrorCode::UnitInactive);
    let twice = s
        .reorganize(
            Reorganization::Merge { sources: vec![w.commune.id], into: merged.id },
            date(2026, 11, 20),
            w.leader.id,
            now(),
        )
        .await;
    assert_eq!(code(twice.unwrap_err()), ErrorCode::UnitInactive);
}

pub async fn lists_filter_and_page(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    for day in 1..=12 {
        let kind = if day % 3 == 0 { Kind::Denunciation } else { Kind::Complaint };
        let p =
            NewPetition { received_on: date(2026, 10, day), written_on: None, kind, ..complaint(&w.internal_affairs) };
        register(s, &w.officer, p).await;
    }
    let page = |offset| PetitionFilter { limit: 5, offset, ..Default::default() };
    let first = s.list_petitions(&Scope::All, &page(0)).await.unwrap();
    let last = s.list_petitions(&Scope::All, &page(10)).await.unwrap();
    assert_eq!((first.len(), last.len()), (5, 2));
    assert_eq!(first[0].received_on, date(2026, 10, 12), "newest first");
    assert_eq!(last[1].received_on, date(2026, 10, 1));
    let denunciations = PetitionFilter { kind: Some(Kind::Denunciation), limit: 100, ..Default::default() };
    assert_eq!(s.count_petitions(&Scope::All, &denunciations).await.unwrap(), 4);
    let window = PetitionFilter {
        received_from: Some(date(2026, 10, 5)),
        received_to: Some(date(2026, 10, 7)),
        limit: 100,
        ..Default::default()
    };
    assert_eq!(s.count_petitions(&Scope::All, &window).await.unwrap(), 3);
    let received = PetitionFilter {
        status: Some(Status::Received),
        unit_id: Some(w.internal_affairs.id),
        limit: 100,
        ..Default::default()
    };
    assert_eq!(s.count_petitions(&Scope::All, &received).await.unwrap(), 12);
    assert_eq!(s.count_petitions(&Scope::Units(vec![]), &received).await.unwrap(), 0);
}

pub async fn web_sessions_end_on_password_change(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    s.create_web_session("digest-1", w.officer.id, "csrf-1", now()).await.unwrap();
    s.create_web_session("digest-2", w.officer.id, "csrf-2", now()).await.unwrap();
    s.create_web_session("digest-3", w.head.id, "csrf-3", now()).await.unwrap();
    let session = s.web_session("digest-1").await.unwrap().unwrap();
    assert_eq!((session.user_id, session.csrf_token.as_str()), (w.officer.id, "csrf-1"));
    assert_eq!(session.created_at, now());
    let later = now() + Duration::minutes(5);
    s.touch_web_session("digest-1", later).await.unwrap();
    assert_eq!(s.web_session("digest-1").await.unwrap().unwrap().last_seen_at, later);
    s.delete_web_session("digest-2").await.unwrap();
    assert!(s.web_session("digest-2").await.unwrap().is_none());
    s.create_web_session("digest-4", w.officer.id, "csrf-4", now()).await.unwrap();
    s.set_password(w.officer.id, "$argon2id$new").await.unwrap();
    assert!(s.web_session("digest-1").await.unwrap().is_none(), "signed out everywhere");
    assert!(s.web_session("digest-4").await.unwrap().is_none());
    assert!(s.web_session("digest-3").await.unwrap().is_some(), "other users stay signed in");
    let (_, hash) = s.user_by_username("lan").await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$new");
    assert_eq!(s.totp_secret(w.officer.id).await.unwrap(), None);
    s.set_totp_secret(w.officer.id, Some("sealed-hex")).await.unwrap();
    assert_eq!(s.totp_secret(w.officer.id).await.unwrap().as_deref(), Some("sealed-hex"));
    s.set_totp_secret(w.officer.id, None).await.unwrap();
    assert_eq!(s.totp_secret(w.officer.id).await.unwrap(), None);
    assert!(s.set_totp_secret(Uuid::new_v4(), None).await.is_err());
    let missing = s.set_password(Uuid::new_v4(), "x").await.unwrap_err();
    assert_eq!(code(missing), ErrorCode::NotFound);
}

pub async fn failed_sign_ins_are_counted_per_key(store: Arc<dyn Store>) {
    let s = &*store;
    let keys = ["user:lan".to_owned(), "client:10.0.0.1".to_owned()];
    for minute in 0..3 {
        s.record_login_failure(&keys, now() + Duration::minutes(minute)).await.unwrap();
    }
    s.record_login_failure(&["client:10.0.0.1".to_owned()], now()).await.unwrap();
    assert_eq!(s.login_failures("user:lan", now() - Duration::minutes(1)).await.unwrap(), 3);
    assert_eq!(s.login_failures("user:lan", now() + Duration::minutes(1)).await.unwrap(), 2, "a window");
    assert_eq!(s.login_failures("client:10.0.0.1", now()).await.unwrap(), 4);
    s.clear_login_failures("user:lan").await.unwrap();
    assert_eq!(s.login_failures("user:lan", now() - Duration::minutes(1)).await.unwrap(), 0);
    assert_eq!(s.login_failures("client:10.0.0.1", now()).await.unwrap(), 4);
    // Old failures are forgotten when new ones are recorded a day later.
    s.record_login_failure(&["user:mai".to_owned()], now() + Duration::days(2)).await.unwrap();
    assert_eq!(s.login_failures("client:10.0.0.1", now() - Duration::days(30)).await.unwrap(), 0);
}

fn search(q: &str) -> PetitionFilter {
    let query = donthu_text::parse_search(q);
    PetitionFilter { terms: query.terms, reference: query.reference, limit: 100, ..Default::default() }
}

pub async fn search_ignores_diacritics_and_never_finds_a_sealed_identity(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let land = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let denounced = register(s, &w.officer, denunciation(&w.internal_affairs)).await;
    let elsewhere = register(s, &w.commune_officer, complaint(&w.commune)).await;
    let ids = |found: Vec<PetitionSummary>| found.into_iter().map(|p| p.id).collect::<Vec<_>>();
    let scope = Scope::Units(vec![w.internal_affairs.id]);
    let find = |q: &'static str| {
        let scope = scope.clone();
        async move { ids(s.list_petitions(&scope, &search(q)).await.unwrap()) }
    };
    assert_eq!(find("thu hoi dat").await, vec![land], "without diacritics");
    assert_eq!(find("thu hồi đất").await, vec![land], "with diacritics");
    assert_eq!(find("\"thu hoi dat nong nghiep\"").await, vec![land], "a phrase");
    assert!(find("\"dat thu hoi\"").await.is_empty(), "a phrase keeps its order");
    assert_eq!(find("\"so 45 qd ubnd\"").await, vec![land], "a phrase with a number");
    assert_eq!(find("\"Nguyễn Văn An\"").await, vec![land], "a name as a phrase");
    assert!(find("\"thoa dang nguyen van\"").await.is_empty(), "never across the end of one field and the next");
    assert_eq!(find("nguyen van an").await, vec![land], "the petitioner");
    assert_eq!(find("tan lap").await, vec![land], "the target");
    assert_eq!(find("Cường").await, vec![denounced], "the person denounced");
    assert!(find("bich ngoc").await.is_empty(), "a sealed denouncer is never found by name");
    assert!(find("oan").await.is_empty(), "terms match whole words");
    assert!(find("\"thu ho\"").await.is_empty(), "a phrase's last word too: “hồ” is not “hồi”");
    assert!(find("nong nghiep boi").await.len() == 1 && find("nong nghiep bo").await.is_empty());
    let reference = s.petition(land, &Scope::All).await.unwrap().unwrap().reference;
    assert_eq!(find(Box::leak(reference.to_string().into_boxed_str())).await, vec![land], "a reference number");
    // Scope applies to search and its count.
    assert!(!find("thu hoi dat").await.contains(&elsewhere));
    assert_eq!(s.count_petitions(&scope, &search("thu hoi dat")).await.unwrap(), 1);
    assert_eq!(s.count_petitions(&Scope::All, &search("thu hoi dat")).await.unwrap(), 2);
    // A count can stop early: it says how far it got.
    let up_to = |n| PetitionFilter { count_up_to: Some(n), ..search("thu hoi dat") };
    assert_eq!(s.count_petitions(&Scope::All, &up_to(1)).await.unwrap(), 1);
    assert_eq!(s.count_petitions(&Scope::All, &up_to(3)).await.unwrap(), 2);
    // Search combines with filters; the excerpt is the passage that matched.
    let mut combined = search("cuong");
    combined.kind = Some(Kind::Complaint);
    assert!(s.list_petitions(&scope, &combined).await.unwrap().is_empty());
    let long = NewPetition {
        content: format!("{} Đề nghị xử lý việc lấn chiếm hành lang giao thông.", "Nội dung mở đầu. ".repeat(40)),
        ..complaint(&w.internal_affairs)
    };
    register(s, &w.officer, long).await;
    let hit = s.list_petitions(&scope, &search("lan chiem")).await.unwrap();
    assert_eq!(hit.len(), 1);
    assert!(hit[0].content_excerpt.starts_with('…') && hit[0].content_excerpt.contains("lấn chiếm"));
    // Hits come newest received first, whatever order they were entered in; one day's in
    // the order entered, the latest first; and pages follow on.
    let on =
        |d: u32| NewPetition { received_on: date(2026, 11, d), written_on: None, ..complaint(&w.internal_affairs) };
    let tenth = register(s, &w.officer, on(10)).await;
    let twelfth = register(s, &w.officer, on(12)).await;
    let eleventh = register(s, &w.officer, on(11)).await;
    let twelfth_later = register(s, &w.officer, on(12)).await;
    let newest = vec![land, twelfth_later, twelfth, eleventh, tenth];
    assert_eq!(find("thu hoi dat").await, newest);
    let page = |offset| PetitionFilter { limit: 2, offset, ..search("thu hoi dat") };
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        paged.extend(ids(s.list_petitions(&scope, &page(offset)).await.unwrap()));
    }
    assert_eq!(paged, newest);
    let dated = PetitionFilter {
        received_from: Some(date(2026, 11, 11)),
        received_to: Some(date(2026, 11, 12)),
        ..search("thu hoi dat")
    };
    assert_eq!(ids(s.list_petitions(&scope, &dated).await.unwrap()), vec![twelfth_later, twelfth, eleventh]);
    assert_eq!(s.count_petitions(&scope, &dated).await.unwrap(), 3);
}

pub async fn the_worklist_orders_open_items_by_deadline(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let older = register(
        s,
        &w.officer,
        NewPetition { received_on: date(2026, 11, 2), written_on: None, ..complaint(&w.internal_affairs) },
    )
    .await;
    let newer = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let archived = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    exec(s, &w.officer, archived, classify(Kind::Complaint)).await;
    exec(s, &w.officer, archived, propose(Handling::Archive, None)).await;
    exec(s, &w.head, archived, Command::Approve { note: None }).await;
    let worklist = PetitionFilter { open_only: true, order: ListOrder::Deadline, limit: 100, ..Default::default() };
    let items = s.list_petitions(&Scope::All, &worklist).await.unwrap();
    assert_eq!(items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![older, newer], "nearest deadline first");
    assert!(items[0].next_due_on.unwrap() < items[1].next_due_on.unwrap());
    assert_eq!(s.count_petitions(&Scope::All, &worklist).await.unwrap(), 2);
    let first_due = items[0].next_due_on.unwrap();
    let due_soon = PetitionFilter { due_by: Some(first_due), ..worklist.clone() };
    let soon = s.list_petitions(&Scope::All, &due_soon).await.unwrap();
    assert_eq!(soon.iter().map(|p| p.id).collect::<Vec<_>>(), vec![older], "only the nearer deadline");
    assert_eq!(s.count_petitions(&Scope::All, &due_soon).await.unwrap(), 1);
    let register_order = s.list_petitions(&Scope::All, &PetitionFilter { limit: 100, ..Default::default() }).await;
    assert_eq!(register_order.unwrap().len(), 3);
    // Several units' items merge by due date, and a later page starts where the first ended.
    let elsewhere = register(
        s,
        &w.commune_officer,
        NewPetition { received_on: date(2026, 11, 9), written_on: None, ..complaint(&w.commune) },
    )
    .await;
    let all = s.list_petitions(&Scope::All, &worklist).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().any(|p| p.id == elsewhere));
    assert!(all.windows(2).all(|w| w[0].next_due_on <= w[1].next_due_on), "nearest deadline first across units");
    let second = PetitionFilter { limit: 1, offset: 1, ..worklist.clone() };
    assert_eq!(s.list_petitions(&Scope::All, &second).await.unwrap()[0].id, all[1].id);
}

pub async fn similar_petitions_are_suggested_without_revealing_denouncers(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let first = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let denounced = register(s, &w.officer, denunciation(&w.internal_affairs)).await;
    let other_unit = register(s, &w.commune_officer, complaint(&w.commune)).await;
    let unrelated = NewPetition {
        petitioner: Petitioner::Individual(citizen("Phạm Thị Hoa", "001190000001")),
        target: None,
        content: "Phản ánh tiếng ồn của quán karaoke hoạt động quá giờ quy định tại khu dân cư.".into(),
        ..complaint(&w.internal_affairs)
    };
    let unrelated = register(s, &w.officer, unrelated).await;
    let scope = Scope::Units(vec![w.internal_affairs.id]);
    let probe = |cccd: &str, name: Option<&str>, content: &str| SimilarProbe {
        cccd: Some(Cccd::parse(cccd).unwrap()),
        petitioner_name: name.map(str::to_owned),
        target_name: None,
        content: content.into(),
        include_sealed: false,
    };
    let by_cccd = s.similar_petitions(&scope, &probe("001203012345", None, ""), 10).await.unwrap();
    assert_eq!(by_cccd.iter().map(|p| p.summary.id).collect::<Vec<_>>(), vec![first]);
    assert!(by_cccd[0].same_cccd && !by_cccd[0].same_petitioner);
    let by_name = s.similar_petitions(&scope, &probe("001190000009", Some("nguyen van an"), ""), 10).await.unwrap();
    assert_eq!(by_name.iter().map(|p| p.summary.id).collect::<Vec<_>>(), vec![first]);
    assert!(by_name[0].same_petitioner);
    let retyped = "khieu nai quyet dinh so 45/QD-UBND ve viec thu hoi dat nong nghiep cua gia dinh toi";
    let by_content = s.similar_petitions(&scope, &probe("001190000009", None, retyped), 10).await.unwrap();
    assert_eq!(by_content.first().map(|p| p.summary.id), Some(first), "{by_content:?}");
    assert!(by_content[0].content_similarity > 0.5);
    assert!(!by_content.iter().any(|p| p.summary.id == unrelated || p.summary.id == other_unit));
    let by_both =
        s.similar_petitions(&scope, &probe("001190000009", Some("nguyen van an"), retyped), 10).await.unwrap();
    assert_eq!(by_both.iter().map(|p| p.summary.id).collect::<Vec<_>>(), vec![first], "found by name and words, once");
    let target = SimilarProbe { target_name: Some("Lê Văn Cường".into()), ..Default::default() };
    let by_target = s.similar_petitions(&scope, &target, 10).await.unwrap();
    assert_eq!(by_target.iter().map(|p| p.summary.id).collect::<Vec<_>>(), vec![denounced]);
    assert_eq!(by_target[0].summary.petitioner_name, crate::rows::SEALED_NAME);
    // The denouncer's CCCD finds the denunciation only for an identity custodian.
    let denouncer = probe("079090001234", None, "");
    assert!(s.similar_petitions(&scope, &denouncer, 10).await.unwrap().is_empty());
    let custodian = SimilarProbe { include_sealed: true, ..denouncer };
    let found = s.similar_petitions(&Scope::All, &custodian, 10).await.unwrap();
    assert_eq!(found.iter().map(|p| p.summary.id).collect::<Vec<_>>(), vec![denounced]);
}

pub async fn a_portal_submission_keeps_only_the_tracking_code_digest(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let online = NewPetition { channel: Channel::Online, ..complaint(&w.internal_affairs) };
    let file = |name: &str| Attachment {
        id: Uuid::new_v4(),
        petition_id: Uuid::nil(),
        file_name: name.into(),
        content_type: "application/pdf".into(),
        size_bytes: 4,
        sha256: "ab".repeat(32),
        uploaded_at: now(),
        sealed: false,
    };
    let intake = Intake {
        petition: online,
        case_id: None,
        recorded_by: None,
        tracking_digest: Some("digest-of-the-code".into()),
        attachments: vec![file("quyet-dinh.pdf")],
        idempotency: None,
    };
    let id = s.register(intake, now()).await.unwrap().petition_id;
    assert_eq!(s.tracked_petition("digest-of-the-code").await.unwrap(), Some(id));
    assert_eq!(s.tracked_petition("another").await.unwrap(), None);
    let p = s.petition(id, &Scope::All).await.unwrap().unwrap();
    assert_eq!((p.recorded_by, p.channel), (None, Channel::Online));
    let events = s.events(id).await.unwrap();
    assert_eq!((events[0].action.as_str(), events[0].actor_id), ("receive", None));
    let files = s.attachments(id).await.unwrap();
    assert_eq!(files.iter().map(|a| a.file_name.as_str()).collect::<Vec<_>>(), ["quyet-dinh.pdf"]);
    assert_eq!(files[0].petition_id, id, "the store sets the petition");
    // A code is given once: the same digest again is refused and nothing is written.
    let again = Intake {
        petition: NewPetition { channel: Channel::Online, ..complaint(&w.internal_affairs) },
        case_id: None,
        recorded_by: None,
        tracking_digest: Some("digest-of-the-code".into()),
        attachments: vec![file("khac.pdf")],
        idempotency: None,
    };
    assert!(s.register(again, now()).await.is_err());
    assert_eq!(s.count_petitions(&Scope::All, &PetitionFilter { limit: 10, ..Default::default() }).await.unwrap(), 1);
}

pub async fn officials_are_listed_and_their_roles_replaced(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let all = s.users().await.unwrap();
    assert_eq!(all.len(), 7);
    let lan = all.iter().find(|u| u.username == "lan").unwrap();
    assert_eq!(lan.roles, vec![UnitRole { unit_id: w.internal_affairs.id, role: Role::Officer }]);
    let roles =
        [UnitRole { unit_id: w.office.id, role: Role::Officer }, UnitRole { unit_id: w.office.id, role: Role::Head }];
    s.set_user_roles(w.officer.id, &roles).await.unwrap();
    let lan = s.user(w.officer.id).await.unwrap().unwrap();
    assert_eq!(lan.roles.len(), 2);
    assert!(lan.roles.iter().all(|r| r.unit_id == w.office.id));
    // Unknown unit or user: refused, and the roles stay as they were.
    let bad = [UnitRole { unit_id: Uuid::new_v4(), role: Role::Officer }];
    assert_eq!(code(s.set_user_roles(w.officer.id, &bad).await.unwrap_err()), ErrorCode::UnitNotFound);
    assert_eq!(s.user(w.officer.id).await.unwrap().unwrap().roles.len(), 2);
    assert_eq!(code(s.set_user_roles(Uuid::new_v4(), &roles).await.unwrap_err()), ErrorCode::UserNotFound);
    // Disabling an account ends its sessions; enabling it again does not restore them.
    s.create_web_session("d", w.officer.id, "c", now()).await.unwrap();
    s.set_user_active(w.officer.id, false).await.unwrap();
    assert!(!s.user(w.officer.id).await.unwrap().unwrap().active);
    assert!(s.web_session("d").await.unwrap().is_none());
    s.set_user_active(w.officer.id, true).await.unwrap();
    assert!(s.user(w.officer.id).await.unwrap().unwrap().active);
    assert_eq!(code(s.set_user_active(Uuid::new_v4(), false).await.unwrap_err()), ErrorCode::UserNotFound);
}

pub async fn a_head_assigns_petitions_to_officials(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let other = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let refused = service::assign(s, &w.officer, id, Some(w.officer.id), now()).await.unwrap_err();
    assert_eq!(code(refused), ErrorCode::Forbidden, "an officer does not assign");
    let elsewhere = service::assign(s, &w.head, id, Some(w.office_officer.id), now()).await.unwrap_err();
    assert_eq!(code(elsewhere), ErrorCode::InvalidValue, "only to an official of the unit");
    service::assign(s, &w.head, id, Some(w.officer.id), now()).await.unwrap();
    assert_eq!(s.petition(id, &Scope::All).await.unwrap().unwrap().assigned_to, Some(w.officer.id));
    let mine = PetitionFilter { assigned_to: Some(w.officer.id), limit: 10, ..Default::default() };
    let listed = s.list_petitions(&Scope::All, &mine).await.unwrap();
    assert_eq!(listed.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(listed[0].assigned_to, Some(w.officer.id));
    assert_eq!(s.count_petitions(&Scope::All, &mine).await.unwrap(), 1);
    assert!(!listed.iter().any(|p| p.id == other));
    let event = s.events(id).await.unwrap().pop().unwrap();
    assert_eq!((event.action.as_str(), event.actor_id), ("assign", Some(w.head.id)));
    service::assign(s, &w.head, id, None, now()).await.unwrap();
    assert_eq!(s.petition(id, &Scope::All).await.unwrap().unwrap().assigned_to, None);
    let missing = service::assign(s, &w.head, Uuid::new_v4(), None, now()).await.unwrap_err();
    assert_eq!(code(missing), ErrorCode::NotFound);
}

pub async fn office_versions_of_letter_templates_are_kept(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    assert!(s.letter_templates().await.unwrap().is_empty());
    let shipped = donthu_documents::TemplateBook::shipped();
    let mut mine = shipped.in_force("don_doc", date(2026, 11, 1)).unwrap().clone();
    mine.effective_from = date(2027, 1, 1);
    mine.title = "V/v đôn đốc giải quyết đơn (mẫu của Văn phòng)".into();
    s.save_letter_template(&mine, w.leader.id, now()).await.unwrap();
    mine.body = "Kính gửi {{don_vi_nhan}}: sửa lại trong ngày.".into();
    s.save_letter_template(&mine, w.leader.id, now()).await.unwrap();
    let saved = s.letter_templates().await.unwrap();
    assert_eq!(saved, vec![mine.clone()], "the same template and date is replaced");
    let book = shipped.with_office_versions(saved);
    assert_eq!(book.in_force("don_doc", date(2027, 1, 2)).unwrap().body, mine.body);
    assert_ne!(book.in_force("don_doc", date(2026, 12, 31)).unwrap().body, mine.body);
}

pub async fn issued_documents_are_numbered_stored_and_logged(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let dir = std::env::temp_dir().join(format!("donthu-contract-blobs-{}", Uuid::new_v4()));
    let blobs = crate::blob::LocalDirBlobStore::new(&dir);
    let sealer = crate::seal::IdentitySealer::from_key(&crate::seal::IdentitySealer::generate_key());
    let new = |symbol: &str, sealed: bool| NewDocument {
        petition_id: id,
        unit_id: w.internal_affairs.id,
        template_code: "phieu_chuyen_don".into(),
        symbol: symbol.into(),
        title: "Phiếu chuyển đơn".into(),
        file_name: "phieu-chuyen-don.docx".into(),
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document".into(),
        sealed,
    };
    let render = |number: &str| Ok(format!("Số: {number}").into_bytes());
    let first = s.issue_document(new("PC", false), &blobs, &sealer, &render, w.officer.id, now()).await.unwrap();
    let second = s.issue_document(new("", true), &blobs, &sealer, &render, w.officer.id, now()).await.unwrap();
    assert_eq!(
        (first.number.as_str(), second.number.as_str()),
        ("1/PC-BNC", "2/BNC"),
        "one sequence per unit and year"
    );
    let broken = |_: &str| -> Result<Vec<u8>, String> { Err("máy in hỏng".into()) };
    assert!(s.issue_document(new("PC", false), &blobs, &sealer, &broken, w.officer.id, now()).await.is_err());
    let listed = s.documents(id).await.unwrap();
    assert_eq!(listed, vec![first.clone(), second.clone()], "a failed rendering issues nothing");
    let third = s.issue_document(new("PC", false), &blobs, &sealer, &render, w.officer.id, now()).await.unwrap();
    assert_eq!(third.number, "3/PC-BNC", "and uses no number");
    let files = s.attachments(id).await.unwrap();
    let file = files.iter().find(|a| a.id == first.attachment_id).unwrap();
    assert!(!file.sealed);
    let bytes = crate::blob::BlobStore::get(&blobs, &file.sha256).await.unwrap().unwrap();
    assert_eq!(bytes, "Số: 1/PC-BNC".as_bytes(), "the number is printed in the file");
    assert_eq!(first.sha256, hex::encode(sha2::Sha256::digest(&bytes)));
    assert!(
        files.iter().find(|a| a.id == second.attachment_id).unwrap().sealed,
        "a document naming a denouncer is sealed"
    );
    let events = s.events(id).await.unwrap();
    let issued: Vec<_> = events.iter().filter(|e| e.action == "issue_document").collect();
    assert_eq!(issued.len(), 3);
    assert_eq!(issued[0].details.as_ref().unwrap()["number"], "1/PC-BNC");
    // Another unit has its own sequence.
    let other = register(s, &w.office_officer, complaint(&w.office)).await;
    let mut elsewhere = new("PC", false);
    elsewhere.petition_id = other;
    elsewhere.unit_id = w.office.id;
    let theirs = s.issue_document(elsewhere, &blobs, &sealer, &render, w.office_officer.id, now()).await.unwrap();
    assert_eq!(theirs.number, "1/PC-VPTU");
    let _ = std::fs::remove_dir_all(&dir);
}

pub async fn attachments_are_recorded(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let a = Attachment {
        id: Uuid::new_v4(),
        petition_id: id,
        file_name: "Đơn khiếu nại.pdf".into(),
        content_type: "application/pdf".into(),
        size_bytes: 1234,
        sha256: "ab".repeat(32),
        uploaded_at: now(),
        sealed: false,
    };
    let sealed = Attachment {
        id: Uuid::new_v4(),
        sha256: "cd".repeat(32),
        sealed: true,
        file_name: crate::rows::SEALED_DOCUMENT_NAME.into(),
        ..a.clone()
    };
    s.add_attachment(&a, w.officer.id).await.unwrap();
    s.add_attachment(&sealed, w.officer.id).await.unwrap();
    assert_eq!(s.attachments(id).await.unwrap(), vec![a, sealed.clone()]);
    s.record_identity_access(
        id,
        w.custodian.id,
        "Đối chiếu chữ viết",
        serde_json::json!({ "attachment": sealed.id }),
        now(),
    )
    .await
    .unwrap();
    let event = s.events(id).await.unwrap().pop().unwrap();
    assert_eq!((event.action.as_str(), event.reason.as_deref()), ("reveal_identity", Some("Đối chiếu chữ viết")));
    assert_eq!(event.details.unwrap()["attachment"], serde_json::json!(sealed.id));
}

pub async fn calendar_entries_are_saved_and_replaced(store: Arc<dyn Store>) {
    use donthu_calendar::workdays::ScheduleEntry;
    let s = &*store;
    assert!(s.calendar_entries().await.unwrap().is_empty());
    let entry = |m, d, working, reason: &str| ScheduleEntry { date: date(2026, m, d), working, reason: reason.into() };
    let saved = s
        .save_calendar_entries(
            &[entry(1, 2, false, "Nghỉ hoán đổi"), entry(1, 10, true, "Làm bù cho thứ Sáu 02/01/2026")],
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(saved, CalendarChange { saved: 2, deadlines_moved: 0 });
    s.save_calendar_entries(&[entry(1, 2, true, "Bãi bỏ hoán đổi")], None, now()).await.unwrap();
    let mut entries = s.calendar_entries().await.unwrap();
    entries.sort_by_key(|e| e.date);
    assert_eq!(
        entries,
        vec![entry(1, 2, true, "Bãi bỏ hoán đổi"), entry(1, 10, true, "Làm bù cho thứ Sáu 02/01/2026")]
    );
}

fn deadline<'a>(list: &'a [Deadline], rule: &str) -> &'a Deadline {
    list.iter().find(|d| d.rule_id == rule).unwrap_or_else(|| panic!("no {rule} deadline in {list:#?}"))
}

pub async fn deadlines_follow_the_processing(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    // A walk-in complaint received Monday 16/11/2026; "today" is Friday 20/11/2026.
    let id = register(s, &w.officer, NewPetition { channel: Channel::WalkIn, ..complaint(&w.internal_affairs) }).await;
    let list = s.deadlines(id).await.unwrap();
    assert_eq!(list.len(), 2);
    let accept = deadline(&list, "complaint.accept");
    assert_eq!(
        (accept.due_on, accept.state),
        (Some(date(2026, 11, 25)), DeadlineState::Open),
        "7 working days (Decree 155)"
    );
    assert!(accept.explanation.basis.contains("155/2026"));
    assert_eq!(deadline(&list, "visit.answer").due_on, Some(date(2026, 11, 30)), "10 working days (LTCD Art.28)");

    exec(s, &w.officer, id, classify(Kind::Complaint)).await;
    exec(s, &w.officer, id, propose(Handling::Accept, None)).await;
    exec(s, &w.head, id, approve()).await;
    let list = s.deadlines(id).await.unwrap();
    let accept = deadline(&list, "complaint.accept");
    assert_eq!((accept.state, accept.met_on), (DeadlineState::Met, Some(date(2026, 11, 20))));
    assert!(!accept.overdue(date(2026, 12, 31)), "met in time stays in time");
    let resolve = deadline(&list, "complaint.resolve.first");
    // Accepted 20/11: 30 days end on Sunday 20/12, so the deadline is Monday 21/12.
    assert_eq!((resolve.due_on, resolve.state), (Some(date(2026, 12, 21)), DeadlineState::Open));
    assert_eq!(resolve.explanation.rolled_from, Some(date(2026, 12, 20)));

    exec(s, &w.officer, id, Command::StartVerification { note: None }).await;
    exec(s, &w.head, id, Command::SuspendTemporarily { reason: "Chờ giám định".into() }).await;
    let paused = s.deadlines(id).await.unwrap();
    assert_eq!(deadline(&paused, "complaint.resolve.first").due_on, None, "the clock stops");
    exec(s, &w.head, id, Command::Resume { reason: "Đã có kết quả giám định".into() }).await;
    let resumed = s.deadlines(id).await.unwrap();
    let resolve = deadline(&resumed, "complaint.resolve.first");
    assert_eq!(resolve.due_on, Some(date(2026, 12, 21)), "counted again from the resume decision (20/11)");
    assert_eq!(resolve.pauses.len(), 1);
    exec(s, &w.officer, id, Command::RecordDialogue { held_on: date(2026, 11, 20), summary: "Đối thoại".into() }).await;
    exec(
        s,
        &w.head,
        id,
        Command::Conclude { outcome: Outcome::Correct, summary: "Quyết định".into(), figures: Default::default() },
    )
    .await;
    let done = s.deadlines(id).await.unwrap();
    assert_eq!(deadline(&done, "complaint.resolve.first").state, DeadlineState::Met);
    assert!(done.iter().all(|d| d.state != DeadlineState::Open));

    // A petition that leaves the unit's hands closes what still runs.
    let other = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    exec(
        s,
        &w.officer,
        other,
        Command::Withdraw { complainant: None, reason: "Rút đơn".into(), continue_processing: false },
    )
    .await;
    assert_eq!(deadline(&s.deadlines(other).await.unwrap(), "complaint.accept").state, DeadlineState::Closed);
}

pub async fn a_schedule_change_moves_open_deadlines_and_says_why(store: Arc<dyn Store>) {
    use donthu_calendar::workdays::ScheduleEntry;
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let untouched = register(
        s,
        &w.officer,
        NewPetition { received_on: date(2026, 10, 1), written_on: None, ..complaint(&w.internal_affairs) },
    )
    .await;
    // A second one received a day later moves with it, each with its own event.
    let next_day =
        register(s, &w.officer, NewPetition { received_on: date(2026, 11, 17), ..complaint(&w.internal_affairs) })
            .await;
    assert_eq!(deadline(&s.deadlines(id).await.unwrap(), "complaint.accept").due_on, Some(date(2026, 11, 25)));
    let next_day_due = deadline(&s.deadlines(next_day).await.unwrap(), "complaint.accept").due_on.unwrap();
    let day_off = ScheduleEntry {
        date: date(2026, 11, 24),
        working: false,
        reason: "Nghỉ lễ theo quyết định của Thủ tướng".into(),
    };
    let change = s.save_calendar_entries(&[day_off], Some(w.leader.id), now()).await.unwrap();
    assert_eq!(change, CalendarChange { saved: 1, deadlines_moved: 2 });
    let moved_next_day = deadline(&s.deadlines(next_day).await.unwrap(), "complaint.accept").due_on.unwrap();
    assert_eq!(moved_next_day, next_day_due + chrono::Days::new(1));
    let event = s.events(next_day).await.unwrap().pop().unwrap();
    assert_eq!(event.action, "recompute_deadline");
    assert_eq!(event.details.unwrap()["to_due"], moved_next_day.to_string());
    let moved = deadline(&s.deadlines(id).await.unwrap(), "complaint.accept").clone();
    assert_eq!(moved.due_on, Some(date(2026, 11, 26)));
    assert!(
        moved.explanation.not_counted.iter().any(|n| n.date == date(2026, 11, 24) && n.reason.contains("Thủ tướng"))
    );
    let event = s.events(id).await.unwrap().pop().unwrap();
    assert_eq!(event.action, "recompute_deadline");
    assert_eq!(event.actor_id, Some(w.leader.id));
    assert!(event.reason.unwrap().contains("24/11/2026 Nghỉ lễ theo quyết định của Thủ tướng"));
    assert_eq!(event.details.unwrap()["to_due"], "2026-11-26");
    assert_eq!(s.events(untouched).await.unwrap().len(), 1, "a deadline the change does not touch is left alone");
    // The worklist sees the moved date at once (the nearest due date kept on the row).
    let only_it = PetitionFilter { ids: Some(vec![id]), ..Default::default() };
    assert_eq!(s.list_petitions(&Scope::All, &only_it).await.unwrap()[0].next_due_on, Some(date(2026, 11, 26)));
    let due_by = |day| PetitionFilter { open_only: true, due_by: Some(day), ids: Some(vec![id]), ..Default::default() };
    assert!(s.list_petitions(&Scope::All, &due_by(date(2026, 11, 25))).await.unwrap().is_empty());
    assert_eq!(s.list_petitions(&Scope::All, &due_by(date(2026, 11, 26))).await.unwrap().len(), 1);
}

pub async fn a_forwarded_item_owes_acknowledgement_and_result(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    // The Party office forwards a complaint to the Internal Affairs Board (seed 000).
    let id = register(s, &w.office_officer, complaint(&w.office)).await;
    exec(s, &w.office_officer, id, classify(Kind::Complaint)).await;
    exec(s, &w.office_officer, id, propose(Handling::Forward, Some(w.internal_affairs.id))).await;
    exec(s, &w.office_head, id, approve()).await;
    let copy = s.forwardings(id).await.unwrap()[0].copy_petition_id.unwrap();
    let ack = deadline(&s.deadlines(copy).await.unwrap(), "forwarding.acknowledge").clone();
    assert_eq!((ack.due_on, ack.state), (Some(date(2026, 11, 25)), DeadlineState::Open));

    let sent = s
        .forwarding_obligations(ObligationFilter::all(Direction::Outgoing), &scope(s, &w.office_head).await)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].petition_id, sent[0].copy_petition_id, sent[0].to_unit_id), (id, copy, w.internal_affairs.id));
    let reference = |p| async move { s.petition(p, &Scope::All).await.unwrap().unwrap().reference };
    assert_eq!((&sent[0].reference, &sent[0].copy_reference), (&reference(id).await, &reference(copy).await));
    assert_eq!(Owed::standing(sent[0].acknowledgement.as_ref(), date(2026, 11, 20)), Standing::Owed);
    assert_eq!(Owed::standing(sent[0].acknowledgement.as_ref(), date(2026, 11, 26)), Standing::Overdue);
    assert_eq!(Owed::standing(sent[0].result.as_ref(), date(2026, 11, 20)), Standing::NotYetOwed);
    let owed =
        s.forwarding_obligations(ObligationFilter::all(Direction::Incoming), &scope(s, &w.head).await).await.unwrap();
    assert_eq!(owed.len(), 1, "the receiving unit sees what it owes");
    assert!(
        s.forwarding_obligations(ObligationFilter::all(Direction::Outgoing), &scope(s, &w.head).await)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.forwarding_obligations(ObligationFilter::all(Direction::Incoming), &scope(s, &w.office_head).await)
            .await
            .unwrap()
            .is_empty()
    );

    // The receiving unit accepts the item: that is the acknowledgement.
    exec(s, &w.officer, copy, classify(Kind::Complaint)).await;
    exec(s, &w.officer, copy, propose(Handling::Accept, None)).await;
    exec(s, &w.head, copy, approve()).await;
    let report = |summary: &str| Command::ReportToForwarder { summary: summary.into() };
    let early = service::execute(s, &w.officer, copy, &report("Chưa có kết quả"), now()).await.unwrap_err();
    assert_eq!(code(early), ErrorCode::TransitionNotAllowed);
    exec(s, &w.officer, copy, Command::StartVerification { note: None }).await;
    exec(s, &w.officer, copy, Command::RecordDialogue { held_on: date(2026, 11, 20), summary: "Đối thoại".into() })
        .await;
    exec(
        s,
        &w.head,
        copy,
        Command::Conclude {
            outcome: Outcome::PartlyCorrect,
            summary: "Quyết định số 7/QĐ".into(),
            figures: Default::default(),
        },
    )
    .await;
    let result = deadline(&s.deadlines(copy).await.unwrap(), "forwarding.result").clone();
    assert_eq!(result.due_on, Some(date(2026, 12, 1)), "7 working days after the resolution (LTCD Art.27(2))");
    exec(s, &w.officer, copy, report("Đã ban hành Quyết định số 7/QĐ giải quyết khiếu nại; khiếu nại đúng một phần."))
        .await;

    let sent = s
        .forwarding_obligations(ObligationFilter::all(Direction::Outgoing), &scope(s, &w.office_head).await)
        .await
        .unwrap();
    assert_eq!(Owed::standing(sent[0].acknowledgement.as_ref(), date(2026, 12, 31)), Standing::Done);
    assert_eq!(Owed::standing(sent[0].result.as_ref(), date(2026, 12, 31)), Standing::Done);
    assert_eq!(sent[0].result_reported_on, Some(date(2026, 11, 20)));
    assert!(sent[0].result_summary.as_deref().unwrap().contains("đúng một phần"));
    let event = s.events(id).await.unwrap().pop().unwrap();
    assert_eq!((event.action.as_str(), event.actor_id), ("forwarding_result", Some(w.officer.id)));
    assert!(event.reason.unwrap().contains("Quyết định số 7/QĐ"));

    let own = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let e = service::execute(s, &w.officer, own, &report("x"), now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::NotForwarded);

    // The forwarding letter sets its own term: answer within 3 days.
    let urgent = register(s, &w.office_officer, complaint(&w.office)).await;
    exec(s, &w.office_officer, urgent, classify(Kind::Complaint)).await;
    let with_term = |handling| Command::Propose {
        handling,
        to_unit: Some(w.internal_affairs.id),
        to_body: None,
        reason: None,
        reply_within_days: Some(3),
    };
    let e = service::execute(s, &w.office_officer, urgent, &with_term(Handling::Accept), now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::InvalidValue, "a term only goes with a forwarding");
    exec(s, &w.office_officer, urgent, with_term(Handling::Forward)).await;
    exec(s, &w.office_head, urgent, approve()).await;
    let copy = s.forwardings(urgent).await.unwrap()[0].copy_petition_id.unwrap();
    let ack = deadline(&s.deadlines(copy).await.unwrap(), "forwarding.acknowledge").clone();
    // 20/11 + 3 days = Monday 23/11.
    assert_eq!((ack.due_on, ack.custom_length), (Some(date(2026, 11, 23)), Some(3)));
    assert!(
        ack.explanation.lines()[0].contains("thời hạn ghi trong văn bản chuyển đơn"),
        "{:?}",
        ack.explanation.lines()
    );
}

pub async fn extensions_follow_the_complexity(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.officer, denunciation(&w.internal_affairs)).await;
    let complex = Command::Classify {
        kind: Kind::Denunciation,
        field: Field::AdminCivilService,
        complexity: Complexity::Complex,
        remote_area: false,
        complaint_round: None,
    };
    exec(s, &w.officer, id, complex).await;
    exec(s, &w.officer, id, propose(Handling::Accept, None)).await;
    exec(s, &w.head, id, approve()).await;
    let due = |list: Vec<Deadline>| deadline(&list, "denunciation.resolve").due_on;
    // Accepted 20/11/2026: 30 days end on Sunday 20/12 → Monday 21/12.
    assert_eq!(due(s.deadlines(id).await.unwrap()), Some(date(2026, 12, 21)));
    let extend =
        Command::Extend { reason: "Vụ việc phức tạp, cần xác minh tại nhiều địa điểm".into() };
    let p = exec(s, &w.head, id, extend.clone()).await;
    assert_eq!(p.process.extensions, 1);
    assert_eq!(due(s.deadlines(id).await.unwrap()), Some(date(2027, 1, 20)), "30 more days from 21/12");
    let facts = s.report_facts(&Scope::All, None, date(2026, 12, 31)).await.unwrap();
    let fact = facts.iter().find(|f| f.petition_id == id).unwrap();
    assert_eq!(
        fact.resolution_due_on,
        Some(date(2027, 1, 20)),
        "the reports judge timeliness by the extended deadline"
    );
    let again = service::execute(s, &w.head, id, &extend, now()).await.unwrap_err();
    assert_eq!(code(again), ErrorCode::ExtensionNotAllowed, "a complex case is extended once");
    assert_eq!(s.snapshot(id).await.unwrap().unwrap().state.extensions, 1, "the refused extension wrote nothing");
    let normal = register(s, &w.officer, denunciation(&w.internal_affairs)).await;
    exec(s, &w.officer, normal, classify(Kind::Denunciation)).await;
    exec(s, &w.officer, normal, propose(Handling::Accept, None)).await;
    exec(s, &w.head, normal, approve()).await;
    assert_eq!(
        code(service::execute(s, &w.head, normal, &extend, now()).await.unwrap_err()),
        ErrorCode::ExtensionNotAllowed
    );
}

/// A moment given in Vietnam time.
pub fn vn(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap() - Duration::hours(7)
}

pub async fn reminders_go_out_once_on_working_days_in_office_hours(store: Arc<dyn Store>) {
    let policy = donthu_calendar::reminders::ReminderPolicy::default();
    let s = &*store;
    let w = world(s).await;
    // Received 16/11/2026: the complaint must be accepted or refused by Wednesday 25/11.
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    assert_eq!(s.run_reminders(&policy, vn(2026, 11, 22, 10)).await.unwrap(), ReminderRun::default(), "Sunday");
    assert_eq!(s.run_reminders(&policy, vn(2026, 11, 23, 22)).await.unwrap(), ReminderRun::default(), "night");
    let first = s.run_reminders(&policy, vn(2026, 11, 23, 9)).await.unwrap();
    assert_eq!(first, ReminderRun { reminders: 1, notifications: 1, emails_queued: 1 });
    assert_eq!(s.run_reminders(&policy, vn(2026, 11, 23, 10)).await.unwrap(), ReminderRun::default(), "once only");
    let notes = s.notifications(w.officer.id, 10).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].petition_id, id);
    assert!(
        notes[0].message.contains("sắp đến hạn") && notes[0].message.contains("25/11/2026"),
        "{}",
        notes[0].message
    );

    // Many processes at once, on Monday 30/11: overdue, and escalated to the head.
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .run_reminders(&donthu_calendar::reminders::ReminderPolicy::default(), vn(2026, 11, 30, 9))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut claimed = 0;
    for r in runs {
        claimed += r.await.unwrap().reminders;
    }
    assert_eq!(claimed, 2, "overdue and head, each exactly once");
    assert_eq!(s.notifications(w.officer.id, 10).await.unwrap().len(), 2);
    let head = s.notifications(w.head.id, 10).await.unwrap();
    assert_eq!(head.len(), 1);
    assert!(head[0].message.starts_with("Báo cáo lãnh đạo"));
    assert!(s.notifications(w.office_officer.id, 10).await.unwrap().is_empty(), "other units are not told");
}

pub async fn the_outbox_retries_then_dead_letters(store: Arc<dyn Store>) {
    let policy = donthu_calendar::reminders::ReminderPolicy::default();
    let s = &*store;
    let w = world(s).await;
    register(s, &w.officer, complaint(&w.internal_affairs)).await;
    s.run_reminders(&policy, vn(2026, 11, 23, 9)).await.unwrap();
    let t0 = vn(2026, 11, 23, 9);
    let claimed = s.claim_emails(10, t0).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].to, "lan@donthu.test");
    assert!(s.claim_emails(10, t0).await.unwrap().is_empty(), "leased to the first claimer");
    s.finish_email(claimed[0].id, Err("421 try later".into()), t0).await.unwrap();
    assert!(s.claim_emails(10, t0).await.unwrap().is_empty(), "waits for its retry time");
    let mut at = t0;
    for attempt in 2..=MAX_EMAIL_ATTEMPTS {
        at += Duration::hours(3);
        let again = s.claim_emails(10, at).await.unwrap();
        assert_eq!((again.len(), again[0].attempts), (1, attempt));
        s.finish_email(again[0].id, Err("550 mailbox unavailable".into()), at).await.unwrap();
    }
    assert_eq!(s.outbox_counts().await.unwrap(), (0, 0, 1), "dead-lettered after the last attempt");
    // A fresh reminder for another item is sent on the first try.
    let other =
        register(s, &w.officer, NewPetition { received_on: date(2026, 11, 17), ..complaint(&w.internal_affairs) })
            .await;
    let _ = other;
    s.run_reminders(&policy, vn(2026, 11, 24, 9)).await.unwrap();
    let fresh = s.claim_emails(10, vn(2026, 11, 24, 9)).await.unwrap();
    assert_eq!(fresh.len(), 1);
    s.finish_email(fresh[0].id, Ok(()), vn(2026, 11, 24, 9)).await.unwrap();
    assert_eq!(s.outbox_counts().await.unwrap(), (0, 1, 1));
}

pub async fn report_facts_follow_the_register_and_the_timeline(store: Arc<dyn Store>) {
    use donthu_reports::{Period, PeriodKind, drill_down, evaluate, shipped_tables};
    let s = &*store;
    let w = world(s).await;
    // Month 12/2026 runs 15/11 – 14/12/2026.
    let period = Period::of(PeriodKind::Month, 2026, 12).unwrap();
    // The Party office: a complaint received in October and still waiting (carried over),
    // and one received on 16/11 forwarded to the Internal Affairs Board on 20/11.
    let waiting = register(
        s,
        &w.office_officer,
        NewPetition { received_on: date(2026, 10, 1), written_on: None, ..complaint(&w.office) },
    )
    .await;
    let forwarded = register(s, &w.office_officer, complaint(&w.office)).await;
    exec(s, &w.office_officer, forwarded, classify(Kind::Complaint)).await;
    exec(s, &w.office_officer, forwarded, propose(Handling::Forward, Some(w.internal_affairs.id))).await;
    exec(s, &w.office_head, forwarded, approve()).await;
    // The board accepts the copy, decides it with money given back, and reports back.
    let copy = s.forwardings(forwarded).await.unwrap()[0].copy_petition_id.unwrap();
    exec(s, &w.officer, copy, classify(Kind::Complaint)).await;
    exec(s, &w.officer, copy, propose(Handling::Accept, None)).await;
    exec(s, &w.head, copy, approve()).await;
    let figures = donthu_core::process::ResultFigures {
        money_returned_vnd: 125_500_000,
        individuals_restored: 1,
        ..Default::default()
    };
    exec(
        s,
        &w.head,
        copy,
        Command::Conclude { outcome: Outcome::PartlyCorrect, summary: "Quyết định số 7/QĐ".into(), figures },
    )
    .await;
    exec(s, &w.officer, copy, Command::ReportToForwarder { summary: "Đã giải quyết".into() }).await;
    // The board also receives a crowd of six at its reception office, and a letter it splits.
    let crowd = NewPetition {
        channel: Channel::WalkIn,
        received_on: date(2026, 11, 17),
        petitioner: Petitioner::Group {
            head_count: 6,
            members: vec![GroupMember { person: citizen("Nguyễn Văn Ba", "001203099999"), representative: true }],
        },
        reception: Some(Reception {
            form: ReceptionForm::Regular,
            head_in_person: false,
            previously_resolved_by: None,
        }),
        ..complaint(&w.internal_affairs)
    };
    let crowd = register(s, &w.officer, crowd).await;
    let mixed = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let part =
        |kind| SplitPart {
            kind, field: Field::AdminLand, content: "Một phần nội dung của đơn".into(), target: None
        };
    exec(s, &w.officer, mixed, Command::Split { parts: vec![part(Kind::Complaint), part(Kind::Recommendation)] }).await;

    let facts = s.report_facts(&Scope::All, None, period.to).await.unwrap();
    assert!(facts.iter().all(|f| f.petition_id != mixed), "a split letter is counted through its parts");
    assert_eq!(facts.len(), 6);
    let fact = |id| facts.iter().find(|f| f.petition_id == id).unwrap();
    assert_eq!(fact(forwarded).processed_on, Some(date(2026, 11, 20)));
    assert_eq!(fact(forwarded).handling, Some(Handling::Forward));
    assert_eq!(fact(forwarded).replies_on, vec![date(2026, 11, 20)]);
    assert_eq!((fact(copy).concluded_on, fact(copy).outcome), (Some(date(2026, 11, 20)), Some(Outcome::PartlyCorrect)));
    assert_eq!(fact(copy).figures.money_returned_vnd, 125_500_000);
    assert!(fact(copy).resolution_due_on.is_some());
    assert!(!fact(copy).repeat, "the copy shares the office's case but is the board's first letter of it");
    assert_eq!((fact(crowd).people, fact(crowd).reception), (6, Some(ReceptionForm::Regular)));
    assert_eq!(fact(waiting).processed_on, None);

    let tables = shipped_tables();
    let table = |code: &str| tables.iter().find(|t| t.code == code).unwrap();
    let units = vec![(w.office.id, w.office.name.clone()), (w.internal_affairs.id, w.internal_affairs.name.clone())];
    let xld = evaluate(table("01/XLD"), &period, &units, &facts);
    assert!(xld.violations.is_empty(), "{:?}", xld.violations);
    let office = &xld.rows[0].values;
    // Total, carried over, received, processed, not processed; forwarded; answers received.
    assert_eq!((office[0], office[1], office[2], office[3], office[4]), (2.0, 1.0, 1.0, 1.0, 1.0));
    assert_eq!((office[18], office[21]), (1.0, 1.0));
    assert_eq!(drill_down(table("01/XLD"), 5, &period, Some(w.office.id), &facts), vec![waiting]);
    assert_eq!(drill_down(table("01/XLD"), 19, &period, None, &facts), vec![forwarded]);
    let kqgq = evaluate(table("01/KQGQ"), &period, &units, &facts);
    let board = &kqgq.rows[1].values;
    assert_eq!((board[0], board[5], board[10], board[15], board[18]), (1.0, 1.0, 1.0, 125.5, 1.0));
    let tcd = evaluate(table("01/TCD"), &period, &units, &facts);
    let board = &tcd.rows[1].values;
    assert_eq!((board[0], board[1], board[7], board[8]), (1.0, 6.0, 1.0, 6.0), "one visit of a crowd of six");

    // A head of the board sees only the board's petitions.
    let mine = s.report_facts(&scope(s, &w.head).await, None, period.to).await.unwrap();
    assert!(mine.iter().all(|f| f.unit_id == w.internal_affairs.id) && mine.len() == 4);
    // Nothing received after the period's end is read.
    assert!(
        s.report_facts(&Scope::All, None, date(2026, 10, 31)).await.unwrap().iter().all(|f| f.petition_id == waiting)
    );
    // A period starting in December does not read the petition forwarded on 20/11 whose
    // answer came the same day: it is settled. The rest are pending (not processed, or
    // decided and not closed) and carried over.
    let december = date(2026, 12, 1);
    let active = s.report_facts(&Scope::All, Some(december), period.to).await.unwrap();
    let expected: Vec<Uuid> = facts.iter().filter(|f| !f.settled_before(december)).map(|f| f.petition_id).collect();
    assert_eq!(active.iter().map(|f| f.petition_id).collect::<Vec<_>>(), expected);
    assert_eq!(expected.len(), 5);
    assert!(!expected.contains(&forwarded));
    let november = s.report_facts(&Scope::All, Some(date(2026, 11, 15)), period.to).await.unwrap();
    assert_eq!(november, facts, "nothing is settled before the month of November began");

    // The dashboard's counts, counted by the database, are those of the facts, in every
    // scope and period.
    use donthu_reports::dashboard::{Class, Counts};
    let board = scope(s, &w.head).await;
    let periods = [
        period.clone(),
        Period::of(PeriodKind::Year, 2026, 0).unwrap(),
        Period::of(PeriodKind::Month, 2026, 11).unwrap(),
        // Custom dates: days at the edges counted from the facts, whole months from the
        // tallies, or edges alone.
        Period::custom(date(2026, 10, 20), date(2026, 12, 3)).unwrap(),
        Period::custom(date(2026, 11, 16), date(2026, 11, 20)).unwrap(),
        Period::week(date(2026, 11, 17)),
    ];
    for period in &periods {
        for seen_by in [&Scope::All, &board] {
            let facts = s.report_facts(seen_by, None, period.to).await.unwrap();
            let counts = s.dashboard_counts(seen_by, period).await.unwrap();
            assert_eq!(counts, Counts::of_facts(period, &facts), "{}", period.title());
        }
    }
    let counts = s.dashboard_counts(&Scope::All, &period).await.unwrap();
    assert_eq!(
        counts.received.iter().filter(|t| matches!(t.class, Class::Kind(_))).map(|t| t.count).sum::<u64>(),
        5,
        "the forwarded letter, its copy, the crowd and the two parts of the split letter"
    );
    assert_eq!(
        counts.decided.iter().map(|g| (g.unit_id, g.concluded_on, g.count)).collect::<Vec<_>>(),
        vec![(w.internal_affairs.id, date(2026, 11, 20), 1)]
    );
    assert!(counts.processed.contains(&(date(2026, 11, 20), 2)), "{:?}", counts.processed);
}

pub async fn legacy_imports_are_idempotent_and_mappings_kept_per_unit(store: Arc<dyn Store>) {
    use service::ImportOutcome;
    let s = &*store;
    let w = world(s).await;
    let old = |content: &str| NewPetition {
        received_on: date(2019, 3, 15),
        written_on: None,
        content: content.into(),
        ..complaint(&w.internal_affairs)
    };
    let rows = vec![
        (old("Khiếu nại việc thu hồi đất năm 2019."), "import:a".to_owned()),
        (denunciation(&w.internal_affairs), "import:b".to_owned()),
    ];
    let mut seen = Vec::new();
    let first = service::import_petitions(s, &w.officer, &rows, now(), &mut |n| seen.push(n)).await.unwrap();
    assert_eq!(seen, vec![1, 2], "progress is reported row by row");
    assert!(first.iter().all(|o| matches!(o, ImportOutcome::Created(_))), "{first:?}");
    let count = || async { s.count_petitions(&Scope::All, &PetitionFilter::default()).await.unwrap() };
    assert_eq!(count().await, 2);
    let again = service::import_petitions(s, &w.officer, &rows, now(), &mut |_| {}).await.unwrap();
    assert!(again.iter().all(|o| matches!(o, ImportOutcome::AlreadyImported(_))), "{again:?}");
    assert_eq!(count().await, 2, "re-importing creates nothing new");
    let ImportOutcome::Created(sealed) = first[1] else { unreachable!() };
    let stored = s.petition(sealed, &Scope::All).await.unwrap().unwrap();
    assert!(matches!(stored.petitioner, PetitionerView::Sealed), "an imported denouncer is sealed like any other");
    let changed = vec![(old("Nội dung khác hẳn."), "import:a".to_owned())];
    let refused = service::import_petitions(s, &w.officer, &changed, now(), &mut |_| {}).await.unwrap();
    assert!(matches!(&refused[0], ImportOutcome::Refused(why) if why.contains("nội dung khác")), "{refused:?}");
    // Another unit's officer may not import into this unit.
    let theirs = service::import_petitions(s, &w.office_officer, &rows[..1], now(), &mut |_| {}).await.unwrap();
    assert!(matches!(&theirs[0], ImportOutcome::Refused(why) if why.contains("không có quyền")), "{theirs:?}");

    assert_eq!(s.import_mapping(w.internal_affairs.id).await.unwrap(), None);
    let mut mapping = std::collections::BTreeMap::new();
    mapping.insert("received_on".to_owned(), "Ngày nhận".to_owned());
    s.save_import_mapping(w.internal_affairs.id, &mapping, w.officer.id, now()).await.unwrap();
    mapping.insert("content".to_owned(), "Nội dung".to_owned());
    s.save_import_mapping(w.internal_affairs.id, &mapping, w.officer.id, now()).await.unwrap();
    assert_eq!(s.import_mapping(w.internal_affairs.id).await.unwrap(), Some(mapping));
    assert_eq!(s.import_mapping(w.office.id).await.unwrap(), None, "per unit");
}

fn session_of(w: &World, on: NaiveDate) -> donthu_core::accountability::NewSession {
    donthu_core::accountability::NewSession {
        unit_id: w.internal_affairs.id,
        host_unit_id: w.province.id,
        host_level: donthu_core::accountability::HostLevel::ProvincialPartySecretary,
        host_name: "Đồng chí Nguyễn Văn Bình".into(),
        host_title: "Bí thư Tỉnh ủy".into(),
        kind: donthu_core::accountability::SessionKind::Periodic,
        scheduled_on: on,
        place: "Trụ sở Tiếp công dân tỉnh".into(),
        online: false,
    }
}

/// Seed 004: the Internal Affairs Board prepares the provincial secretary's session,
/// proposes cases, records it, issues the conclusion notice, and its tasks are followed.
pub async fn a_reception_session_is_prepared_held_and_followed_up(store: Arc<dyn Store>) {
    use donthu_core::accountability::*;
    let s = &*store;
    let w = world(s).await;
    let case = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let theirs = register(s, &w.office_officer, complaint(&w.office)).await;
    let e =
        service::schedule_session(s, &w.commune_officer, session_of(&w, date(2026, 11, 19)), now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::Forbidden, "only the preparing unit schedules");
    let mut bad = session_of(&w, date(2026, 11, 19));
    bad.place = " ".into();
    assert_eq!(code(service::schedule_session(s, &w.officer, bad, now()).await.unwrap_err()), ErrorCode::Required);
    let session = service::schedule_session(s, &w.officer, session_of(&w, date(2026, 11, 19)), now()).await.unwrap();
    assert_eq!(session.status, SessionStatus::Scheduled);

    service::propose_case(
        s,
        &w.officer,
        session.id,
        case,
        "Đã giải quyết hai lần, công dân chưa đồng ý; đề xuất đối thoại.",
        now(),
    )
    .await
    .unwrap();
    let again = service::propose_case(s, &w.officer, session.id, case, "Lần nữa", now()).await.unwrap_err();
    assert_eq!(code(again), ErrorCode::AlreadyExists);
    let hidden = service::propose_case(s, &w.officer, session.id, theirs, "Đơn đơn vị khác", now()).await.unwrap_err();
    assert_eq!(code(hidden), ErrorCode::NotFound, "only the official's own petitions");
    assert!(s.events(case).await.unwrap().iter().any(|e| e.action == "propose_for_reception"));

    // The province's leader sees the session; the commune does not.
    let listed = |u: &User| {
        let u = u.clone();
        async move { s.reception_sessions(&scope(s, &u).await, date(2026, 11, 1), date(2026, 11, 30)).await.unwrap() }
    };
    assert_eq!(listed(&w.leader).await.len(), 1);
    assert!(listed(&w.commune_officer).await.is_empty());
    assert!(s.session_file(session.id, &scope(s, &w.commune_officer).await).await.unwrap().is_none());

    let dir = std::env::temp_dir().join(format!("donthu-contract-blobs-{}", Uuid::new_v4()));
    let blobs = crate::blob::LocalDirBlobStore::new(&dir);
    let render = |number: &str| Ok(format!("THÔNG BÁO số {number}").into_bytes());
    let conclusion = |due| Conclusion {
        text: "Giao UBND xã Tân Lập tổ chức đối thoại, rà soát hồ sơ bồi thường.".into(),
        tasks: vec![
            NewTask {
                unit_id: w.commune.id,
                petition_id: Some(case),
                description: "Tổ chức đối thoại với công dân".into(),
                due_on: due,
            },
            NewTask {
                unit_id: w.office.id,
                petition_id: None,
                description: "Theo dõi, tổng hợp kết quả".into(),
                due_on: due,
            },
        ],
    };
    let pdf = ("thong-bao-ket-luan.pdf", "application/pdf");
    let early = service::conclude_session(
        s,
        &w.officer,
        session.id,
        conclusion(date(2026, 12, 10)),
        &blobs,
        &render,
        pdf,
        now(),
    )
    .await;
    assert_eq!(code(early.unwrap_err()), ErrorCode::TransitionNotAllowed, "a notice follows the session");

    let record = |held_on| SessionRecord {
        held_on,
        attendance: Attendance::InPerson,
        delegate: None,
        citizens: 3,
        record: "Đồng chí Bí thư trực tiếp tiếp 3 công dân, nghe trình bày và kết luận.".into(),
    };
    let future =
        service::record_session(s, &w.officer, session.id, record(date(2026, 11, 21)), now()).await.unwrap_err();
    assert_eq!(code(future), ErrorCode::InvalidDate);
    service::record_session(s, &w.officer, session.id, record(date(2026, 11, 19)), now()).await.unwrap();
    let late = service::propose_case(s, &w.officer, session.id, case, "x", now()).await.unwrap_err();
    assert_eq!(code(late), ErrorCode::TransitionNotAllowed);
    let past_due = service::conclude_session(
        s,
        &w.officer,
        session.id,
        conclusion(date(2026, 11, 1)),
        &blobs,
        &render,
        pdf,
        now(),
    )
    .await;
    assert_eq!(code(past_due.unwrap_err()), ErrorCode::InvalidDate);
    let notice = service::conclude_session(
        s,
        &w.officer,
        session.id,
        conclusion(date(2026, 12, 10)),
        &blobs,
        &render,
        pdf,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(notice.number, "1/TB-BNC", "numbered with the board's documents of the year");
    let bytes = crate::blob::BlobStore::get(&blobs, &notice.sha256).await.unwrap().unwrap();
    assert_eq!(bytes, "THÔNG BÁO số 1/TB-BNC".as_bytes());
    let twice = service::conclude_session(
        s,
        &w.officer,
        session.id,
        conclusion(date(2026, 12, 10)),
        &blobs,
        &render,
        pdf,
        now(),
    )
    .await;
    assert_eq!(code(twice.unwrap_err()), ErrorCode::TransitionNotAllowed);

    let file = s.session_file(session.id, &scope(s, &w.leader).await).await.unwrap().unwrap();
    assert_eq!(
        (file.session.status, file.session.conclusion_number.as_deref()),
        (SessionStatus::Concluded, Some("1/TB-BNC"))
    );
    assert_eq!(file.session.record.as_ref().unwrap().citizens, 3);
    assert_eq!((file.cases.len(), file.tasks.len(), file.documents.len()), (1, 2, 1));
    assert!(file.cases[0].proposal.contains("đối thoại"));
    let actions: Vec<String> = s.events(case).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.ends_with(&[
        "propose_for_reception".into(),
        "reception_held".into(),
        "reception_conclusion".into()
    ]));

    // Each unit sees the tasks given to it; only it reports them done.
    let commune_tasks = s
        .follow_up_tasks(&scope(s, &w.commune_officer).await, TaskFilter { open_only: true, unit_id: None })
        .await
        .unwrap();
    assert_eq!(commune_tasks.len(), 1);
    let task = commune_tasks[0].id;
    let e = service::complete_task(s, &w.office_officer, task, date(2026, 11, 20), "x", now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::NotFound, "another unit's task is not found");
    let e = service::complete_task(s, &w.commune_officer, task, date(2026, 11, 20), " ", now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::Required);
    service::complete_task(s, &w.commune_officer, task, date(2026, 11, 20), "Đã đối thoại ngày 20/11/2026.", now())
        .await
        .unwrap();
    assert!(
        s.follow_up_tasks(&scope(s, &w.commune_officer).await, TaskFilter { open_only: true, unit_id: None })
            .await
            .unwrap()
            .is_empty()
    );
    let done =
        &s.follow_up_tasks(&Scope::All, TaskFilter { open_only: false, unit_id: Some(w.commune.id) }).await.unwrap()[0];
    assert_eq!((done.done_on, done.done_by), (Some(date(2026, 11, 20)), Some(w.commune_officer.id)));
    assert_eq!(s.events(case).await.unwrap().pop().unwrap().action, "complete_task");
    assert_eq!(s.follow_up_tasks(&Scope::All, TaskFilter { open_only: true, unit_id: None }).await.unwrap().len(), 1);

    // A session not held can be cancelled, one held cannot.
    let other = service::schedule_session(s, &w.officer, session_of(&w, date(2026, 12, 3)), now()).await.unwrap();
    assert_eq!(
        code(service::cancel_session(s, &w.officer, session.id, "Bận", now()).await.unwrap_err()),
        ErrorCode::TransitionNotAllowed
    );
    service::cancel_session(s, &w.officer, other.id, "Đồng chí Bí thư đi công tác Trung ương", now()).await.unwrap();
    let cancelled = s.session_file(other.id, &Scope::All).await.unwrap().unwrap().session;
    assert_eq!(cancelled.status, SessionStatus::Cancelled);
    let _ = std::fs::remove_dir_all(&dir);
}

pub async fn violations_are_registered_with_their_measure_and_apology(store: Arc<dyn Store>) {
    use donthu_core::accountability::*;
    let s = &*store;
    let w = world(s).await;
    let complaint_id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let denunciation_id = register(s, &w.officer, denunciation(&w.internal_affairs)).await;
    let new = |petitions: Vec<Uuid>, apology: Option<&str>| NewViolation {
        unit_id: w.commune.id,
        official_name: "Lê Văn Cường".into(),
        official_position: "Công chức địa chính – xây dựng xã Tân Lập".into(),
        found_on: date(2026, 11, 12),
        source: ViolationSource::SurpriseInspection,
        category: ViolationCategory::Harassment,
        facts: "Gây khó khăn, yêu cầu bổ sung giấy tờ không có trong quy định.".into(),
        cause: "Thiếu tinh thần trách nhiệm".into(),
        individual_responsibility: "Ông Cường chịu trách nhiệm cá nhân".into(),
        collective_responsibility: "Chủ tịch UBND xã thiếu kiểm tra".into(),
        measure: Measure::Reprimand,
        measure_decision: Some("Quyết định số 12/QĐ-UBND ngày 18/11/2026".into()),
        apology_to: apology.map(str::to_owned),
        petition_ids: petitions,
    };
    let e = service::record_violation(
        s,
        &w.officer,
        w.internal_affairs.id,
        new(vec![denunciation_id], Some("Bà Ngọc")),
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ErrorCode::InvalidValue, "a denouncer is never named in the register");
    let e = service::record_violation(s, &w.officer, w.office.id, new(vec![], None), now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::Forbidden);
    let mut undecided = new(vec![], None);
    undecided.measure_decision = None;
    assert_eq!(
        code(service::record_violation(s, &w.officer, w.internal_affairs.id, undecided, now()).await.unwrap_err()),
        ErrorCode::Required
    );

    let v = service::record_violation(
        s,
        &w.officer,
        w.internal_affairs.id,
        new(vec![complaint_id, complaint_id], Some("Ông Nguyễn Văn An")),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(v.details.petition_ids, vec![complaint_id], "each petition linked once");
    let found =
        service::record_violation(s, &w.officer, w.internal_affairs.id, new(vec![denunciation_id], None), now())
            .await
            .unwrap();
    // A violation recorded before its measure is decided gets it later, once.
    let mut pending = new(vec![denunciation_id], None);
    pending.measure = Measure::Pending;
    pending.measure_decision = None;
    let pending = service::record_violation(s, &w.officer, w.internal_affairs.id, pending, now()).await.unwrap();
    let e = service::decide_measure(s, &w.officer, pending.id, Measure::Warning, None, now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::Required, "a disciplinary form needs its decision");
    service::decide_measure(
        s,
        &w.officer,
        pending.id,
        Measure::Warning,
        Some("Quyết định số 20/QĐ-UBND".into()),
        now(),
    )
    .await
    .unwrap();
    let e = service::decide_measure(s, &w.officer, pending.id, Measure::Reprimand, Some("x".into()), now())
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::TransitionNotAllowed, "decided once");
    assert_eq!(s.events(denunciation_id).await.unwrap().pop().unwrap().action, "decide_measure");
    let linked = s.events(complaint_id).await.unwrap().pop().unwrap();
    assert_eq!(
        (linked.action.as_str(), linked.details.unwrap()["measure"].as_str()),
        ("record_violation", Some("reprimand"))
    );

    let seen = |u: &User| {
        let u = u.clone();
        async move { s.violations(&scope(s, &u).await, ViolationFilter::default()).await.unwrap() }
    };
    assert_eq!(seen(&w.commune_officer).await.len(), 3, "the unit of the official sees its violations");
    assert_eq!(seen(&w.head).await.len(), 3, "and so does the unit that found them");
    assert!(seen(&w.office_officer).await.is_empty());
    let in_period = s
        .violations(
            &Scope::All,
            ViolationFilter { unit_id: Some(w.commune.id), from: Some(date(2026, 11, 13)), to: None },
        )
        .await
        .unwrap();
    assert!(in_period.is_empty());

    let e = service::record_apology(s, &w.officer, found.id, date(2026, 11, 19), None, now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::TransitionNotAllowed, "no apology is owed");
    let e = service::record_apology(s, &w.officer, v.id, date(2026, 11, 1), None, now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::InvalidDate);
    service::record_apology(s, &w.commune_officer, v.id, date(2026, 11, 19), Some("25/UBND".into()), now())
        .await
        .unwrap();
    let e = service::record_apology(s, &w.officer, v.id, date(2026, 11, 19), None, now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::TransitionNotAllowed, "recorded once");
    let after = seen(&w.leader).await.into_iter().find(|x| x.id == v.id).unwrap();
    assert_eq!((after.apology_sent_on, after.apology_number.as_deref()), (Some(date(2026, 11, 19)), Some("25/UBND")));
    assert_eq!(after.details.facts, v.details.facts);
    assert_eq!(s.events(complaint_id).await.unwrap().pop().unwrap().action, "apology_sent");
}

pub async fn forwardings_are_read_by_period_with_their_chase_ups(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let id = register(s, &w.office_officer, complaint(&w.office)).await;
    exec(s, &w.office_officer, id, classify(Kind::Complaint)).await;
    exec(s, &w.office_officer, id, propose(Handling::Forward, Some(w.internal_affairs.id))).await;
    exec(s, &w.office_head, id, approve()).await;
    let office = scope(s, &w.office_head).await;
    let read = |from, to| {
        let office = office.clone();
        async move {
            s.forwarding_obligations(
                ObligationFilter { direction: Direction::Outgoing, from, to, petition: None },
                &office,
            )
            .await
            .unwrap()
        }
    };
    let all = read(None, None).await;
    assert_eq!((all.len(), all[0].chased_up_on), (1, None));
    assert_eq!(read(Some(date(2026, 11, 21)), None).await.len(), 0);
    assert_eq!(read(None, Some(date(2026, 11, 19))).await.len(), 0);
    assert_eq!(read(Some(all[0].forwarded_on), Some(all[0].forwarded_on)).await.len(), 1);
    // One petition's obligations, from either side: its own forwarding and the copy's.
    let other = register(s, &w.office_officer, complaint(&w.office)).await;
    let copy = all[0].copy_petition_id;
    let of = |direction, petition| {
        let office = office.clone();
        async move {
            s.forwarding_obligations(ObligationFilter::of_petition(direction, petition), &office)
                .await
                .unwrap()
                .into_iter()
                .map(|o| o.forwarding_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(of(Direction::Outgoing, id).await, vec![all[0].forwarding_id]);
    assert!(of(Direction::Outgoing, other).await.is_empty());
    assert!(of(Direction::Outgoing, copy).await.is_empty(), "the copy forwarded nothing");
    let board = scope(s, &w.head).await;
    let incoming =
        s.forwarding_obligations(ObligationFilter::of_petition(Direction::Incoming, copy), &board).await.unwrap();
    assert_eq!(incoming.iter().map(|o| o.petition_id).collect::<Vec<_>>(), vec![id]);
    assert!(
        s.forwarding_obligations(ObligationFilter::of_petition(Direction::Incoming, id), &board)
            .await
            .unwrap()
            .is_empty()
    );

    let dir = std::env::temp_dir().join(format!("donthu-contract-blobs-{}", Uuid::new_v4()));
    let blobs = crate::blob::LocalDirBlobStore::new(&dir);
    let sealer = crate::seal::IdentitySealer::from_key(&crate::seal::IdentitySealer::generate_key());
    let chase = NewDocument {
        petition_id: id,
        unit_id: w.office.id,
        template_code: "don_doc".into(),
        symbol: String::new(),
        title: "V/v đôn đốc giải quyết đơn".into(),
        file_name: "don-doc.pdf".into(),
        content_type: "application/pdf".into(),
        sealed: false,
    };
    let render = |number: &str| Ok(number.as_bytes().to_vec());
    s.issue_document(chase, &blobs, &sealer, &render, w.office_officer.id, now()).await.unwrap();
    assert_eq!(read(None, None).await[0].chased_up_on, Some(date(2026, 11, 20)));
    let _ = std::fs::remove_dir_all(&dir);
}

pub async fn oversight_recommendations_are_sent_and_answered_once(store: Arc<dyn Store>) {
    use donthu_core::accountability::*;
    let s = &*store;
    let w = world(s).await;
    let front = unit(s, "MTTQ", "Ủy ban MTTQ tỉnh", UnitKind::FatherlandFront, None).await;
    let watcher = user(s, "giamsat", "Lý Văn Nam", &[(&front, Role::Officer), (&w.province, Role::Oversight)]).await;
    let plain = user(s, "mttq", "Lê Văn Tư", &[(&front, Role::Officer)]).await;
    let id = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let new = |to: &Unit, petitions: Vec<Uuid>| NewRecommendation {
        from_unit_id: front.id,
        to_unit_id: to.id,
        sent_on: date(2026, 11, 18),
        number: Some("12/KN-MTTQ".into()),
        subject: "Kiến nghị về việc chậm giải quyết đơn của công dân".into(),
        content: "Đề nghị Ban Nội chính khẩn trương giải quyết, trả lời công dân.".into(),
        due_on: date(2026, 12, 18),
        petition_ids: petitions,
    };
    // The front oversees the province: it sees the board's petition, read-only.
    let e = service::execute(s, &watcher, id, &classify(Kind::Complaint), now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::RoleNotPermitted, "oversight reads, never acts");
    assert!(matches!(
        s.petition(id, &scope(s, &watcher).await).await.unwrap().unwrap().petitioner,
        PetitionerView::Visible(_)
    ));
    let e = service::send_recommendation(s, &plain, new(&w.internal_affairs, vec![]), now()).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::Forbidden, "only an overseer of the unit");
    let mut bad = new(&w.internal_affairs, vec![]);
    bad.due_on = date(2026, 11, 1);
    assert_eq!(code(service::send_recommendation(s, &watcher, bad, now()).await.unwrap_err()), ErrorCode::InvalidDate);
    let sent = service::send_recommendation(s, &watcher, new(&w.internal_affairs, vec![id]), now()).await.unwrap();
    assert_eq!(s.events(id).await.unwrap().pop().unwrap().action, "oversight_recommendation");
    let seen = |u: &User| {
        let u = u.clone();
        async move { s.recommendations(&scope(s, &u).await).await.unwrap() }
    };
    assert_eq!(seen(&w.head).await.len(), 1, "the unit sees what it was sent");
    assert_eq!(seen(&plain).await.len(), 1, "and so does the front");
    assert!(seen(&w.office_officer).await.is_empty());
    assert_eq!(sent.as_fact().standing(date(2026, 12, 19)), Standing::Overdue);

    let answer =
        |on, text: &str| RecommendationAnswer { answered_on: on, kind: ResponseKind::Accepted, text: text.into() };
    let e = service::answer_recommendation(s, &w.office_officer, sent.id, answer(date(2026, 11, 20), "x"), now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::NotFound);
    let e = service::answer_recommendation(s, &w.officer, sent.id, answer(date(2026, 11, 1), "x"), now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::InvalidDate);
    service::answer_recommendation(
        s,
        &w.officer,
        sent.id,
        answer(date(2026, 11, 20), "Đã giải quyết, trả lời công dân."),
        now(),
    )
    .await
    .unwrap();
    let e = service::answer_recommendation(s, &w.officer, sent.id, answer(date(2026, 11, 20), "Lần nữa"), now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::TransitionNotAllowed, "answered once");
    let after = &seen(&plain).await[0];
    assert_eq!(after.answer.as_ref().unwrap().kind, ResponseKind::Accepted);
    assert_eq!(after.as_fact().standing(date(2026, 12, 31)), Standing::Done);
    assert_eq!(s.events(id).await.unwrap().pop().unwrap().action, "recommendation_answer");
}

pub async fn level_skipping_is_flagged_and_the_competent_unit_told(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    // A complaint about a commune decision sent straight to the provincial board.
    let id = register(s, &w.officer, denunciation(&w.internal_affairs)).await;
    let e = service::flag_level_skipping(s, &w.office_officer, id, w.commune.id, "Thuộc thẩm quyền xã", now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::NotFound);
    let e = service::flag_level_skipping(s, &w.officer, id, w.internal_affairs.id, "x", now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::InvalidValue);
    let e = service::flag_level_skipping(s, &w.officer, id, w.commune.id, " ", now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::Required);
    service::flag_level_skipping(
        s,
        &w.officer,
        id,
        w.commune.id,
        "Nội dung thuộc thẩm quyền giải quyết của Chủ tịch UBND xã",
        now(),
    )
    .await
    .unwrap();
    let again = service::flag_level_skipping(s, &w.officer, id, w.commune.id, "Lần nữa", now()).await;
    assert_eq!(code(again.unwrap_err()), ErrorCode::AlreadyExists);
    assert_eq!(s.events(id).await.unwrap().pop().unwrap().action, "flag_level_skipping");
    let told = s.notifications(w.commune_officer.id, 10).await.unwrap();
    assert_eq!(told.len(), 1);
    assert!(told[0].message.contains("vượt cấp") && told[0].message.contains("tố cáo"), "{}", told[0].message);
    assert!(!told[0].message.contains("Bích Ngọc"), "the competent unit is not told who denounced");
    assert_eq!(
        s.level_skipping(&scope(s, &w.commune_officer).await).await.unwrap().len(),
        1,
        "the competent unit sees the flag"
    );
    assert_eq!(s.level_skipping(&scope(s, &w.office_officer).await).await.unwrap().len(), 0);
    assert!(s.petition(id, &scope(s, &w.commune_officer).await).await.unwrap().is_none(), "but not the petition");
}

pub async fn a_leader_is_assigned_to_follow_a_case(store: Arc<dyn Store>) {
    let s = &*store;
    let w = world(s).await;
    let first = register(s, &w.officer, complaint(&w.internal_affairs)).await;
    let case_id = s.petition(first, &Scope::All).await.unwrap().unwrap().case_id;
    let e = service::assign_case_leader(s, &w.officer, case_id, "Đồng chí Hoàng Minh Quang", "", now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::Forbidden, "officers do not assign leaders");
    let e = service::assign_case_leader(s, &w.office_head, case_id, "Đồng chí Hoàng Minh Quang", "", now()).await;
    assert_eq!(code(e.unwrap_err()), ErrorCode::CaseNotFound, "another unit's case is not found");
    service::assign_case_leader(
        s,
        &w.leader,
        case_id,
        "Đồng chí Hoàng Minh Quang, Phó Bí thư Thường trực",
        "Chủ trì đối thoại",
        now(),
    )
    .await
    .unwrap();
    service::assign_case_leader(
        s,
        &w.head,
        case_id,
        "Đồng chí Trần Văn Hùng, Trưởng Ban Nội chính",
        "Trực tiếp theo dõi",
        now(),
    )
    .await
    .unwrap();
    let leaders = s.case_leaders().await.unwrap();
    assert_eq!(leaders.len(), 1, "one leader per case, the latest");
    assert_eq!(
        (leaders[0].case_id, leaders[0].leader.as_str()),
        (case_id, "Đồng chí Trần Văn Hùng, Trưởng Ban Nội chính")
    );
    let assigned: Vec<_> =
        s.events(first).await.unwrap().into_iter().filter(|e| e.action == "assign_case_leader").collect();
    assert_eq!(assigned.len(), 2, "both on the timeline");
}

pub async fn conclusion_tasks_and_recommendations_are_reminded_once(store: Arc<dyn Store>) {
    use donthu_core::accountability::*;
    let policy = donthu_calendar::reminders::ReminderPolicy::default();
    let s = &*store;
    let w = world(s).await;
    let front = unit(s, "MTTQ", "Ủy ban MTTQ tỉnh", UnitKind::FatherlandFront, None).await;
    let watcher = user(s, "giamsat", "Lý Văn Nam", &[(&front, Role::Officer), (&w.province, Role::Oversight)]).await;
    let session = service::schedule_session(s, &w.officer, session_of(&w, date(2026, 11, 19)), now()).await.unwrap();
    let record = SessionRecord {
        held_on: date(2026, 11, 19),
        attendance: Attendance::InPerson,
        delegate: None,
        citizens: 1,
        record: "Tiếp một công dân.".into(),
    };
    service::record_session(s, &w.officer, session.id, record, now()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("donthu-contract-blobs-{}", Uuid::new_v4()));
    let blobs = crate::blob::LocalDirBlobStore::new(&dir);
    let render = |number: &str| Ok(number.as_bytes().to_vec());
    let conclusion = Conclusion {
        text: "Giao xã đối thoại.".into(),
        tasks: vec![NewTask {
            unit_id: w.commune.id,
            petition_id: None,
            description: "Đối thoại với công dân".into(),
            due_on: date(2026, 11, 24),
        }],
    };
    service::conclude_session(
        s,
        &w.officer,
        session.id,
        conclusion,
        &blobs,
        &render,
        ("tb.pdf", "application/pdf"),
        now(),
    )
    .await
    .unwrap();
    let recommendation = NewRecommendation {
        from_unit_id: front.id,
        to_unit_id: w.internal_affairs.id,
        sent_on: date(2026, 11, 20),
        number: None,
        subject: "Chậm trả lời công dân".into(),
        content: "Đề nghị trả lời công dân.".into(),
        due_on: date(2026, 11, 24),
        petition_ids: vec![],
    };
    let r = service::send_recommendation(s, &watcher, recommendation, now()).await.unwrap();

    // Monday 23/11: both are due within two working days — the officers are told once.
    let first = s.run_reminders(&policy, vn(2026, 11, 23, 9)).await.unwrap();
    assert_eq!(
        first,
        ReminderRun { reminders: 2, notifications: 0, emails_queued: 2 },
        "by e-mail: no petition to link"
    );
    assert_eq!(s.run_reminders(&policy, vn(2026, 11, 23, 14)).await.unwrap(), ReminderRun::default(), "once only");
    // The board answers on 26/11; on Monday 30/11 only the commune's task is still owed.
    let answer = RecommendationAnswer {
        answered_on: date(2026, 11, 26),
        kind: ResponseKind::Accepted,
        text: "Đã trả lời.".into(),
    };
    service::answer_recommendation(s, &w.officer, r.id, answer, vn(2026, 11, 26, 9)).await.unwrap();
    let later = s.run_reminders(&policy, vn(2026, 11, 30, 9)).await.unwrap();
    assert_eq!(
        (later.reminders, later.emails_queued),
        (2, 1),
        "overdue to the officer, then the head (the commune has none)"
    );
    let (pending, _, _) = s.outbox_counts().await.unwrap();
    assert_eq!(pending, 3);
    let mails = s.claim_emails(10, vn(2026, 11, 30, 10)).await.unwrap();
    assert!(mails.iter().any(|m| m.to == "tam@donthu.test" && m.subject.contains("Đã quá hạn nhiệm vụ theo kết luận tiếp công dân")));
    assert!(mails.iter().any(|m| m.to == "lan@donthu.test" && m.subject.contains("trả lời kiến nghị giám sát")));
    let _ = std::fs::remove_dir_all(&dir);
}
