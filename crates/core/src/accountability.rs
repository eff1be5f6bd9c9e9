//! Holding units and their heads to account: the leaders' reception sessions and the
//! follow-up of their conclusions, and the register of officials' violations (seeds
//! 000–004). The types here are what an official types in, validated; what they add up
//! to (duties met, units to chase, scorecards) is computed by `donthu-accountability`.

use crate::error::{DomainError, ErrorCode, Validator, optional_text, required_text};
use crate::vocabulary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

vocabulary! {
    /// Whose duty to receive citizens a session fulfils; each level has its required
    /// frequency in the duty rules (`donthu-accountability`, data/reception_duty.toml).
    HostLevel {
        ProvincialPartySecretary = "provincial_party_secretary": "Bí thư Tỉnh ủy",
        CommunePartySecretary = "commune_party_secretary": "Bí thư Đảng ủy xã, phường",
        ProvincialChair = "provincial_chair": "Chủ tịch UBND tỉnh",
        CommuneChair = "commune_chair": "Chủ tịch UBND xã, phường",
        AgencyHead = "agency_head": "Thủ trưởng cơ quan, đơn vị",
    }
}

vocabulary! {
    /// Periodic (định kỳ) or ad-hoc (đột xuất) reception by a head (LTCD Art.2(1) [V]).
    SessionKind {
        Periodic = "periodic": "Tiếp định kỳ",
        AdHoc = "ad_hoc": "Tiếp đột xuất",
    }
}

vocabulary! {
    /// Whether the head received in person or had someone else receive for them. Since
    /// 01/7/2026 Law 136/2025 no longer lets heads delegate reception [S]; a delegated
    /// session is recorded but never counts towards the head's duty.
    Attendance {
        InPerson = "in_person": "Người đứng đầu trực tiếp tiếp",
        Delegated = "delegated": "Ủy quyền cấp phó tiếp",
    }
}

vocabulary! {
    /// Where a session stands.
    SessionStatus {
        Scheduled = "scheduled": "Đã lên lịch",
        Held = "held": "Đã tiếp",
        Concluded = "concluded": "Đã ban hành thông báo kết luận",
        Cancelled = "cancelled": "Hoãn, hủy",
    }
}

vocabulary! {
    /// How a violation came to light.
    ViolationSource {
        Petition = "petition": "Qua đơn thư",
        Hotline = "hotline": "Qua đường dây nóng",
        Inspection = "inspection": "Qua thanh tra, kiểm tra",
        SurpriseInspection = "surprise_inspection": "Kiểm tra đột xuất kỷ luật, kỷ cương hành chính",
        Oversight = "oversight": "Qua giám sát",
    }
}

vocabulary! {
    /// What the official did wrong (seeds 000 and 002).
    ViolationCategory {
        IdCard = "id_card": "Không đeo thẻ công chức",
        WorkingHours = "working_hours": "Vi phạm giờ giấc làm việc",
        Harassment = "harassment": "Sách nhiễu, gây phiền hà người dân, doanh nghiệp",
        Delay = "delay": "Chậm trễ giải quyết hồ sơ, công việc",
        WrongProcedure = "wrong_procedure": "Không đúng quy trình, thủ tục",
        NoReply = "no_reply": "Không trả lời, không báo cáo kết quả giải quyết",
        AvoidingCitizens = "avoiding_citizens": "Né tránh, đùn đẩy, không tiếp công dân",
        IdentityLeak = "identity_leak": "Làm lộ danh tính người tố cáo",
        Corruption = "corruption": "Tham nhũng, tiêu cực",
        Other = "other": "Vi phạm khác",
    }
}

