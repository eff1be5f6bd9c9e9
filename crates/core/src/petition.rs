//! Petitions (đơn) as registered at intake: who sent them, through which channel, about
//! whom and what — and whether they meet the statutory minimum contents.

use crate::error::{DomainError, ErrorCode, Validator, optional_text, required_text};
use crate::person::Person;
use crate::vocabulary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

vocabulary! {
    /// How the petition reached the unit (kênh tiếp nhận).
    Channel {
        WalkIn = "walk_in": "Trực tiếp tại nơi tiếp công dân",
        Post = "post": "Qua bưu chính",
        Hotline = "hotline": "Đường dây nóng",
        Online = "online": "Trực tuyến",
        Email = "email": "Thư điện tử",
        ForwardedIn = "forwarded_in": "Cơ quan khác chuyển đến",
        Press = "press": "Báo chí chuyển đến",
    }
}

vocabulary! {
    /// The legal nature of the petition; decides which law and deadlines apply.
    Kind {
        Complaint = "complaint": "Khiếu nại",
        Denunciation = "denunciation": "Tố cáo",
        Recommendation = "recommendation": "Kiến nghị",
        Feedback = "feedback": "Phản ánh",
    }
}

vocabulary! {
    /// The subject field (lĩnh vực) of the TT 01/2024/TT-TTCP report tables [S: column
    /// groups as implemented by a deployed product, legal.md §3].
    Field {
        AdminPolicy = "admin_policy": "Hành chính – Chế độ, chính sách",
        AdminLand = "admin_land": "Hành chính – Đất đai, nhà cửa",
        AdminCivilService = "admin_civil_service": "Hành chính – Công chức, công vụ",
        AdminOther = "admin_other": "Hành chính – Lĩnh vực khác",
        Corruption = "corruption": "Tham nhũng",
        Judicial = "judicial": "Tư pháp",
        Party = "party": "Đảng, đoàn thể",
        Other = "other": "Khác",
    }
}

vocabulary! {
    /// Complexity of a case (Decree 31/2019 Art.3; Decree 155/2026 Art.2): lengthens the
    /// resolution deadline and allows extensions.
    Complexity {
        Normal = "normal": "Bình thường",
        Complex = "complex": "Phức tạp",
        EspeciallyComplex = "especially_complex": "Đặc biệt phức tạp",
    }
}

vocabulary! {
    /// Round of a complaint (lần đầu / lần hai).
    ComplaintRound {
        First = "first": "Khiếu nại lần đầu",
        Second = "second": "Khiếu nại lần hai",
    }
}

vocabulary! {
    /// Form of a reception (LTCD Art.2(1)): regular, or a head's periodic / ad-hoc session.
    ReceptionForm {
        Regular = "regular": "Tiếp thường xuyên",
        Periodic = "periodic": "Tiếp định kỳ của lãnh đạo",
        AdHoc = "ad_hoc": "Tiếp đột xuất của lãnh đạo",
    }
}

vocabulary! {
    /// Whether the body or person complained about / denounced is a person or a body.
    TargetKind {
        Person = "person": "Cá nhân",
        Body = "body": "Cơ quan, tổ chức",
    }
}

/// The body or person complained about or denounced.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub kind: TargetKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Position and workplace of a person denounced (chức vụ, nơi công tác).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
}

impl Target {
    fn validate(&self) -> Result<(), DomainError> {
        let mut v = Validator::default();
        v.check(required_text("name", "tên cơ quan, người bị khiếu nại, tố cáo", &self.name, 300));
        v.check(optional_text("address", "địa chỉ", self.address.as_deref(), 500));
        v.check(optional_text("position", "chức vụ", self.position.as_deref(), 300));
        v.finish()
    }
}

/// One named complainant of a group; representatives speak for the group (LTCD Art.29).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    #[serde(flatten)]
    pub person: Person,
    #[serde(default)]
    pub representative: bool,
}

/// Who sent the petition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Petitioner {
    Individual(Person),
    /// Several people with the same content (đoàn đông người from 5 people).
    Group {
        head_count: u32,
        members: Vec<GroupMember>,
    },
    Organization {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        representative: Option<Person>,
    },
    Anonymous,
}

/// How many representatives a group of `head_count` people may choose: 5–10 people choose
/// 1–2, more than 10 up to 5 (LTCD Art.29 [V]; Decree 155 Art.4 [S+]). Smaller groups are
/// not crowds under Art.29; each of them may speak for the group.
pub fn max_representatives(head_count: u32) -> u32 {
    match head_count {
        0..=4 => head_count,
        5..=10 => 2,
        _ => 5,
    }
}

/// The head count from which a group is a crowd (đoàn đông người): the representation
/// duty starts at 5 people (LTCD Art.29 [V]; "≥ 5" is the working convention [U]).
pub const CROWD_MIN_PEOPLE: u32 = 5;

