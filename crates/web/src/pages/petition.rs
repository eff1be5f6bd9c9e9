//! The petition page (everything about one item, and only the actions the state
//! machine allows now), the case page, and the follow-up of forwarded items.

use super::session::Official;
use super::worklist::Opt;
use super::{DueBadge, Layout, PageError, UnitNames, dmy, dmy_hm, due_badge, redirect_with_notice, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use donthu_core::petition::{ComplaintRound, Complexity, Field, Kind, Petitioner};
use donthu_core::process::{
    Command, DecisionContext, Handling, Outcome, ResultFigures, SplitPart, action_label, available_actions,
    available_handlings,
};
use donthu_store::StoreError;
use donthu_store::access::{is_custodian, roles_at};
use donthu_store::model::{
    Direction, ForwardingObligation, ObligationFilter, Owed, Petition, PetitionFilter, PetitionerView, Scope, Standing,
};
use donthu_store::service::{self, vietnam_today};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// One input of an action form.
pub struct Input {
    pub name: String,
    pub label: String,
    /// `text`, `textarea`, `select`, `date`, `number` or `checkbox`.
    pub kind: &'static str,
    pub options: Vec<Opt>,
    pub required: bool,
    pub value: String,
}

impl Input {
    fn new(name: impl Into<String>, label: impl Into<String>, kind: &'static str, required: bool) -> Input {
        Input { name: name.into(), label: label.into(), kind, options: Vec::new(), required, value: String::new() }
    }

    fn select(name: impl Into<String>, label: impl Into<String>, options: Vec<Opt>) -> Input {
        Input { options, ..Input::new(name, label, "select", true) }
    }

    fn value(mut self, v: impl Into<String>) -> Input {
        self.value = v.into();
        self
    }
}

fn opts<T: Copy + PartialEq>(
    all: &[T],
    chosen: Option<T>,
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Opt> {
    all.iter().map(|v| Opt { value: code(*v).into(), label: label(*v).into(), selected: Some(*v) == chosen }).collect()
}

/// An action the official may take now, as a form.
pub struct ActionForm {
    pub code: &'static str,
    pub label: &'static str,
    pub inputs: Vec<Input>,
    /// The refusal of the last attempt, shown in the form.
    pub error: Option<String>,
    /// Shown first and open (the usual next step).
    pub primary: bool,
}

fn action_inputs(code: &str, p: &Petition, ctx: &DecisionContext, units: &UnitNames) -> Vec<Input> {
    let reason = |label: &str| Input::new("reason", label, "textarea", true);
    let note = || Input::new("note", "Ghi chú (nếu có)", "textarea", false);
    match code {
        "classify" => vec![
            Input::select("kind", "Loại đơn", opts(Kind::ALL, Some(p.kind), Kind::code, Kind::label)),
            Input::select("field", "Lĩnh vực", opts(Field::ALL, Some(p.field), Field::code, Field::label)),
            Input::select(
                "complexity",
                "Tính chất vụ việc",
                opts(Complexity::ALL, Some(p.process.complexity), Complexity::code, Complexity::label),
            ),
            Input {
                required: false,
                ..Input::select(
                    "complaint_round",
                    "Lần khiếu nại (với đơn khiếu nại)",
                    opts(ComplaintRound::ALL, p.process.complaint_round, ComplaintRound::code, ComplaintRound::label),
                )
            },
            Input::new("remote_area", "Vùng sâu, vùng xa, đi lại khó khăn", "checkbox", false),
        ],
        "propose" => {
            let handlings = available_handlings(&p.process, ctx);
            let mut to_units: Vec<Opt> = units
                .0
                .values()
                .filter(|u| u.active && u.id != p.unit_id)
                .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), selected: false })
                .collect();
            to_units.sort_by(|a, b| a.label.cmp(&b.label));
            to_units
                .insert(0, Opt { value: String::new(), label: "— Cơ quan ngoài hệ thống —".into(), selected: true });
            vec![
                Input::select(
                    "handling",
                    "Hướng xử lý",
                    handlings
                        .iter()
                        .map(|h| Opt { value: h.code().into(), label: h.label().into(), selected: false })
                        .collect(),
                ),
                Input {
                    required: false, ..Input::select("to_unit", "Chuyển đến / đôn đốc đơn vị", to_units)
                },
                Input::new("to_body", "Hoặc tên cơ quan ngoài hệ thống", "text", false),
                Input::new("reply_within_days", "Thời hạn báo cáo lại (ngày, nếu chuyển đơn)", "number", false),
                Input::new("reason", "Lý do, căn cứ đề xuất", "textarea", false),
            ]
        }
        "approve" | "start_verification" | "start_enforcement" | "close" => vec![note()],
        "reject_proposal" => vec![reason("Lý do không duyệt")],
        "record_dialogue" => vec![
            Input::new("held_on", "Ngày đối thoại", "date", true).value(dmy(today())),
            Input::new("summary", "Nội dung, kết quả đối thoại", "textarea", true),
        ],
        "conclude" => vec![
            Input::select(
                "outcome",
                "Kết quả giải quyết",
                Outcome::allowed_for(p.kind)
                    .iter()
                    .map(|o| Opt { value: o.code().into(), label: o.label().into(), selected: false })
                    .collect(),
            ),
            Input::new("summary", "Tóm tắt quyết định, kết luận", "textarea", true),
        ]
        .into_iter()
        .chain(
            (matches!(p.kind, Kind::Complaint | Kind::Denunciation))
                .then(|| FIGURE_INPUTS.iter().map(|(name, label)| Input::new(*name, *label, "number", false)))
                .into_iter()
                .flatten(),
        )
        .collect(),
        "withdraw" => vec![
            reason("Lý do rút đơn"),
            Input::new(
                "continue_processing",
                "Vẫn tiếp tục giải quyết (tố cáo có dấu hiệu vi phạm)",
                "checkbox",
                false,
            ),
        ],
        "suspend_temporarily" => vec![reason("Lý do tạm đình chỉ")],
        "resume" => vec![reason("Lý do tiếp tục giải quyết")],
        "suspend" => vec![reason("Lý do đình chỉ")],
        "extend" => vec![reason("Lý do gia hạn (số, ngày quyết định gia hạn)")],
        "report_to_forwarder" => vec![Input::new("summary", "Kết quả báo cáo cơ quan đã chuyển đơn", "textarea", true)],
        "link_to_case" => {
            vec![Input::new("case_reference", "Số đơn thuộc vụ việc cần gộp vào (vd: 12/2026)", "text", true)]
        }
        "split" => {
            let mut inputs = Vec::new();
            for i in 0..3 {
                let n = i + 1;
                inputs.push(Input {
                    required: i < 2,
                    ..Input::select(
                        format!("parts[{i}].kind"),
                        format!("Phần {n}: loại đơn"),
                        opts(Kind::ALL, Some(p.kind), Kind::code, Kind::label),
                    )
                });
                inputs.push(Input {
                    required: i < 2,
                    ..Input::select(
                        format!("parts[{i}].field"),
                        format!("Phần {n}: lĩnh vực"),
                        opts(Field::ALL, Some(p.field), Field::code, Field::label),
                    )
                });
                inputs.push(Input::new(
                    format!("parts[{i}].content"),
                    format!("Phần {n}: nội dung"),
                    "textarea",
                    i < 2,
                ));
            }
            inputs
        }
        _ => Vec::new(),
    }
}