vocabulary! {
    /// The measure taken: the disciplinary forms of the Law on Cadres and Civil Servants
    /// and of the Party, and the administrative measures seed 000 asks for (a reassignment
    /// when public opinion is bad).
    Measure {
        Pending = "pending": "Đang xem xét xử lý",
        Review = "review": "Kiểm điểm, rút kinh nghiệm",
        Reprimand = "reprimand": "Khiển trách",
        Warning = "warning": "Cảnh cáo",
        SalaryDemotion = "salary_demotion": "Hạ bậc lương",
        Demotion = "demotion": "Giáng chức",
        Dismissal = "dismissal": "Cách chức",
        ForcedResignation = "forced_resignation": "Buộc thôi việc",
        Reassignment = "reassignment": "Điều chuyển công tác khác",
        Expulsion = "expulsion": "Khai trừ khỏi Đảng",
    }
}

impl Measure {
    /// A disciplinary form (not a review, a reassignment or a pending decision).
    pub fn is_discipline(self) -> bool {
        !matches!(self, Measure::Pending | Measure::Review | Measure::Reassignment)
    }
}

/// A reception session to schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    /// The unit that prepares the session and keeps its file (Ban Nội chính, Văn phòng
    /// cấp ủy, Ban Tiếp công dân…): who sees and works on it.
    pub unit_id: Uuid,
    /// The unit whose head receives (Tỉnh ủy, UBND tỉnh, a commune…).
    pub host_unit_id: Uuid,
    pub host_level: HostLevel,
    /// "Đồng chí Nguyễn Văn A".
    pub host_name: String,
    /// "Bí thư Tỉnh ủy".
    pub host_title: String,
    pub kind: SessionKind,
    pub scheduled_on: NaiveDate,
    pub place: String,
    /// Received online through the connection points (Decree 154 Arts.16–24 [S+]).
    pub online: bool,
}

impl NewSession {
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut v = Validator::default();
        v.check(required_text("host_name", "họ tên người chủ trì", &self.host_name, 200));
        v.check(required_text("host_title", "chức vụ người chủ trì", &self.host_title, 200));
        v.check(required_text("place", "địa điểm tiếp", &self.place, 300));
        v.finish()
    }
}

/// What happened at a session: who received, and the record (biên bản, ghi chép).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub held_on: NaiveDate,
    pub attendance: Attendance,
    /// Who received in the head's stead, for a delegated session.
    pub delegate: Option<String>,
    /// How many citizens (lượt người) were received.
    pub citizens: u32,
    pub record: String,
}

impl SessionRecord {
    pub fn validate(&self, scheduled_on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
        let mut v = Validator::default();
        if self.held_on > today {
            v.check(Err(DomainError::field(
                "held_on",
                ErrorCode::InvalidDate,
                "Ngày tiếp không được sau ngày hôm nay.",
            )));
        }
        if self.held_on < scheduled_on - chrono::Duration::days(31) {
            v.check(Err(DomainError::field(
                "held_on",
                ErrorCode::InvalidDate,
                "Ngày tiếp cách ngày đã lên lịch quá xa; hãy lên lịch buổi tiếp mới.",
            )));
        }
        if self.attendance == Attendance::Delegated {
            v.check(required_text("delegate", "người được ủy quyền tiếp", self.delegate.as_deref().unwrap_or(""), 200));
        }
        v.check(required_text("record", "nội dung ghi chép buổi tiếp", &self.record, 20_000));
        v.finish()
    }
}

/// One task of a conclusion notice: a unit must do something by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    pub unit_id: Uuid,
    /// The petition (case) it concerns, if any.
    pub petition_id: Option<Uuid>,
    pub description: String,
    pub due_on: NaiveDate,
}

/// The conclusion notice of a session (thông báo kết luận, Decree 154 Art.25 [S+]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    /// The head's conclusions, as they will be printed.
    pub text: String,
    pub tasks: Vec<NewTask>,
}

impl Conclusion {
    pub fn validate(&self, issued_on: NaiveDate) -> Result<(), DomainError> {
        let mut v = Validator::default();
        v.check(required_text("text", "nội dung kết luận", &self.text, 20_000));
        for (i, t) in self.tasks.iter().enumerate() {
            let at = |e: DomainError| e.within(&format!("tasks[{i}]"));
            v.check(required_text("description", "nội dung nhiệm vụ", &t.description, 2_000).map_err(at));
            if t.due_on < issued_on {
                v.check(Err(at(DomainError::field(
                    "due_on",
                    ErrorCode::InvalidDate,
                    "Thời hạn thực hiện không được trước ngày ban hành thông báo.",
                ))));
            }
        }
        v.finish()
    }
}