impl Petitioner {
    pub fn validate(&self) -> Result<(), DomainError> {
        match self {
            Petitioner::Individual(p) => p.validate(),
            Petitioner::Group { head_count, members } => {
                let mut v = Validator::default();
                if *head_count < 2 {
                    v.check(Err(DomainError::field(
                        "head_count",
                        ErrorCode::InvalidGroup,
                        "Đoàn phải có từ 2 người trở lên.",
                    )));
                }
                if members.is_empty() {
                    v.check(Err(DomainError::field(
                        "members",
                        ErrorCode::InvalidGroup,
                        "Chưa nhập người đại diện của đoàn.",
                    )));
                }
                if members.len() as u64 > u64::from(*head_count) {
                    v.check(Err(DomainError::field(
                        "members",
                        ErrorCode::InvalidGroup,
                        format!(
                            "Số người được ghi tên ({}) nhiều hơn số người trong đoàn ({head_count}).",
                            members.len()
                        ),
                    )));
                }
                let reps = members.iter().filter(|m| m.representative).count() as u32;
                if !members.is_empty() && reps == 0 {
                    v.check(Err(DomainError::field(
                        "members",
                        ErrorCode::InvalidGroup,
                        "Phải chọn ít nhất một người đại diện trong số người được ghi tên.",
                    )));
                }
                let max = max_representatives(*head_count);
                if reps > max {
                    v.check(Err(DomainError::field(
                        "members",
                        ErrorCode::TooManyRepresentatives,
                        format!("Đoàn {head_count} người chỉ được cử tối đa {max} người đại diện (Điều 29 Luật Tiếp công dân)."),
                    )));
                }
                for (i, m) in members.iter().enumerate() {
                    v.check(m.person.validate().map_err(|e| e.within(&format!("members[{i}]"))));
                }
                v.finish()
            }
            Petitioner::Organization { name, address, representative } => {
                let mut v = Validator::default();
                v.check(required_text("name", "tên cơ quan, tổ chức", name, 300));
                v.check(optional_text("address", "địa chỉ", address.as_deref(), 500));
                if let Some(r) = representative {
                    v.check(r.validate().map_err(|e| e.within("representative")));
                }
                v.finish()
            }
            Petitioner::Anonymous => Ok(()),
        }
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self, Petitioner::Anonymous)
    }

    /// The name shown in lists: the person, the first representative, or the organisation.
    pub fn display_name(&self) -> String {
        match self {
            Petitioner::Individual(p) => p.full_name.clone(),
            Petitioner::Group { head_count, members } => {
                let rep = members.iter().find(|m| m.representative).or(members.first());
                match rep {
                    Some(m) => format!("{} và {} người khác", m.person.full_name, head_count.saturating_sub(1)),
                    None => format!("Đoàn {head_count} người"),
                }
            }
            Petitioner::Organization { name, .. } => name.clone(),
            Petitioner::Anonymous => "Không rõ người gửi (nặc danh)".to_owned(),
        }
    }

    /// The people named on the petition, representatives first.
    pub fn people(&self) -> Vec<&Person> {
        match self {
            Petitioner::Individual(p) => vec![p],
            Petitioner::Group { members, .. } => {
                let mut v: Vec<_> = members.iter().filter(|m| m.representative).map(|m| &m.person).collect();
                v.extend(members.iter().filter(|m| !m.representative).map(|m| &m.person));
                v
            }
            Petitioner::Organization { representative, .. } => representative.iter().collect(),
            Petitioner::Anonymous => Vec::new(),
        }
    }

    /// How many people stand behind the petition.
    pub fn head_count(&self) -> u32 {
        match self {
            Petitioner::Group { head_count, .. } => *head_count,
            Petitioner::Anonymous => 0,
            _ => 1,
        }
    }

    /// Named complainants who can each withdraw on their own (Decree 155 Art.5).
    pub fn named_complainants(&self) -> u32 {
        match self {
            Petitioner::Group { members, .. } => members.len() as u32,
            Petitioner::Anonymous => 0,
            _ => 1,
        }
    }

    pub fn is_crowd(&self) -> bool {
        self.head_count() >= CROWD_MIN_PEOPLE
    }

    fn address(&self) -> Option<&str> {
        match self {
            Petitioner::Individual(p) => p.address.as_deref(),
            Petitioner::Group { .. } => self.people().first().and_then(|p| p.address.as_deref()),
            Petitioner::Organization { address, .. } => address.as_deref(),
            Petitioner::Anonymous => None,
        }
        .filter(|a| !a.trim().is_empty())
    }

    fn has_contact(&self) -> bool {
        match self {
            Petitioner::Organization { address, representative, .. } => {
                address.is_some() || representative.as_ref().is_some_and(Person::has_contact)
            }
            _ => self.people().first().is_some_and(|p| p.has_contact()),
        }
    }
}