/// The figures of a decision or conclusion the result reports count (01/KQGQ, 02/KQGQ).
const FIGURE_INPUTS: &[(&str, &str)] = &[
    ("money_to_state_vnd", "Kiến nghị thu hồi cho Nhà nước: tiền (đồng)"),
    ("land_to_state_m2", "Kiến nghị thu hồi cho Nhà nước: đất (m²)"),
    ("money_returned_vnd", "Trả lại cho tổ chức, cá nhân: tiền (đồng)"),
    ("land_returned_m2", "Trả lại cho tổ chức, cá nhân: đất (m²)"),
    ("organisations_restored", "Số tổ chức được trả lại quyền lợi"),
    ("individuals_restored", "Số cá nhân được trả lại quyền lợi"),
    ("persons_disciplined", "Kiến nghị xử lý hành chính: số người"),
    ("officials_disciplined", "… trong đó cán bộ, công chức, viên chức"),
    ("cases_to_investigation", "Chuyển cơ quan điều tra: số vụ"),
    ("persons_to_investigation", "Chuyển cơ quan điều tra: số người"),
    ("officials_to_investigation", "… trong đó cán bộ, công chức, viên chức"),
];

fn figures_of(v: &dyn Fn(&str) -> String) -> Result<ResultFigures, String> {
    let number = |name: &str| -> Result<u64, String> {
        let raw = v(name).replace(['.', ' '], "");
        if raw.is_empty() {
            return Ok(0);
        }
        raw.parse::<u64>().map_err(|_| {
            let label = FIGURE_INPUTS.iter().find(|(n, _)| *n == name).map_or(name, |(_, l)| l);
            format!("“{label}” phải là số nguyên không âm.")
        })
    };
    let count =
        |name: &str| number(name).and_then(|n| u32::try_from(n).map_err(|_| "Số người, số vụ quá lớn.".to_owned()));
    Ok(ResultFigures {
        money_to_state_vnd: number("money_to_state_vnd")?,
        land_to_state_m2: number("land_to_state_m2")?,
        money_returned_vnd: number("money_returned_vnd")?,
        land_returned_m2: number("land_returned_m2")?,
        organisations_restored: count("organisations_restored")?,
        individuals_restored: count("individuals_restored")?,
        persons_disciplined: count("persons_disciplined")?,
        officials_disciplined: count("officials_disciplined")?,
        cases_to_investigation: count("cases_to_investigation")?,
        persons_to_investigation: count("persons_to_investigation")?,
        officials_to_investigation: count("officials_to_investigation")?,
    })
}

/// The form's fields as a command.
fn command_of(code: &str, form: &HashMap<String, String>, lookup_case: Option<Uuid>) -> Result<Command, String> {
    let v = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let opt = |k: &str| Some(v(k)).filter(|s| !s.is_empty());
    let flag = |k: &str| matches!(v(k).as_str(), "on" | "true" | "1");
    let required = |k: &str, what: &str| opt(k).ok_or_else(|| format!("Chưa nhập {what}."));
    Ok(match code {
        "classify" => Command::Classify {
            kind: Kind::from_code(&v("kind")).ok_or("Chọn loại đơn.")?,
            field: Field::from_code(&v("field")).ok_or("Chọn lĩnh vực.")?,
            complexity: Complexity::from_code(&v("complexity")).unwrap_or(Complexity::Normal),
            remote_area: flag("remote_area"),
            complaint_round: ComplaintRound::from_code(&v("complaint_round")),
        },
        "propose" => Command::Propose {
            handling: Handling::from_code(&v("handling")).ok_or("Chọn hướng xử lý.")?,
            to_unit: opt("to_unit").and_then(|s| Uuid::parse_str(&s).ok()),
            to_body: opt("to_body"),
            reason: opt("reason"),
            reply_within_days: match opt("reply_within_days") {
                None => None,
                Some(s) => Some(s.parse::<u32>().map_err(|_| "Thời hạn báo cáo lại phải là số ngày.")?),
            },
        },
        "approve" => Command::Approve { note: opt("note") },
        "reject_proposal" => Command::RejectProposal { reason: required("reason", "lý do")? },
        "start_verification" => Command::StartVerification { note: opt("note") },
        "record_dialogue" => Command::RecordDialogue {
            held_on: super::parse_date(&v("held_on")).ok_or("Ngày đối thoại không hợp lệ.")?,
            summary: required("summary", "nội dung đối thoại")?,
        },
        "conclude" => Command::Conclude {
            outcome: Outcome::from_code(&v("outcome")).ok_or("Chọn kết quả giải quyết.")?,
            summary: required("summary", "tóm tắt quyết định, kết luận")?,
            figures: figures_of(&v)?,
        },
        "start_enforcement" => Command::StartEnforcement { note: opt("note") },
        "close" => Command::Close { note: opt("note") },
        "withdraw" => Command::Withdraw {
            complainant: None,
            reason: required("reason", "lý do rút đơn")?,
            continue_processing: flag("continue_processing"),
        },
        "suspend_temporarily" => Command::SuspendTemporarily { reason: required("reason", "lý do")? },
        "resume" => Command::Resume { reason: required("reason", "lý do")? },
        "suspend" => Command::Suspend { reason: required("reason", "lý do")? },
        "extend" => Command::Extend { reason: required("reason", "lý do gia hạn")? },
        "report_to_forwarder" => Command::ReportToForwarder { summary: required("summary", "kết quả")? },
        "link_to_case" => Command::LinkToCase {
            case_id: lookup_case.ok_or("Không tìm thấy đơn có số này trong phạm vi bạn được xem.")?,
        },
        "split" => {
            let mut parts = Vec::new();
            for i in 0..3 {
                let content = v(&format!("parts[{i}].content"));
                if content.is_empty() {
                    continue;
                }
                parts.push(SplitPart {
                    kind: Kind::from_code(&v(&format!("parts[{i}].kind"))).ok_or("Chọn loại đơn của từng phần.")?,
                    field: Field::from_code(&v(&format!("parts[{i}].field"))).ok_or("Chọn lĩnh vực của từng phần.")?,
                    content,
                    target: None,
                });
            }
            Command::Split { parts }
        }
        _ => return Err("Thao tác không hợp lệ.".into()),
    })
}