/// A violation found in an official's conduct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewViolation {
    pub unit_id: Uuid,
    pub official_name: String,
    pub official_position: String,
    pub found_on: NaiveDate,
    pub source: ViolationSource,
    pub category: ViolationCategory,
    /// What was found (sự việc).
    pub facts: String,
    pub cause: String,
    pub individual_responsibility: String,
    /// The unit's (and its head's) responsibility.
    pub collective_responsibility: String,
    pub measure: Measure,
    /// The decision imposing it ("Quyết định số 12/QĐ-UBND ngày 03/4/2024").
    pub measure_decision: Option<String>,
    /// The citizen or business owed an apology (seed 000), if any.
    pub apology_to: Option<String>,
    /// Petitions through which it was found.
    pub petition_ids: Vec<Uuid>,
}

impl NewViolation {
    pub fn validate(&self, today: NaiveDate) -> Result<(), DomainError> {
        let mut v = Validator::default();
        v.check(required_text("official_name", "họ tên cán bộ vi phạm", &self.official_name, 200));
        v.check(required_text("official_position", "chức vụ, vị trí công tác", &self.official_position, 300));
        if self.found_on > today {
            v.check(Err(DomainError::field(
                "found_on",
                ErrorCode::InvalidDate,
                "Ngày phát hiện không được sau ngày hôm nay.",
            )));
        }
        v.check(required_text("facts", "nội dung vi phạm", &self.facts, 20_000));
        v.check(optional_text("cause", "nguyên nhân", Some(&self.cause), 5_000));
        v.check(optional_text(
            "individual_responsibility",
            "trách nhiệm cá nhân",
            Some(&self.individual_responsibility),
            5_000,
        ));
        v.check(optional_text(
            "collective_responsibility",
            "trách nhiệm tập thể, người đứng đầu",
            Some(&self.collective_responsibility),
            5_000,
        ));
        v.check(optional_text("measure_decision", "văn bản xử lý", self.measure_decision.as_deref(), 300));
        v.check(optional_text("apology_to", "người được xin lỗi", self.apology_to.as_deref(), 300));
        if self.measure.is_discipline() && self.measure_decision.as_deref().is_none_or(|d| d.trim().is_empty()) {
            v.check(Err(DomainError::field(
                "measure_decision",
                ErrorCode::Required,
                "Hình thức kỷ luật phải ghi số, ngày của quyết định kỷ luật.",
            )));
        }
        v.finish()
    }
}

vocabulary! {
    /// How a unit answered a supervisory recommendation.
    ResponseKind {
        Accepted = "accepted": "Tiếp thu, thực hiện",
        Partly = "partly": "Tiếp thu một phần",
        Rejected = "rejected": "Không tiếp thu, có giải trình",
    }
}

/// A supervisory recommendation (kiến nghị giám sát) of the Fatherland Front or the Party
/// inspection committee to a unit they oversee, with the term for its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRecommendation {
    /// The overseeing body (Ủy ban MTTQ, Ủy ban Kiểm tra).
    pub from_unit_id: Uuid,
    pub to_unit_id: Uuid,
    pub sent_on: NaiveDate,
    /// Số, ký hiệu of the recommendation, when sent as a document.
    pub number: Option<String>,
    pub subject: String,
    pub content: String,
    pub due_on: NaiveDate,
    pub petition_ids: Vec<Uuid>,
}