/// The body that sent the petition on (for forwarded and press items).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardedFrom {
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_date: Option<NaiveDate>,
}

/// Details of a walk-in reception (sổ tiếp công dân, form 03/TCD).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reception {
    pub form: ReceptionForm,
    /// For periodic and ad-hoc sessions: whether the head received in person (or delegated).
    #[serde(default)]
    pub head_in_person: bool,
    /// The body that already resolved the matter to the end of its authority (03/TCD col 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previously_resolved_by: Option<String>,
}

/// A petition as entered at intake, before it is stored.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPetition {
    pub unit_id: Uuid,
    pub channel: Channel,
    /// The legal receipt date (ngày nhận đơn), from which deadlines run. It may be earlier
    /// than the day the petition is typed in.
    pub received_on: NaiveDate,
    /// The date written on the letter (ngày viết đơn), part of the statutory contents.
    #[serde(default)]
    pub written_on: Option<NaiveDate>,
    pub kind: Kind,
    pub field: Field,
    pub petitioner: Petitioner,
    /// Signed or fingerprinted by the petitioner(s).
    #[serde(default)]
    pub signed: bool,
    #[serde(default)]
    pub target: Option<Target>,
    /// The content: what happened and what is requested.
    pub content: String,
    #[serde(default)]
    pub forwarded_from: Option<ForwardedFrom>,
    #[serde(default)]
    pub reception: Option<Reception>,
}

/// The longest content accepted, in characters (a very long letter is attached as a file).
pub const MAX_CONTENT_CHARS: usize = 20_000;

impl NewPetition {
    /// Fills in what the desk does not type: a statement recorded at a walk-in reception
    /// is written down, read back and signed on the day it is taken (LTCD Art.25(2)).
    pub fn normalized(mut self) -> NewPetition {
        if self.channel == Channel::WalkIn && self.written_on.is_none() {
            self.written_on = Some(self.received_on);
        }
        self.content = self.content.trim().to_owned();
        self
    }

    /// Checks the input itself (formats, lengths, dates). A letter that misses statutory
    /// contents is still registered: that is [`assess_eligibility`]'s business.
    pub fn validate(&self, today: NaiveDate) -> Result<(), DomainError> {
        let mut v = Validator::default();
        v.check(required_text("content", "nội dung đơn", &self.content, MAX_CONTENT_CHARS));
        v.check(self.petitioner.validate().map_err(|e| e.within("petitioner")));
        if let Some(t) = &self.target {
            v.check(t.validate().map_err(|e| e.within("target")));
        }
        if self.received_on > today {
            v.check(Err(DomainError::field(
                "received_on",
                ErrorCode::InvalidDate,
                "Ngày nhận đơn không được sau ngày hôm nay.",
            )));
        }
        if self.received_on < NaiveDate::from_ymd_opt(1990, 1, 1).expect("valid date") {
            v.check(Err(DomainError::field("received_on", ErrorCode::InvalidDate, "Ngày nhận đơn không hợp lệ.")));
        }
        if let Some(w) = self.written_on
            && w > self.received_on
        {
            v.check(Err(DomainError::field(
                "written_on",
                ErrorCode::InvalidDate,
                "Ngày viết đơn không được sau ngày nhận đơn.",
            )));
        }
        match (&self.channel, &self.forwarded_from) {
            (Channel::ForwardedIn | Channel::Press, None) => v.check(Err(DomainError::field(
                "forwarded_from",
                ErrorCode::Required,
                "Chưa nhập cơ quan, báo chí đã chuyển đơn đến.",
            ))),
            (_, Some(f)) => {
                v.check(required_text("forwarded_from.body", "cơ quan chuyển đơn", &f.body, 300));
                v.check(optional_text(
                    "forwarded_from.document_number",
                    "số văn bản",
                    f.document_number.as_deref(),
                    100,
                ));
            }
            _ => {}
        }
        if self.channel != Channel::WalkIn && self.reception.is_some() {
            v.check(Err(DomainError::field(
                "reception",
                ErrorCode::InvalidValue,
                "Thông tin lượt tiếp chỉ dùng cho đơn nhận trực tiếp.",
            )));
        }
        v.finish()
    }
}