pub struct Line {
    pub label: String,
    pub value: String,
}

fn line(label: &str, value: impl Into<String>) -> Line {
    Line { label: label.into(), value: value.into() }
}

fn petitioner_lines(p: &Petitioner) -> Vec<Line> {
    let person = |prefix: &str, x: &donthu_core::person::Person| {
        let mut v = vec![line(&format!("{prefix}Họ và tên"), x.full_name.clone())];
        if let Some(c) = &x.cccd {
            v.push(line("Số CCCD", c.as_str()));
        }
        if let Some(a) = &x.address {
            v.push(line("Địa chỉ", a.clone()));
        }
        if let Some(ph) = &x.phone {
            v.push(line("Điện thoại", ph.clone()));
        }
        if let Some(e) = &x.email {
            v.push(line("Thư điện tử", e.clone()));
        }
        v
    };
    match p {
        Petitioner::Individual(x) => person("", x),
        Petitioner::Group { head_count, members } => {
            let mut v = vec![line("Đoàn", format!("{head_count} người"))];
            for m in members {
                let role = if m.representative { "Người đại diện" } else { "Thành viên" };
                let cccd = m.person.cccd.as_ref().map(|c| format!(", CCCD {}", c.as_str())).unwrap_or_default();
                let address = m.person.address.as_ref().map(|a| format!(", {a}")).unwrap_or_default();
                v.push(line(role, format!("{}{cccd}{address}", m.person.full_name)));
            }
            v
        }
        Petitioner::Organization { name, address, representative } => {
            let mut v = vec![line("Cơ quan, tổ chức", name.clone())];
            if let Some(a) = address {
                v.push(line("Địa chỉ", a.clone()));
            }
            if let Some(r) = representative {
                v.extend(person("Người đại diện – ", r));
            }
            v
        }
        Petitioner::Anonymous => vec![line("Người gửi", "Không rõ họ tên, địa chỉ (đơn nặc danh)")],
    }
}

pub struct DeadlineRow {
    pub name: String,
    pub state: String,
    pub badge: DueBadge,
    pub explanation: Vec<String>,
}

pub struct EventRow {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub change: Option<String>,
    pub reason: Option<String>,
}

pub struct ForwardingRow {
    pub to: String,
    pub on: String,
    pub chase_up: bool,
    pub copy_link: Option<Uuid>,
    pub acknowledgement: Option<String>,
    pub result: Option<String>,
    pub result_class: &'static str,
}

pub struct AttachmentRow {
    pub id: Uuid,
    pub name: String,
    pub size: String,
    pub sealed: bool,
}

#[derive(Template)]
#[template(path = "petition.html")]
struct PetitionPage {
    layout: Layout,
    id: Uuid,
    case_id: Uuid,
    reference: String,
    kind: &'static str,
    status: &'static str,
    unit: String,
    facts: Vec<Line>,
    sealed: bool,
    can_reveal: bool,
    revealed: Option<Vec<Line>>,
    petitioner: Vec<Line>,
    content: String,
    eligibility: Vec<String>,
    deadlines: Vec<DeadlineRow>,
    actions: Vec<ActionForm>,
    forwardings: Vec<ForwardingRow>,
    owed_to_forwarder: Option<ForwardingRow>,
    attachments: Vec<AttachmentRow>,
    events: Vec<EventRow>,
    case_size: usize,
    reveal_error: Option<String>,
    assignee: Option<String>,
    /// Officials the viewer (a head of the unit) may give it to.
    assignees: Vec<Opt>,
    documents: Vec<DocumentRow>,
    templates: Vec<TemplateChoice>,
    letter_fields: Vec<(&'static str, &'static str)>,
    signer: String,
    /// Sent above the competent level: the competent unit, why, and when it was flagged.
    level_skipping: Option<(String, String, String)>,
    /// Units the viewer may name as competent, when they may flag it.
    competent_units: Vec<Opt>,
}

async fn visible(state: &AppState, official: &Official, id: Uuid) -> Result<(Petition, Scope), PageError> {
    let scope = service::scope(&*state.store, &official.user).await?;
    let p = state.store.petition(id, &scope).await?.ok_or(PageError::NotFound)?;
    Ok((p, scope))
}