impl NewRecommendation {
    pub fn validate(&self, today: NaiveDate) -> Result<(), DomainError> {
        let mut v = Validator::default();
        if self.sent_on > today {
            v.check(Err(DomainError::field(
                "sent_on",
                ErrorCode::InvalidDate,
                "Ngày kiến nghị không được sau hôm nay.",
            )));
        }
        if self.due_on < self.sent_on {
            v.check(Err(DomainError::field(
                "due_on",
                ErrorCode::InvalidDate,
                "Thời hạn trả lời phải từ ngày kiến nghị trở đi.",
            )));
        }
        v.check(optional_text("number", "số, ký hiệu văn bản kiến nghị", self.number.as_deref(), 100));
        v.check(required_text("subject", "trích yếu kiến nghị", &self.subject, 500));
        v.check(required_text("content", "nội dung kiến nghị", &self.content, 20_000));
        if self.from_unit_id == self.to_unit_id {
            v.check(Err(DomainError::field(
                "to_unit_id",
                ErrorCode::InvalidValue,
                "Chọn đơn vị được giám sát khác đơn vị kiến nghị.",
            )));
        }
        v.finish()
    }
}

/// The unit's answer to a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationAnswer {
    pub answered_on: NaiveDate,
    pub kind: ResponseKind,
    pub text: String,
}

impl RecommendationAnswer {
    pub fn validate(&self, sent_on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
        let mut v = Validator::default();
        if self.answered_on > today || self.answered_on < sent_on {
            v.check(Err(DomainError::field(
                "answered_on",
                ErrorCode::InvalidDate,
                "Ngày trả lời phải từ ngày kiến nghị đến hôm nay.",
            )));
        }
        v.check(required_text("text", "nội dung trả lời, kết quả thực hiện", &self.text, 20_000));
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn violation() -> NewViolation {
        NewViolation {
            unit_id: Uuid::nil(),
            official_name: "Lê Văn Cường".into(),
            official_position: "Công chức địa chính – xây dựng xã Tân Lập".into(),
            found_on: d(2026, 3, 12),
            source: ViolationSource::SurpriseInspection,
            category: ViolationCategory::Harassment,
            facts: "Gây khó khăn khi giải quyết hồ sơ chuyển mục đích sử dụng đất.".into(),
            cause: String::new(),
            individual_responsibility: String::new(),
            collective_responsibility: String::new(),
            measure: Measure::Reprimand,
            measure_decision: Some("Quyết định số 12/QĐ-UBND ngày 03/4/2026".into()),
            apology_to: Some("Ông Nguyễn Văn An".into()),
            petition_ids: vec![],
        }
    }

    #[test]
    fn a_discipline_needs_its_decision_and_a_violation_its_facts() {
        assert!(violation().validate(d(2026, 11, 1)).is_ok());
        let mut v = violation();
        v.measure_decision = None;
        v.facts = " ".into();
        v.found_on = d(2026, 12, 1);
        let e = v.validate(d(2026, 11, 1)).unwrap_err();
        let fields: Vec<_> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["found_on", "facts", "measure_decision"]);
        let mut review = violation();
        review.measure = Measure::Review;
        review.measure_decision = None;
        assert!(review.validate(d(2026, 11, 1)).is_ok(), "a review needs no decision");
        assert!(!Measure::Reassignment.is_discipline() && Measure::Dismissal.is_discipline());
    }

    #[test]
    fn a_record_and_a_conclusion_are_checked_field_by_field() {
        let record = SessionRecord {
            held_on: d(2026, 11, 20),
            attendance: Attendance::Delegated,
            delegate: None,
            citizens: 4,
            record: String::new(),
        };
        let e = record.validate(d(2026, 11, 20), d(2026, 11, 19)).unwrap_err();
        let fields: Vec<_> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["held_on", "delegate", "record"]);
        let conclusion = Conclusion {
            text: "Giao UBND xã Tân Lập rà soát lại hồ sơ bồi thường.".into(),
            tasks: vec![NewTask {
                unit_id: Uuid::nil(),
                petition_id: None,
                description: String::new(),
                due_on: d(2026, 11, 1),
            }],
        };
        let e = conclusion.validate(d(2026, 11, 20)).unwrap_err();
        let fields: Vec<_> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["tasks[0].description", "tasks[0].due_on"]);
    }
}