vocabulary! {
    /// Why a petition does not meet the conditions for processing (legal.md §1.3).
    IneligibilityReason {
        Anonymous = "anonymous": "Đơn không rõ họ tên, địa chỉ người gửi (nặc danh)",
        MissingDate = "missing_date": "Đơn không ghi ngày, tháng, năm",
        MissingName = "missing_name": "Đơn không ghi họ tên người gửi",
        MissingAddress = "missing_address": "Đơn không ghi địa chỉ người gửi",
        MissingContact = "missing_contact": "Đơn tố cáo không ghi cách thức liên hệ với người tố cáo",
        MissingTarget = "missing_target": "Đơn không ghi tên cơ quan, tổ chức, cá nhân bị khiếu nại, tố cáo",
        MissingTargetAddress = "missing_target_address": "Đơn khiếu nại không ghi địa chỉ của cơ quan, cá nhân bị khiếu nại",
        Unsigned = "unsigned": "Đơn không có chữ ký hoặc điểm chỉ của người gửi",
    }
}

/// Whether a petition meets the statutory minimum contents, and if not, why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub eligible: bool,
    pub reasons: Vec<IneligibilityReason>,
    /// An anonymous denunciation is not processed under the Law on Denunciations, but if
    /// its content is clear and names the violator the body may inspect it itself or
    /// forward it for inspection (LTC Art.25, Decree 31 Art.20).
    pub inspection_possible: bool,
}

/// The facts about a petition's contents that decide its eligibility, whatever its kind.
/// Kept with the petition so that reclassifying it (say, from recommendation to
/// complaint) reassesses eligibility without reopening a sealed denouncer identity.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityFacts {
    pub anonymous: bool,
    pub dated: bool,
    pub named: bool,
    pub has_address: bool,
    pub has_contact: bool,
    pub target_named: bool,
    pub target_has_address: bool,
    pub signed: bool,
    pub substantial_content: bool,
}

impl EligibilityFacts {
    pub fn of(p: &NewPetition) -> EligibilityFacts {
        let named = match &p.petitioner {
            Petitioner::Organization { name, .. } => !name.trim().is_empty(),
            Petitioner::Anonymous => false,
            other => other.people().first().is_some_and(|x| !x.full_name.trim().is_empty()),
        };
        let target = p.target.as_ref().filter(|t| !t.name.trim().is_empty());
        EligibilityFacts {
            anonymous: p.petitioner.is_anonymous(),
            dated: p.written_on.is_some(),
            named,
            has_address: p.petitioner.address().is_some(),
            has_contact: p.petitioner.has_contact(),
            target_named: target.is_some(),
            target_has_address: target.is_some_and(|t| t.address.as_deref().is_some_and(|a| !a.trim().is_empty())),
            signed: p.signed,
            substantial_content: p.content.trim().chars().count() >= 50,
        }
    }

    /// Checks the minimum contents required by LKN Art.8(2),(4) for complaints and LTC
    /// Art.23(1) for denunciations [V]. For recommendations and feedback the law gives no
    /// field list (LTCD Art.2(2)), so only an identifiable sender is required [U].
    pub fn assess(&self, kind: Kind) -> Eligibility {
        use IneligibilityReason as R;
        let mut reasons = Vec::new();
        if self.anonymous {
            reasons.push(R::Anonymous);
        }
        if matches!(kind, Kind::Complaint | Kind::Denunciation) && !self.anonymous {
            let checks = [
                (self.dated, R::MissingDate),
                (self.named, R::MissingName),
                (self.has_address, R::MissingAddress),
                (kind != Kind::Denunciation || self.has_contact, R::MissingContact),
                (self.target_named, R::MissingTarget),
                (kind != Kind::Complaint || !self.target_named || self.target_has_address, R::MissingTargetAddress),
                (self.signed, R::Unsigned),
            ];
            reasons.extend(checks.into_iter().filter(|(ok, _)| !ok).map(|(_, r)| r));
        }
        let inspection_possible =
            self.anonymous && kind == Kind::Denunciation && self.target_named && self.substantial_content;
        Eligibility { eligible: reasons.is_empty(), reasons, inspection_possible }
    }
}

/// Eligibility of a petition as entered.
pub fn assess_eligibility(p: &NewPetition) -> Eligibility {
    EligibilityFacts::of(p).assess(p.kind)
}

/// The reference number people use (số đơn): sequence per receiving unit per year,
/// e.g. `123/2026/BNC`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReferenceNumber {
    pub sequence: u32,
    pub year: i32,
    pub unit_code: String,
}

impl std::fmt::Display for ReferenceNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.sequence, self.year, self.unit_code)
    }
}

impl std::str::FromStr for ReferenceNumber {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            DomainError::field(
                "reference",
                ErrorCode::InvalidValue,
                format!("Số đơn \"{s}\" không đúng dạng số/năm/mã đơn vị."),
            )
        };
        let mut parts = s.trim().splitn(3, '/');
        let sequence = parts.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
        let year = parts.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
        let unit_code = parts.next().filter(|c| !c.is_empty()).ok_or_else(bad)?.to_owned();
        Ok(ReferenceNumber { sequence, year, unit_code })
    }
}