fn owed_text(o: Option<&Owed>) -> String {
    let today = today();
    let standing = Owed::standing(o, today);
    let mut s = crate::api::standing_label(standing).to_owned();
    if let Some(due) = o.and_then(|o| o.due_on) {
        s.push_str(&format!(" · hạn {}", dmy(due)));
    }
    if let Some(done) = o.and_then(|o| o.met_on) {
        s.push_str(&format!(" · thực hiện ngày {}", dmy(done)));
    }
    s
}

fn obligation_row(o: &ForwardingObligation, units: &UnitNames, toward: Uuid) -> ForwardingRow {
    let today = today();
    let worst = [Owed::standing(o.acknowledgement.as_ref(), today), Owed::standing(o.result.as_ref(), today)];
    let class = if worst.iter().any(|s| matches!(s, Standing::Overdue | Standing::Closed)) {
        "late"
    } else if worst.contains(&Standing::Owed) {
        "soon"
    } else {
        "ontime"
    };
    ForwardingRow {
        to: units.name(toward),
        on: dmy(o.forwarded_on),
        chase_up: false,
        copy_link: Some(o.copy_petition_id),
        acknowledgement: Some(owed_text(o.acknowledgement.as_ref())),
        result: Some(match (&o.result_summary, o.result_reported_on) {
            (Some(summary), Some(on)) => {
                format!("{} — báo cáo ngày {}: {summary}", owed_text(o.result.as_ref()), dmy(on))
            }
            _ => owed_text(o.result.as_ref()),
        }),
        result_class: class,
    }
}

/// The usual next step at each status, shown open on the page.
fn next_step(status: donthu_core::process::Status) -> Option<&'static str> {
    use donthu_core::process::Status::*;
    Some(match status {
        Received => "classify",
        Classified => "propose",
        Proposed => "approve",
        Accepted => "start_verification",
        Verifying => "conclude",
        Concluded => "start_enforcement",
        Enforcing => "close",
        TemporarilySuspended => "resume",
        _ => "report_to_forwarder",
    })
}

struct Failure {
    action: String,
    message: String,
}

async fn petition_page(
    state: &AppState,
    official: &Official,
    id: Uuid,
    notice: Option<String>,
    failure: Option<Failure>,
    revealed: Option<Petitioner>,
    reveal_error: Option<String>,
) -> Result<Response, PageError> {
    let units = UnitNames::load(state).await?;
    let (p, scope) = visible(state, official, id).await?;
    let user = &official.user;
    let snapshot = state.store.snapshot(p.id).await?.ok_or(PageError::NotFound)?;
    let ctx = DecisionContext {
        actor: user.id,
        roles: roles_at(user, p.unit_id),
        today: vietnam_today(Utc::now()),
        denunciation_forwarded_before: snapshot.denunciation_forwarded_before,
        owes_forwarder: snapshot.owes_forwarder,
    };
    let allowed = available_actions(&p.process, &ctx);
    let first_primary = next_step(p.status).filter(|a| allowed.contains(a));
    let actions = allowed
        .into_iter()
        .map(|code| ActionForm {
            code,
            label: action_label(code),
            inputs: action_inputs(code, &p, &ctx, &units),
            error: failure.as_ref().filter(|f| f.action == code).map(|f| f.message.clone()),
            primary: Some(code) == first_primary,
        })
        .collect();
    let today = today();
    let level_skipping =
        state.store.level_skipping(&Scope::Units(vec![p.unit_id])).await?.into_iter().find(|f| f.petition_id == p.id);
    let deadlines = state
        .store
        .deadlines(p.id)
        .await?
        .into_iter()
        .map(|d| DeadlineRow {
            name: d.explanation.rule_name.clone(),
            state: match d.state {
                donthu_store::model::DeadlineState::Open if d.due_on.is_none() => "Tạm dừng tính thời hạn".into(),
                donthu_store::model::DeadlineState::Open => "Đang chạy".into(),
                donthu_store::model::DeadlineState::Met => {
                    format!("Đã thực hiện ngày {}", d.met_on.map(dmy).unwrap_or_default())
                }
                donthu_store::model::DeadlineState::Closed => "Không còn áp dụng".into(),
            },
            badge: match d.state {
                donthu_store::model::DeadlineState::Open => due_badge(d.due_on, today),
                _ if d.overdue(today) => DueBadge { class: "late", label: "Thực hiện trễ hạn".into() },
                _ => DueBadge {
                    class: "ontime",
                    label: d.due_on.map(|x| format!("Hạn {}", dmy(x))).unwrap_or_default(),
                },
            },
            explanation: d.explanation.lines(),
        })
        .collect();
    let mut names: HashMap<Uuid, String> = HashMap::new();
    let mut events = Vec::new();
    for e in state.store.events(p.id).await? {
        let who = match e.actor_id {
            None => "Công dân (cổng trực tuyến) hoặc hệ thống".to_owned(),
            Some(actor) => match names.get(&actor) {
                Some(n) => n.clone(),
                None => {
                    let n = state.store.user(actor).await?.map(|u| u.full_name).unwrap_or_else(|| "—".into());
                    names.insert(actor, n.clone());
                    n
                }
            },
        };
        let status_label = |s: Option<donthu_core::process::Status>| s.map(|s| s.label()).unwrap_or("");
        events.push(EventRow {
            at: dmy_hm(e.at),
            who,
            what: action_label(&e.action),
            change: (e.from_status != e.to_status && e.to_status.is_some())
                .then(|| format!("{} → {}", status_label(e.from_status), status_label(e.to_status))),
            reason: e.reason,
        });
    }
    events.reverse();
    let outgoing =
        state.store.forwarding_obligations(ObligationFilter::of_petition(Direction::Outgoing, p.id), &scope).await?;
    let mut forwardings: Vec<ForwardingRow> = Vec::new();
    for f in state.store.forwardings(p.id).await? {
        let tracked = outgoing.iter().find(|o| o.forwarding_id == f.id);
        let mut row = match (tracked, f.to_unit_id) {
            (Some(o), Some(to)) => obligation_row(o, &units, to),
            _ => ForwardingRow {
                to: f.to_unit_id.map(|u| units.name(u)).or(f.to_body.clone()).unwrap_or_default(),
                on: dmy(f.forwarded_on),
                chase_up: false,
                copy_link: None,
                acknowledgement: None,
                result: None,
                result_class: "none",
            },
        };
        row.chase_up = f.chase_up;
        row.copy_link = f.copy_petition_id.filter(|c| tracked.is_some() || scope.includes(p.unit_id) && c != &p.id);
        forwardings.push(row);
    }
    let owed_to_forwarder = if p.forwarded_from_petition.is_some() {
        let incoming = state
            .store
            .forwarding_obligations(ObligationFilter::of_petition(Direction::Incoming, p.id), &scope)
            .await?;
        incoming.iter().find(|o| o.copy_petition_id == p.id).map(|o| {
            let mut row = obligation_row(o, &units, o.from_unit_id);
            // The forwarder's own item is not this unit's to open.
            row.copy_link = None;
            row
        })
    } else {
        None
    };
    let attachments = state
        .store
        .attachments(p.id)
        .await?
        .into_iter()
        .map(|a| AttachmentRow {
            id: a.id,
            name: if a.sealed { donthu_store::rows::SEALED_DOCUMENT_NAME.to_owned() } else { a.file_name },
            size: format!("{:.1} KB", a.size_bytes as f64 / 1024.0),
            sealed: a.sealed,
        })
        .collect();
    let case_size = state
        .store
        .count_petitions(&scope, &PetitionFilter { case_id: Some(p.case_id), limit: 1, ..Default::default() })
        .await? as usize;
    let mut facts = vec![
        line("Ngày nhận đơn", dmy(p.received_on)),
        line("Nguồn đơn", p.channel.label()),
        line("Lĩnh vực", p.field.label()),
        line("Vào sổ lúc", dmy_hm(p.recorded_at)),
    ];
    if let Some(w) = p.written_on {
        facts.insert(1, line("Ngày viết đơn", dmy(w)));
    }
    if p.process.complexity != Complexity::Normal {
        facts.push(line("Tính chất", p.process.complexity.label()));
    }
    if let Some(r) = p.process.complaint_round {
        facts.push(line("Lần khiếu nại", r.label()));
    }
    if let Some(t) = &p.target {
        let mut v = t.name.clone();
        if let Some(pos) = &t.position {
            v.push_str(&format!(" ({pos})"));
        }
        if let Some(a) = &t.address {
            v.push_str(&format!(", {a}"));
        }
        facts.push(line("Đối tượng bị khiếu nại, tố cáo", v));
    }
    if let Some(f) = &p.forwarded_from {
        let mut v = f.body.clone();
        if let Some(n) = &f.document_number {
            v.push_str(&format!(", văn bản số {n}"));
        }
        if let Some(d) = f.document_date {
            v.push_str(&format!(" ngày {}", dmy(d)));
        }
        facts.push(line("Cơ quan chuyển đến", v));
    }
    if let Some(r) = &p.reception {
        let mut v = r.form.label().to_owned();
        if r.head_in_person {
            v.push_str(", thủ trưởng trực tiếp tiếp");
        }
        facts.push(line("Hình thức tiếp", v));
    }
    if let Some(proposal) = &p.process.proposal {
        let mut v = proposal.handling.label().to_owned();
        if let Some(to) = proposal.to_unit {
            v.push_str(&format!(" — {}", units.name(to)));
        } else if let Some(b) = &proposal.to_body {
            v.push_str(&format!(" — {b}"));
        }
        facts.push(line("Đề xuất đang chờ duyệt", v));
    }
    if let Some(o) = p.process.outcome {
        facts.push(line("Kết quả giải quyết", o.label()));
    }
    let (mut assignees, user_names) = super::worklist::assignees_for(state, official).await?;
    let leads_unit = roles_at(user, p.unit_id)
        .iter()
        .any(|r| matches!(r, donthu_core::unit::Role::Head | donthu_core::unit::Role::Leader));
    if !leads_unit || !p.status.is_open() {
        assignees.clear();
    }
    for a in &mut assignees {
        a.selected = p.assigned_to.is_some_and(|x| x.to_string() == a.value);
    }
    let (sealed, petitioner) = match &p.petitioner {
        PetitionerView::Visible(x) => (false, petitioner_lines(x)),
        PetitionerView::Sealed => (true, Vec::new()),
    };
    let page = PetitionPage {
        layout: Layout::new(official, &units, format!("Đơn số {}", p.reference), "worklist").with_notice(notice),
        id: p.id,
        case_id: p.case_id,
        reference: p.reference.to_string(),
        kind: p.kind.label(),
        status: p.status.label(),
        unit: units.name(p.unit_id),
        facts,
        sealed,
        can_reveal: sealed && is_custodian(user),
        revealed: revealed.as_ref().map(petitioner_lines),
        petitioner,
        content: p.content.clone(),
        eligibility: p.eligibility.reasons.iter().map(|r| r.label().to_owned()).collect(),
        deadlines,
        actions,
        forwardings,
        owed_to_forwarder,
        attachments,
        events,
        case_size,
        reveal_error,
        assignee: p.assigned_to.map(|a| user_names.get(&a).cloned().unwrap_or_default()),
        assignees,
        documents: state
            .store
            .documents(p.id)
            .await?
            .into_iter()
            .map(|d| DocumentRow {
                number: d.number,
                title: d.title,
                at: dmy_hm(d.created_at),
                attachment_id: d.attachment_id,
            })
            .collect(),
        templates: {
            let book =
                donthu_documents::TemplateBook::shipped().with_office_versions(state.store.letter_templates().await?);
            book.codes()
                .into_iter()
                .filter(|c| !super::sessions::SESSION_TEMPLATES.contains(c))
                .filter_map(|c| book.in_force(c, today))
                .map(|t| TemplateChoice { code: t.code.clone(), label: format!("{} ({})", t.name, t.form) })
                .collect()
        },
        letter_fields: LETTER_FIELDS.to_vec(),
        signer: user.full_name.clone(),
        level_skipping: level_skipping
            .as_ref()
            .map(|f| (units.name(f.competent_unit_id), f.note.clone(), dmy_hm(f.flagged_at))),
        competent_units: if level_skipping.is_none() && super::works_at(user, p.unit_id) {
            let mut list: Vec<Opt> = units
                .0
                .values()
                .filter(|u| u.active && u.id != p.unit_id)
                .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), selected: false })
                .collect();
            list.sort_by(|a, b| a.label.cmp(&b.label));
            list
        } else {
            Vec::new()
        },
    };
    let status = if failure.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render(status, &page))
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    tb: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    petition_page(&state, &official, id, q.tb, None, None, None).await
}

pub async fn command(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = super::form_map(&body);
    let action = form.get("action").cloned().unwrap_or_default();
    let (_, scope) = visible(&state, &official, id).await?;
    let lookup_case = match form.get("case_reference") {
        Some(r) => {
            let reference = donthu_text::parse_search(r).reference;
            match reference {
                Some(reference) => {
                    let filter = PetitionFilter { reference: Some(reference), limit: 1, ..Default::default() };
                    state.store.list_petitions(&scope, &filter).await?.first().map(|p| p.case_id)
                }
                None => None,
            }
        }
        None => None,
    };
    let fail = |message: String| Failure { action: action.clone(), message };
    let cmd = match command_of(&action, &form, lookup_case) {
        Ok(c) => c,
        Err(m) => return petition_page(&state, &official, id, None, Some(fail(m)), None, None).await,
    };
    match service::execute(&*state.store, &official.user, id, &cmd, Utc::now()).await {
        Ok(p) => Ok(redirect_with_notice(
            &format!("/don/{id}"),
            &format!("Đã ghi nhận: {} (đơn số {}).", action_label(&action), p.reference),
        )),
        Err(StoreError::Domain(e)) if e.code == donthu_core::ErrorCode::NotFound => Err(PageError::NotFound),
        Err(StoreError::Domain(e)) => {
            let mut message = e.message.clone();
            for f in &e.fields {
                if f.message != e.message {
                    message.push_str(&format!(" {}", f.message));
                }
            }
            petition_page(&state, &official, id, None, Some(fail(message)), None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Adds files to a petition (officers, heads and leaders of its unit). For a
/// denunciation, files marked as identifying the denouncer are sealed.
pub async fn upload(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (p, _) = visible(&state, &official, id).await?;
    if !super::works_at(&official.user, p.unit_id) {
        return Ok(super::error_page(StatusCode::FORBIDDEN, "Bạn không có quyền bổ sung tài liệu cho đơn này."));
    }
    let (mut files, mut identity) = (Vec::new(), false);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "identity" => identity = true,
            "files" => {
                let name = field.file_name().unwrap_or_default().trim().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return Ok(super::error_page(StatusCode::BAD_REQUEST, "Không đọc được tệp gửi lên. Xin gửi lại."));
                };
                if !bytes.is_empty() {
                    files.push((name, bytes));
                }
            }
            _ => {}
        }
    }
    let sealed = identity && matches!(p.petitioner, PetitionerView::Sealed);
    if files.is_empty() {
        return Ok(redirect_with_notice(&format!("/don/{id}"), "Chưa chọn tệp nào."));
    }
    let now = Utc::now();
    for (name, bytes) in &files {
        let Some(file_type) = donthu_files::FileType::detect(bytes) else {
            let message = donthu_files::Refusal::UnsupportedType.message(name);
            return Ok(super::error_page(StatusCode::UNPROCESSABLE_ENTITY, &message));
        };
        let name = if name.is_empty() { "tai-lieu" } else { name.rsplit(['/', '\\']).next().unwrap_or(name) };
        let a = super::portal::store_file(&state, name, file_type.content_type(), bytes, sealed, now).await?;
        state.store.add_attachment(&donthu_store::model::Attachment { petition_id: id, ..a }, official.user.id).await?;
    }
    Ok(redirect_with_notice(&format!("/don/{id}"), &format!("Đã thêm {} tệp.", files.len())))
}

/// The templates an official may issue from, for the "Lập văn bản" form.
pub struct TemplateChoice {
    pub code: String,
    pub label: String,
}

pub struct DocumentRow {
    pub number: String,
    pub title: String,
    pub at: String,
    pub attachment_id: Uuid,
}

/// What the issuing form adds to the petition's own facts.
const LETTER_FIELDS: &[(&str, &str)] = &[
    ("don_vi_nhan", "Kính gửi / cơ quan được chuyển đơn"),
    ("ly_do", "Lý do"),
    ("han_tra_loi", "Thời hạn trả lời, báo cáo"),
    ("ket_qua", "Kết quả giải quyết"),
    ("kien_nghi", "Biện pháp xử lý, kiến nghị"),
    ("danh_muc_tai_lieu", "Danh mục tài liệu nhận"),
    ("nguoi_ky", "Người ký"),
    ("chuc_vu_nguoi_ky", "Chức vụ người ký"),
];

/// Fills a letter from the petition and the form, and issues it: numbered, stored on
/// the petition, on its timeline. A letter that names the petitioner of a denunciation
/// is drawn up only by the identity custodian (the identity is opened with a logged
/// reason) and stored sealed; any other letter about a denunciation names no one.
pub async fn issue_document(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = super::form_map(&body);
    let (p, _) = visible(&state, &official, id).await?;
    let code = form.get("template").cloned().unwrap_or_default();
    if super::sessions::SESSION_TEMPLATES.contains(&code.as_str()) {
        return Ok(super::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Văn bản này được lập từ trang buổi tiếp công dân.",
        ));
    }
    let (new, render) = match draw_up(&state, &official.user, &p, &code, &form).await? {
        Ok(drawn) => drawn,
        Err((status, message)) => return Ok(super::error_page(status, &message)),
    };
    let doc =
        state.store.issue_document(new, &*state.blobs, &state.sealer, &*render, official.user.id, Utc::now()).await?;
    Ok(redirect_with_notice(&format!("/don/{id}"), &format!("Đã lập văn bản số {}: {}.", doc.number, doc.title)))
}

/// A letter drawn up and ready to be issued: what the store records, and the printer
/// that puts the number the store gives into the file.
pub type Drawn = (donthu_store::model::NewDocument, Box<dyn donthu_store::model::RenderDocument>);

/// Why a letter cannot be drawn up (shown as an error page).
pub type Refusal = (StatusCode, String);

/// Fills a letter from the petition and the values typed (`form`: the fields of
/// `LETTER_FIELDS`, `dia_danh`, `format`), ready to issue on the petition. A letter that
/// names the petitioner of a denunciation is drawn up only by the identity custodian (the
/// identity is opened with a logged reason) and stored sealed; any other letter about a
/// denunciation names no one.
pub async fn draw_up(
    state: &AppState,
    user: &donthu_store::model::User,
    p: &Petition,
    code: &str,
    form: &HashMap<String, String>,
) -> Result<Result<Drawn, Refusal>, PageError> {
    if !super::works_at(user, p.unit_id) && !is_custodian(user) {
        return Ok(Err((StatusCode::FORBIDDEN, "Bạn không có quyền lập văn bản cho đơn này.".into())));
    }
    let id = p.id;
    let today = today();
    let book = donthu_documents::TemplateBook::shipped().with_office_versions(state.store.letter_templates().await?);
    let Some(template) = book.in_force(code, today).cloned() else {
        return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, "Chọn mẫu văn bản có hiệu lực.".into())));
    };
    let units = UnitNames::load(state).await?;
    let unit = units.0.get(&p.unit_id).cloned().ok_or(PageError::NotFound)?;
    let mut values: HashMap<String, String> = HashMap::new();
    let mut set = |k: &str, v: String| {
        values.insert(k.to_owned(), v);
    };
    set("co_quan", unit.name.clone());
    set("co_quan_cap_tren", unit.parent_id.map(|x| units.name(x)).unwrap_or_default());
    set("ngay", dmy(today));
    set("gio", (Utc::now() + chrono::Duration::hours(7)).format("%H:%M").to_string());
    set("so_don", p.reference.to_string());
    set("ngay_nhan", dmy(p.received_on));
    set("loai_don", p.kind.label().to_lowercase());
    set("noi_dung", p.content.clone());
    set("ket_qua_xu_ly", p.status.label().to_lowercase());
    if let Some(t) = &p.target {
        let position = t.position.as_ref().map(|x| format!(", {x}")).unwrap_or_default();
        set("doi_tuong", format!("{}{position}", t.name));
    }
    if let Some(o) = p.process.outcome {
        set("ket_qua", o.label().to_lowercase());
    }
    if let Some(due) =
        state.store.deadlines(p.id).await?.iter().filter_map(|d| d.due_on).filter(|d| *d >= p.received_on).max()
    {
        set("han_giai_quyet", dmy(due));
    }
    let petitioner = match &p.petitioner {
        PetitionerView::Visible(x) => Some(x.clone()),
        PetitionerView::Sealed if template.identifies_petitioner => {
            if !is_custodian(user) {
                return Ok(Err((
                    StatusCode::FORBIDDEN,
                    "Văn bản này ghi danh tính người tố cáo: chỉ người được giao giữ bí mật danh tính mới được lập."
                        .into(),
                )));
            }
            let reason = format!("Lập văn bản \"{}\" gửi người tố cáo", template.name);
            service::reveal_identity(&*state.store, user, id, &reason, Utc::now()).await?
        }
        PetitionerView::Sealed => {
            set("nguoi_gui", "người tố cáo (danh tính được giữ bí mật)".into());
            None
        }
    };
    let sealed = matches!(p.petitioner, PetitionerView::Sealed) && petitioner.is_some();
    if let Some(x) = &petitioner {
        set("nguoi_gui", x.display_name());
        if let Some(person) = x.people().first() {
            set("dia_chi_nguoi_gui", person.address.clone().unwrap_or_default());
            set("cccd", person.cccd.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_default());
        }
    }
    for (field, _) in LETTER_FIELDS.iter().chain([("ngay_chuyen", "")].iter()) {
        if let Some(v) = form.get(*field).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            set(field, v.to_owned());
        }
    }
    // The receipt (02/TCD) lists each document received on its own numbered line: name,
    // pages, condition, original or copy — typed one per line, or else the petition's files.
    let listed: Vec<String> = match values.get("danh_muc_tai_lieu") {
        Some(typed) => typed.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        None => state
            .store
            .attachments(id)
            .await?
            .iter()
            .filter(|a| !a.sealed)
            .map(|a| format!("{} (bản điện tử)", a.file_name))
            .collect(),
    };
    if !listed.is_empty() {
        let numbered: Vec<String> = listed.iter().enumerate().map(|(i, l)| format!("{}. {l}", i + 1)).collect();
        values.insert("danh_muc_tai_lieu".into(), numbered.join("\n\n"));
    }
    let letter = donthu_documents::render(&template, &values);
    let issue = donthu_documents::docx::Issue {
        parent_body: values.get("co_quan_cap_tren").cloned().unwrap_or_default(),
        issuing_body: unit.name.clone(),
        number: String::new(),
        place: form
            .get("dia_danh")
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| "……".into()),
        date: today,
        signer_title: values.get("chuc_vu_nguoi_ky").cloned().unwrap_or_else(|| "THỦ TRƯỞNG ĐƠN VỊ".into()),
        signer_name: values.get("nguoi_ky").cloned().unwrap_or_default(),
    };
    // PDF to sign and keep as issued; DOCX for officials who edit before signing.
    let docx = form.get("format").is_some_and(|f| f == "docx");
    let (extension, content_type) = if docx {
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else {
        ("pdf", "application/pdf")
    };
    let render = move |number: &str| {
        let issue = donthu_documents::docx::Issue { number: number.to_owned(), ..issue.clone() };
        if docx { Ok(donthu_documents::docx::docx(&issue, &letter)) } else { donthu_pdf::letter(&issue, &letter) }
    };
    let new = donthu_store::model::NewDocument {
        petition_id: id,
        unit_id: p.unit_id,
        template_code: template.code.clone(),
        symbol: template.symbol.clone(),
        title: template.name.clone(),
        file_name: format!("{}-{}.{extension}", template.code, p.reference.to_string().replace('/', "-")),
        content_type: content_type.to_owned(),
        sealed,
    };
    Ok(Ok((new, Box::new(render))))
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    assignee: String,
}

/// Gives this petition to an official of its unit (heads).
pub async fn assign(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<AssignForm>,
) -> Result<Response, PageError> {
    let assignee = Uuid::parse_str(form.assignee.trim()).ok();
    match service::assign(&*state.store, &official.user, id, assignee, Utc::now()).await {
        Ok(()) => Ok(redirect_with_notice(&format!("/don/{id}"), "Đã giao cán bộ xử lý.")),
        Err(StoreError::Domain(e)) if e.code == donthu_core::ErrorCode::NotFound => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    reason: String,
}

/// Opens a denouncer's identity for an identity custodian, for this page view only;
/// the request is written on the timeline with its reason.
pub async fn reveal(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<RevealForm>,
) -> Result<Response, PageError> {
    match service::reveal_identity(&*state.store, &official.user, id, &form.reason, Utc::now()).await {
        Ok(Some(p)) => petition_page(&state, &official, id, None, None, Some(p), None).await,
        Ok(None) => {
            petition_page(
                &state,
                &official,
                id,
                None,
                None,
                None,
                Some("Đơn này không có danh tính niêm phong.".into()),
            )
            .await
        }
        Err(StoreError::Domain(e)) if e.code == donthu_core::ErrorCode::NotFound => Err(PageError::NotFound),
        Err(StoreError::Domain(e)) => {
            let message = e.fields.first().map(|f| f.message.clone()).unwrap_or(e.message);
            petition_page(&state, &official, id, None, None, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct DownloadQuery {
    ly_do: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    official: Official,
    Path((id, attachment_id)): Path<(Uuid, Uuid)>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, PageError> {
    visible(&state, &official, id).await?;
    let reason = q.ly_do.unwrap_or_default();
    match crate::api::open_attachment(&state, &official.user, id, attachment_id, reason.trim()).await {
        Ok(r) => Ok(r),
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(PageError::NotFound),
        Err(e) => Ok(super::error_page(e.status, &e.detail.message)),
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    layout: Layout,
    rows: Vec<super::worklist::Row>,
    created: String,
    /// The leader following the case, and their instructions.
    leader: Option<(String, String)>,
}

pub async fn case_page(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let units = UnitNames::load(&state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let case = state.store.case(id, &scope).await?.ok_or(PageError::NotFound)?;
    if case.petitions.is_empty() {
        return Err(PageError::NotFound);
    }
    let today = today();
    let rows = case
        .petitions
        .into_iter()
        .map(|p| super::worklist::Row {
            id: p.id,
            reference: vec![super::worklist::Piece { text: p.reference.to_string(), hit: false }],
            received: dmy(p.received_on),
            kind: p.kind.label(),
            field: p.field.label(),
            status: p.status.label(),
            channel: p.channel.label(),
            sealed: p.petitioner_name == donthu_store::rows::SEALED_NAME,
            petitioner: vec![super::worklist::Piece { text: p.petitioner_name.clone(), hit: false }],
            excerpt: vec![super::worklist::Piece { text: p.content_excerpt.clone(), hit: false }],
            unit: units.name(p.unit_id),
            due: if p.status.is_open() {
                due_badge(p.next_due_on, today)
            } else {
                DueBadge { class: "none", label: "Đã xong".into() }
            },
            approvable: false,
            assignable: false,
            assignee: None,
        })
        .collect();
    let leader = state.store.case_leaders().await?.into_iter().find(|l| l.case_id == id).map(|l| (l.leader, l.note));
    let page = CasePage {
        layout: Layout::new(&official, &units, "Vụ việc", "worklist"),
        rows,
        created: dmy_hm(case.created_at),
        leader,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "forwardings.html")]
struct ForwardingsPage {
    layout: Layout,
    outgoing: Vec<ObligationItem>,
    incoming: Vec<ObligationItem>,
}

pub struct ObligationItem {
    /// The item on this side (the forwarder's petition, or the copy received).
    pub petition_id: Uuid,
    /// Its reference number on this side.
    pub reference: String,
    /// This side's unit.
    pub unit: String,
    pub row: ForwardingRow,
}

/// Items the official's units forwarded and what the receiving units owe them, and
/// items forwarded to them and what they owe back (seed 000).
pub async fn forwardings_page(State(state): State<AppState>, official: Official) -> Result<Response, PageError> {
    let units = UnitNames::load(&state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let outgoing = state
        .store
        .forwarding_obligations(ObligationFilter::all(Direction::Outgoing), &scope)
        .await?
        .iter()
        .map(|o| ObligationItem {
            petition_id: o.petition_id,
            reference: o.reference.to_string(),
            unit: units.name(o.from_unit_id),
            row: obligation_row(o, &units, o.to_unit_id),
        })
        .collect();
    let incoming = state
        .store
        .forwarding_obligations(ObligationFilter::all(Direction::Incoming), &scope)
        .await?
        .iter()
        .map(|o| ObligationItem {
            petition_id: o.copy_petition_id,
            reference: o.copy_reference.to_string(),
            unit: units.name(o.to_unit_id),
            row: obligation_row(o, &units, o.from_unit_id),
        })
        .collect();
    let page = ForwardingsPage {
        layout: Layout::new(&official, &units, "Theo dõi chuyển đơn", "forwardings"),
        outgoing,
        incoming,
    };
    Ok(render(StatusCode::OK, &page))
}
