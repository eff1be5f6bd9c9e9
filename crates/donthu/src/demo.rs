//! `donthu demo`: a realistic demo of one province — its Party and State units, officials
//! in every role, and a few hundred petitions across channels, kinds and states, each
//! walked through the real state machine so its timeline is genuine.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use donthu_core::person::{Cccd, Person};
use donthu_core::petition::*;
use donthu_core::process::{Command, Handling, Outcome, ResultFigures, SplitPart};
use donthu_core::unit::{Role, UnitCode, UnitKind};
use donthu_store::Store;
use donthu_store::model::{Intake, NewUnit, NewUser, Unit, UnitRole, User};
use donthu_store::service::{self, vietnam_today};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use uuid::Uuid;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "donthu-demo-2026";

/// How many petitions the demo registers (besides forwarded copies and split parts).
const DEMO_PETITIONS: usize = 320;

pub(crate) const UNITS: &[(&str, &str, UnitKind, Option<&str>)] = &[
    ("TU", "Tỉnh ủy", UnitKind::PartyCommittee, None),
    ("VPTU", "Văn phòng Tỉnh ủy", UnitKind::PartyOffice, Some("TU")),
    ("BNCTU", "Ban Nội chính Tỉnh ủy", UnitKind::PartyBoard, Some("TU")),
    ("UBKTTU", "Ủy ban Kiểm tra Tỉnh ủy", UnitKind::InspectionCommittee, Some("TU")),
    ("UBND", "Ủy ban nhân dân tỉnh", UnitKind::PeoplesCommittee, None),
    ("BTCD", "Ban Tiếp công dân tỉnh", UnitKind::Other, Some("UBND")),
    ("TTT", "Thanh tra tỉnh", UnitKind::Inspectorate, Some("UBND")),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", UnitKind::Department, Some("UBND")),
    ("SXD", "Sở Xây dựng", UnitKind::Department, Some("UBND")),
    ("SNV", "Sở Nội vụ", UnitKind::Department, Some("UBND")),
    ("XA-TANLAP", "UBND xã Tân Lập", UnitKind::Commune, Some("UBND")),
    ("XA-DONGTAM", "UBND xã Đồng Tâm", UnitKind::Commune, Some("UBND")),
    ("P-TANDONG", "UBND phường Tân Đồng", UnitKind::Commune, Some("UBND")),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", UnitKind::FatherlandFront, None),
];

/// Units that receive petitions, with the weight of their share.
pub(crate) const RECEIVERS: &[(&str, u32)] = &[
    ("BTCD", 26),
    ("BNCTU", 16),
    ("VPTU", 12),
    ("TTT", 10),
    ("SNNMT", 10),
    ("XA-TANLAP", 10),
    ("XA-DONGTAM", 8),
    ("P-TANDONG", 8),
];

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý",
];
const MIDDLE_M: &[&str] = &["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Xuân", "Công"];
const MIDDLE_F: &[&str] = &["Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ"];
const GIVEN_M: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Tuấn", "Vinh", "Khoa",
    "Thắng",
];
const GIVEN_F: &[&str] = &["Hà", "Hạnh", "Hoa", "Lan", "Mai", "Thảo", "Trang", "Yến", "Hương", "Nhung", "Oanh", "Loan"];
pub(crate) const PLACES: &[&str] = &[
    "thôn 3, xã Tân Lập",
    "thôn Thắng Lợi, xã Tân Lập",
    "ấp Đồng Tiến, xã Đồng Tâm",
    "ấp 5, xã Đồng Tâm",
    "khu phố Tân Trà, phường Tân Đồng",
    "khu phố Suối Đá, phường Tân Đồng",
];
pub(crate) const BODIES: &[&str] = &[
    "UBND xã Tân Lập",
    "UBND xã Đồng Tâm",
    "UBND phường Tân Đồng",
    "Chi nhánh Văn phòng Đăng ký đất đai khu vực Tân Lập",
    "Sở Nông nghiệp và Môi trường",
    "Ban Quản lý dự án đầu tư xây dựng tỉnh",
];
pub(crate) const OFFICIALS: &[(&str, &str)] = &[
    ("Lê Văn Cường", "công chức địa chính – xây dựng xã Tân Lập"),
    ("Trần Quốc Toản", "Phó Chủ tịch UBND xã Đồng Tâm"),
    ("Nguyễn Hữu Thắng", "Trưởng phòng Kinh tế phường Tân Đồng"),
    ("Phạm Thị Hoa", "công chức Bộ phận tiếp nhận và trả kết quả xã Tân Lập"),
    ("Vũ Đình Khang", "Chủ tịch Hội Nông dân xã Đồng Tâm"),
];

pub(crate) struct Topic {
    pub(crate) kind: Kind,
    pub(crate) field: Field,
    pub(crate) against_person: bool,
    pub(crate) text: &'static str,
}

pub(crate) const TOPICS: &[Topic] = &[
    Topic {
        kind: Kind::Complaint,
        field: Field::AdminLand,
        against_person: false,
        text: "Tôi khiếu nại Quyết định số {n}/QĐ-UBND ngày {d} của {target} về việc thu hồi {area} m² đất nông nghiệp của gia đình tôi tại {place} để thực hiện dự án mở rộng đường giao thông. Mức bồi thường 85.000 đồng/m² thấp hơn nhiều so với giá chuyển nhượng thực tế tại địa phương, gia đình tôi chưa được bố trí tái định cư và chưa được hỗ trợ chuyển đổi nghề. Đề nghị xem xét lại đơn giá bồi thường, hỗ trợ chuyển đổi nghề nghiệp và bố trí tái định cư theo quy định của pháp luật.",
    },
    Topic {
        kind: Kind::Complaint,
        field: Field::AdminLand,
        against_person: false,
        text: "Tôi khiếu nại văn bản số {n}/UBND ngày {d} của {target} từ chối cấp giấy chứng nhận quyền sử dụng đất đối với thửa đất số {m}, tờ bản đồ số 12 tại {place}. Gia đình tôi sử dụng ổn định, không tranh chấp từ năm 1992, có xác nhận của ban nhân dân ấp và các hộ giáp ranh. Đề nghị hủy văn bản nêu trên và xem xét cấp giấy chứng nhận cho gia đình tôi.",
    },
    Topic {
        kind: Kind::Complaint,
        field: Field::AdminPolicy,
        against_person: false,
        text: "Tôi khiếu nại việc {target} dừng chi trả trợ cấp xã hội hằng tháng cho mẹ tôi là người cao tuổi, khuyết tật nặng, từ tháng {month} mà không có quyết định, không thông báo lý do. Gia đình tôi thuộc hộ cận nghèo, mẹ tôi không có lương hưu. Đề nghị khôi phục chế độ trợ cấp và truy lĩnh số tiền chưa được nhận.",
    },
    Topic {
        kind: Kind::Complaint,
        field: Field::AdminOther,
        against_person: false,
        text: "Tôi khiếu nại Quyết định xử phạt vi phạm hành chính số {n}/QĐ-XPHC ngày {d} của {target} đối với hộ kinh doanh của tôi về hành vi lấn chiếm vỉa hè tại {place}. Biên bản vi phạm được lập khi tôi vắng mặt, không có người chứng kiến, mức phạt áp dụng không đúng khung. Đề nghị hủy quyết định xử phạt nêu trên.",
    },
    Topic {
        kind: Kind::Denunciation,
        field: Field::AdminCivilService,
        against_person: true,
        text: "Tôi tố cáo ông (bà) {target}, {position}, có hành vi gây khó khăn, gợi ý đưa tiền \"bồi dưỡng\" khi giải quyết hồ sơ chuyển mục đích sử dụng đất của gia đình tôi tại {place}. Hồ sơ nộp từ ngày {d}, đã quá thời hạn giải quyết nhưng không được trả kết quả, không có văn bản nêu lý do. Đề nghị xác minh, xử lý nghiêm theo quy định.",
    },
    Topic {
        kind: Kind::Denunciation,
        field: Field::Corruption,
        against_person: true,
        text: "Tôi tố cáo ông (bà) {target}, {position}, lợi dụng chức vụ lập khống danh sách {m} hộ dân tại {place} được hỗ trợ giống cây trồng sau thiên tai để chiếm đoạt tiền ngân sách, số tiền khoảng {area} triệu đồng. Nhiều hộ có tên trong danh sách cho biết không nhận được hỗ trợ. Tôi gửi kèm danh sách và bản sao chứng từ chi.",
    },
    Topic {
        kind: Kind::Denunciation,
        field: Field::AdminLand,
        against_person: true,
        text: "Tôi tố cáo ông (bà) {target}, {position}, buông lỏng quản lý, bao che cho một số hộ san lấp, xây dựng nhà xưởng trái phép trên đất nông nghiệp tại {place}. Người dân đã phản ánh nhiều lần từ tháng {month} nhưng không được kiểm tra, xử lý; công trình vẫn tiếp tục xây dựng.",
    },
    Topic {
        kind: Kind::Denunciation,
        field: Field::Party,
        against_person: true,
        text: "Tôi tố cáo đảng viên {target}, {position}, vi phạm quy định về những điều đảng viên không được làm: đứng tên người thân để kinh doanh bất động sản tại {place}, kê khai tài sản, thu nhập không trung thực. Đề nghị cơ quan có thẩm quyền kiểm tra, xử lý.",
    },
    Topic {
        kind: Kind::Recommendation,
        field: Field::AdminLand,
        against_person: false,
        text: "Tôi kiến nghị {target} sớm công khai quy hoạch sử dụng đất tại {place}. Người dân không biết thửa đất của mình có nằm trong quy hoạch hay không nên không thể xây dựng nhà ở, chuyển nhượng hay thế chấp vay vốn. Đề nghị niêm yết công khai bản đồ quy hoạch tại trụ sở và nhà văn hóa ấp.",
    },
    Topic {
        kind: Kind::Recommendation,
        field: Field::AdminPolicy,
        against_person: false,
        text: "Tôi kiến nghị {target} xem xét hỗ trợ học phí và tiền điện cho các hộ cận nghèo tại {place} theo chính sách mới của tỉnh. Đến nay đã {m} tháng nhưng danh sách vẫn chưa được xét duyệt, nhiều gia đình có con đang đi học gặp khó khăn.",
    },
    Topic {
        kind: Kind::Recommendation,
        field: Field::AdminOther,
        against_person: false,
        text: "Tôi kiến nghị {target} sửa chữa tuyến đường liên ấp tại {place} đã xuống cấp nghiêm trọng, nhiều ổ gà, mùa mưa ngập sâu, học sinh đi lại rất nguy hiểm. Người dân sẵn sàng đóng góp ngày công nếu địa phương bố trí vật liệu.",
    },
    Topic {
        kind: Kind::Feedback,
        field: Field::AdminCivilService,
        against_person: false,
        text: "Tôi phản ánh cán bộ Bộ phận một cửa của {target} không đeo thẻ công chức, thái độ thiếu tôn trọng người dân, yêu cầu bổ sung giấy tờ không có trong quy định khi tôi làm thủ tục chứng thực ngày {d}, khiến tôi phải đi lại nhiều lần.",
    },
    Topic {
        kind: Kind::Feedback,
        field: Field::AdminOther,
        against_person: false,
        text: "Tôi phản ánh cơ sở chăn nuôi heo tại {place} xả nước thải chưa qua xử lý ra suối, gây ô nhiễm, mùi hôi ảnh hưởng đến sinh hoạt của hàng trăm hộ dân. Đã báo {target} từ tháng {month} nhưng chưa được kiểm tra, xử lý.",
    },
    Topic {
        kind: Kind::Feedback,
        field: Field::Judicial,
        against_person: false,
        text: "Tôi phản ánh việc thi hành bản án dân sự phúc thẩm số {n}/2024/DS-PT kéo dài, cơ quan thi hành án chưa tổ chức cưỡng chế dù đã quá thời hạn tự nguyện thi hành; {target} chưa có văn bản trả lời đơn của tôi gửi ngày {d}.",
    },
];

/// Runs the demo on an empty database; on one that holds data, says so and does nothing.
pub async fn run(store: &dyn Store, blobs: &dyn donthu_store::blob::BlobStore) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        println!("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu (không thay đổi gì).");
        print_accounts(false);
        return Ok(());
    }
    println!("Đang nạp dữ liệu mẫu…");
    let now = Utc::now();
    let world = Demo::create(store).await?;
    world.fill(store, now).await?;
    world.accountability(store, blobs, now).await?;
    let count = store.count_petitions(&donthu_store::model::Scope::All, &Default::default()).await?;
    println!("Đã nạp {} đơn vị, {} tài khoản và {count} đơn thư mẫu.", UNITS.len(), world.users.len());
    print_accounts(true);
    Ok(())
}

fn print_accounts(fresh: bool) {
    if !fresh {
        println!("Tài khoản mẫu (nếu đây là cơ sở dữ liệu mẫu):");
    } else {
        println!("Tài khoản mẫu — mật khẩu chung: {DEMO_PASSWORD}");
    }
    for (username, what) in [
        ("canbo.btcd", "Cán bộ tiếp dân, Ban Tiếp công dân tỉnh"),
        ("lanhdao.btcd", "Lãnh đạo Ban Tiếp công dân tỉnh"),
        ("canbo.bnctu", "Cán bộ xử lý đơn, Ban Nội chính Tỉnh ủy"),
        ("lanhdao.bnctu", "Lãnh đạo Ban Nội chính Tỉnh ủy"),
        ("canbo.vptu", "Cán bộ Văn phòng Tỉnh ủy"),
        ("canbo.xa-tanlap", "Cán bộ UBND xã Tân Lập"),
        ("thuongtruc", "Thường trực Tỉnh ủy, lãnh đạo UBND tỉnh (xem toàn tỉnh)"),
        ("baomat", "Người giữ bí mật danh tính người tố cáo"),
        ("giamsat.mttq", "Giám sát của Mặt trận Tổ quốc (chỉ xem, gửi kiến nghị giám sát)"),
        ("giamsat.ubkt", "Giám sát của Ủy ban Kiểm tra Tỉnh ủy (chỉ xem, gửi kiến nghị giám sát)"),
        ("quantri", "Quản trị hệ thống"),
    ] {
        println!("  {username:<18} {what}");
    }
    println!("  (mỗi đơn vị nhận đơn có tài khoản canbo.<mã đơn vị> và lanhdao.<mã đơn vị>)");
}

/// A demo account: user name, full name, and its roles by unit code.
type Account = (String, String, Vec<(&'static str, Role)>);

/// A petition born of another one's processing (a forwarded copy, a split part), to be
/// processed in turn by its unit.
struct FollowUp {
    code: &'static str,
    id: Uuid,
    petition: NewPetition,
    /// A copy forwarded by another unit, which expects an acknowledgement and the result.
    forwarded: bool,
}

/// How a unit that receives forwarded items answers the forwarder (seed 000: one
/// acknowledges and reports on time, one late, one never).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Habit {
    Prompt,
    Late,
    Never,
}

/// The units the demo forwards to, and how each answers.
pub const FORWARD_TARGETS: &[(&str, Habit)] =
    &[("SNNMT", Habit::Prompt), ("XA-TANLAP", Habit::Late), ("P-TANDONG", Habit::Never)];

fn habit_of(code: &str) -> Option<Habit> {
    FORWARD_TARGETS.iter().find(|(c, _)| *c == code).map(|(_, h)| *h)
}

/// How a unit handles its own petitions: a prompt unit is prompt in everything; the
/// others' habits show only towards forwarders.
fn own_habit(code: &str) -> Option<Habit> {
    habit_of(code).filter(|h| *h == Habit::Prompt)
}

pub(crate) struct Demo {
    pub(crate) units: HashMap<&'static str, Unit>,
    pub(crate) users: HashMap<String, User>,
}

impl Demo {
    pub(crate) async fn create(store: &dyn Store) -> anyhow::Result<Demo> {
        let mut units = HashMap::new();
        for (code, name, kind, parent) in UNITS {
            let unit = store
                .create_unit(NewUnit {
                    code: UnitCode::parse(code)?,
                    name: (*name).to_owned(),
                    kind: *kind,
                    parent_code: parent.map(UnitCode::parse).transpose()?,
                })
                .await
                .map_err(|e| anyhow::anyhow!(crate::store_message(e)))?;
            units.insert(*code, unit);
        }
        // One hash for every demo account: they share the demo password.
        let hash = donthu_web::auth::hash_password(DEMO_PASSWORD);
        let mut rng = StdRng::seed_from_u64(7);
        let mut accounts: Vec<Account> = Vec::new();
        for (code, _) in RECEIVERS {
            let lower = code.to_lowercase();
            accounts.push((format!("canbo.{lower}"), person_name(&mut rng), vec![(*code, Role::Officer)]));
            accounts.push((format!("lanhdao.{lower}"), person_name(&mut rng), vec![(*code, Role::Head)]));
        }
        // Sở Nội vụ inspects administrative discipline (seed 002); it receives no petitions.
        accounts.push(("canbo.snv".into(), person_name(&mut rng), vec![("SNV", Role::Officer)]));
        accounts.push(("lanhdao.snv".into(), person_name(&mut rng), vec![("SNV", Role::Head)]));
        accounts.push((
            "thuongtruc".into(),
            "Hoàng Minh Quang".into(),
            vec![("TU", Role::Leader), ("UBND", Role::Leader)],
        ));
        accounts.push((
            "baomat".into(),
            "Dương Thị Bích".into(),
            vec![("TU", Role::Custodian), ("UBND", Role::Custodian)],
        ));
        // The overseeing bodies read the units they oversee and write their recommendations
        // as officials of their own body.
        accounts.push((
            "giamsat.mttq".into(),
            "Lý Văn Nam".into(),
            vec![("MTTQ", Role::Officer), ("UBND", Role::Oversight)],
        ));
        accounts.push((
            "giamsat.ubkt".into(),
            "Trịnh Thị Hằng".into(),
            vec![("UBKTTU", Role::Officer), ("TU", Role::Oversight)],
        ));
        accounts.push(("quantri".into(), "Quản trị hệ thống".into(), vec![("TU", Role::Admin), ("UBND", Role::Admin)]));
        let mut users = HashMap::new();
        for (username, full_name, roles) in accounts {
            let user = store
                .create_user(NewUser {
                    username: username.clone(),
                    full_name,
                    password_hash: hash.clone(),
                    email: None,
                    roles: roles.iter().map(|(c, r)| UnitRole { unit_id: units[c].id, role: *r }).collect(),
                })
                .await
                .map_err(|e| anyhow::anyhow!(crate::store_message(e)))?;
            users.insert(username, user);
        }
        Ok(Demo { units, users })
    }

    fn code_of(&self, unit_id: Uuid) -> &'static str {
        self.units.iter().find(|(_, u)| u.id == unit_id).map(|(code, _)| *code).expect("a demo unit")
    }

    pub(crate) fn officer(&self, code: &str) -> &User {
        &self.users[&format!("canbo.{}", code.to_lowercase())]
    }

    pub(crate) fn head(&self, code: &str) -> &User {
        &self.users[&format!("lanhdao.{}", code.to_lowercase())]
    }

    async fn fill(&self, store: &dyn Store, now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut rng = StdRng::seed_from_u64(2026);
        let today = vietnam_today(now);
        let start = today - Duration::days(330);
        let mut previous: Vec<(Uuid, NewPetition)> = Vec::new();
        let receivers: Vec<(&str, u32)> = RECEIVERS.to_vec();
        for i in 0..DEMO_PETITIONS {
            let code = receivers.choose_weighted(&mut rng, |(_, w)| *w)?.0;
            let unit = &self.units[code];
            let officer = self.officer(code);
            let received_on = start + Duration::days(rng.gen_range(0..=330));
            let at = office_time(received_on, 0);
            // Some petitions repeat an earlier one (the same citizen writes again).
            if i > 20 && rng.gen_bool(0.06) {
                let (earlier, petition) = previous.choose(&mut rng).expect("there are earlier petitions").clone();
                if petition.unit_id == unit.id && petition.received_on <= received_on {
                    let case_id = store.petition(earlier, &donthu_store::model::Scope::All).await?.map(|p| p.case_id);
                    let repeat = NewPetition { received_on, written_on: Some(received_on), ..petition };
                    let intake = Intake {
                        petition: repeat,
                        case_id,
                        recorded_by: Some(officer.id),
                        tracking_digest: None,
                        attachments: Vec::new(),
                        idempotency: None,
                    };
                    service::register(store, officer, intake, at).await.map_err(err)?;
                    continue;
                }
            }
            let petition = self.make_petition(&mut rng, unit, received_on);
            let id = service::register(
                store,
                officer,
                Intake {
                    petition: petition.clone(),
                    case_id: None,
                    recorded_by: Some(officer.id),
                    tracking_digest: None,
                    attachments: Vec::new(),
                    idempotency: None,
                },
                at,
            )
            .await
            .map_err(err)
            .with_context(|| format!("đơn mẫu số {i}"))?
            .petition_id;
            let mut queue = self
                .process(store, &mut rng, code, id, &petition, today, own_habit(code))
                .await
                .with_context(|| format!("xử lý đơn mẫu số {i}"))?;
            while let Some(next) = queue.pop() {
                let habit = if next.forwarded { habit_of(next.code) } else { own_habit(next.code) };
                let more = self
                    .process(store, &mut rng, next.code, next.id, &next.petition, today, habit)
                    .await
                    .with_context(|| format!("xử lý đơn phát sinh từ đơn mẫu số {i}"))?;
                queue.extend(more);
                if let Some(habit) = habit.filter(|_| next.forwarded) {
                    self.maybe_report(store, &mut rng, next.code, next.id, habit, now).await?;
                }
            }
            previous.push((id, petition));
        }
        Ok(())
    }

    /// A unit that received a forwarded item reports the result back as it habitually
    /// does: within days, weeks late, or never (seed 000).
    async fn maybe_report(
        &self,
        store: &dyn Store,
        rng: &mut StdRng,
        code: &str,
        id: Uuid,
        habit: Habit,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        use donthu_core::process::Status;
        let Some(p) = store.petition(id, &donthu_store::model::Scope::All).await? else { return Ok(()) };
        let resolved = p.status == Status::Concluded || p.status == Status::Enforcing || !p.status.is_open();
        if p.forwarded_from_petition.is_none() || !resolved || p.status == Status::Split {
            return Ok(());
        }
        // Reported within days of the resolution, or weeks after the term.
        let Some(owed) = store.deadlines(id).await?.into_iter().find(|d| d.rule_id == "forwarding.result") else {
            return Ok(());
        };
        let reported_on = match (habit, owed.due_on) {
            (Habit::Prompt, _) => owed.start_on + Duration::days(rng.gen_range(1..4)),
            (Habit::Late, Some(due)) => due + Duration::days(rng.gen_range(5..30)),
            _ => return Ok(()),
        };
        let at = office_time(reported_on, 0);
        if at > now {
            return Ok(()); // not yet: still owed
        }
        let summary = match p.status {
            Status::Concluded | Status::Enforcing | Status::Closed => "Đã giải quyết xong; gửi kèm văn bản giải quyết.",
            Status::Guided => "Đã hướng dẫn công dân gửi đơn đến cơ quan có thẩm quyền.",
            Status::Withdrawn => "Người gửi đơn đã rút đơn.",
            _ => "Đã xử lý đơn theo thẩm quyền.",
        };
        let officer = self.officer(code);
        service::execute(store, officer, id, &Command::ReportToForwarder { summary: summary.into() }, at)
            .await
            .map_err(err)?;
        Ok(())
    }

    fn make_petition(&self, rng: &mut StdRng, unit: &Unit, received_on: NaiveDate) -> NewPetition {
        let topic = TOPICS.choose(rng).expect("topics");
        let place = *PLACES.choose(rng).expect("places");
        let (target, content) = if topic.against_person {
            let (name, position) = *OFFICIALS.choose(rng).expect("officials");
            let target =
                Target { kind: TargetKind::Person, name: name.into(), address: None, position: Some(position.into()) };
            (target, fill(topic.text, rng, name, position, place, received_on))
        } else {
            let body = *BODIES.choose(rng).expect("bodies");
            let target = Target {
                kind: TargetKind::Body,
                name: body.into(),
                address: Some(format!("Trụ sở {body}")),
                position: None,
            };
            (target, fill(topic.text, rng, body, "", place, received_on))
        };
        let channel = *[
            (Channel::WalkIn, 30),
            (Channel::Post, 30),
            (Channel::Hotline, 8),
            (Channel::Online, 12),
            (Channel::Email, 5),
            (Channel::ForwardedIn, 10),
            (Channel::Press, 5),
        ]
        .choose_weighted(rng, |(_, w)| *w)
        .map(|(c, _)| c)
        .expect("weights");
        let petitioner = match rng.gen_range(0..100) {
            0..=79 => Petitioner::Individual(citizen(rng, place)),
            80..=87 => {
                let head_count = rng.gen_range(5..=24);
                let reps = rng.gen_range(1..=donthu_core::petition::max_representatives(head_count).min(3));
                let members =
                    (0..reps).map(|_| GroupMember { person: citizen(rng, place), representative: true }).collect();
                Petitioner::Group { head_count, members }
            }
            88..=94 => Petitioner::Organization {
                name: [
                    "Công ty TNHH Thương mại Tân Phát",
                    "Hợp tác xã Nông nghiệp Đồng Tâm",
                    "Công ty CP Xây dựng Phú Lộc",
                ]
                .choose(rng)
                .expect("organisations")
                .to_string(),
                address: Some(format!("Số {}, {place}", rng.gen_range(1..200))),
                representative: Some(citizen(rng, place)),
            },
            _ => Petitioner::Anonymous,
        };
        // Most letters are complete; some miss a signature or the date, as in real life.
        let complete = rng.gen_bool(0.85);
        as_received(
            rng,
            Letter { unit_id: unit.id, channel, received_on, kind: topic.kind, field: topic.field, complete },
            petitioner,
            target,
            content,
        )
    }

    /// Walks a new petition through a realistic part of its processing.
    #[allow(clippy::too_many_arguments)]
    async fn process(
        &self,
        store: &dyn Store,
        rng: &mut StdRng,
        code: &str,
        id: Uuid,
        p: &NewPetition,
        today: NaiveDate,
        habit: Option<Habit>,
    ) -> anyhow::Result<Vec<FollowUp>> {
        let officer = self.officer(code);
        let head = self.head(code);
        if habit == Some(Habit::Never) {
            return Ok(Vec::new()); // never acknowledges, never reports
        }
        // A unit that answers late starts on a forwarded item only after its term; one
        // that answers on time does the intake steps a day apart.
        let late_by: i64 = if habit == Some(Habit::Late) { rng.gen_range(12..17) } else { 0 };
        let prompt = habit == Some(Habit::Prompt);
        let gated = habit.is_none();
        let mut day = late_by;
        let eligible = assess_eligibility(p).eligible;
        let part_of_split =
            store.petition(id, &donthu_store::model::Scope::All).await?.is_some_and(|x| x.split_from.is_some());
        let age = (today - p.received_on).num_days();
        let run = |who: &User, cmd: Command, day: i64| {
            let at = office_time(p.received_on, day).min(Utc::now());
            let who = who.clone();
            async move { service::execute(store, &who, id, &cmd, at).await.map(|_| ()).map_err(err) }
        };
        let roll = rng.gen_range(0..100);
        // Old items have mostly moved on; a few are left behind, as in any office.
        let stuck = gated && rng.gen_bool(0.15);
        if age < 2 + late_by || (gated && roll < 12 && (age < 10 || stuck)) {
            return Ok(Vec::new()); // just received
        }
        if p.channel == Channel::WalkIn && roll < 15 && !p.petitioner.is_anonymous() && !part_of_split {
            let part = |kind, field, content: &str| SplitPart {
                kind,
                field,
                content: content.into(),
                target: p.target.clone(),
            };
            let parts = vec![
                part(
                    Kind::Complaint,
                    Field::AdminLand,
                    "Khiếu nại quyết định thu hồi đất của UBND xã Tân Lập vì mức bồi thường thấp.",
                ),
                part(
                    Kind::Denunciation,
                    Field::AdminCivilService,
                    "Tố cáo công chức địa chính xã nhận tiền của người dân để xác nhận hồ sơ.",
                ),
                part(
                    Kind::Recommendation,
                    Field::AdminOther,
                    "Kiến nghị sửa chữa tuyến đường liên ấp bị ngập sâu vào mùa mưa.",
                ),
            ];
            run(officer, Command::Split { parts: parts.clone() }, 1).await?;
            let details = store.events(id).await?.pop().and_then(|e| e.details).unwrap_or_default();
            let ids: Vec<Uuid> = serde_json::from_value(details["parts"].clone()).unwrap_or_default();
            let code = self.code_of(p.unit_id);
            return Ok(ids
                .into_iter()
                .zip(parts)
                .map(|(id, part)| FollowUp {
                    code,
                    id,
                    forwarded: false,
                    petition: NewPetition { kind: part.kind, field: part.field, content: part.content, ..p.clone() },
                })
                .collect());
        }
        day += pace(rng, prompt, 1, 3);
        run(
            officer,
            Command::Classify {
                kind: p.kind,
                field: p.field,
                complexity: if rng.gen_bool(0.2) { Complexity::Complex } else { Complexity::Normal },
                remote_area: false,
                complaint_round: None,
            },
            day,
        )
        .await?;
        if gated && roll < 22 && (age < 12 || stuck) {
            return Ok(Vec::new());
        }
        let reason = |s: &str| Some(s.to_owned());
        let proposal = if p.petitioner.is_anonymous() {
            Command::Propose {
                handling: Handling::Archive,
                to_unit: None,
                to_body: None,
                reason: reason("Đơn nặc danh, không đủ căn cứ để thanh tra, kiểm tra"),
                reply_within_days: None,
            }
        } else if !eligible {
            if rng.gen_bool(0.5) {
                Command::Propose {
                    handling: Handling::Return,
                    to_unit: None,
                    to_body: None,
                    reason: reason("Đơn chưa có chữ ký, chưa ghi ngày tháng; đề nghị công dân bổ sung"),
                    reply_within_days: None,
                }
            } else {
                Command::Propose {
                    handling: Handling::Guide,
                    to_unit: None,
                    to_body: Some("UBND cấp xã nơi có đất".into()),
                    reason: reason("Hướng dẫn công dân gửi đơn đúng cơ quan có thẩm quyền"),
                    reply_within_days: None,
                }
            }
        } else if roll < 45 && matches!(code, "BNCTU" | "VPTU" | "BTCD") {
            let to = FORWARD_TARGETS.choose(rng).map(|(code, _)| *code).expect("units");
            Command::Propose {
                handling: Handling::Forward,
                to_unit: Some(self.units[to].id),
                to_body: None,
                reason: reason("Không thuộc thẩm quyền; chuyển cơ quan có thẩm quyền giải quyết"),
                reply_within_days: None,
            }
        } else if (45..48).contains(&roll) {
            Command::Propose {
                handling: Handling::Guide,
                to_unit: None,
                to_body: Some("Tòa án nhân dân khu vực".into()),
                reason: reason("Nội dung thuộc thẩm quyền của Tòa án"),
                reply_within_days: None,
            }
        } else {
            Command::Propose {
                handling: Handling::Accept,
                to_unit: None,
                to_body: None,
                reason: reason("Đủ điều kiện thụ lý, thuộc thẩm quyền"),
                reply_within_days: None,
            }
        };
        day += pace(rng, prompt, 1, 4);
        let forwarded = matches!(proposal, Command::Propose { handling: Handling::Forward, .. });
        let accepted = matches!(proposal, Command::Propose { handling: Handling::Accept, .. });
        run(officer, proposal, day).await?;
        if gated && (age < 6 || (roll < 28 && (age < 15 || stuck))) {
            return Ok(Vec::new()); // waiting for the head's approval
        }
        day += pace(rng, prompt, 1, 3);
        run(head, Command::Approve { note: None }, day).await?;
        if forwarded || !accepted {
            let mut follow_ups = Vec::new();
            if let Some(f) = store.forwardings(id).await?.pop()
                && let (Some(copy), Some(to)) = (f.copy_petition_id, f.to_unit_id)
            {
                let received_on = f.forwarded_on;
                let petition = NewPetition { unit_id: to, channel: Channel::ForwardedIn, received_on, ..p.clone() };
                follow_ups.push(FollowUp { code: self.code_of(to), id: copy, petition, forwarded: true });
            }
            if forwarded && rng.gen_bool(0.4) && age > 40 {
                run(
                    head,
                    Command::Close {
                        note: Some("Đơn vị nhận đơn đã báo cáo kết quả giải quyết".into())
                    },
                    day + 30,
                )
                .await?;
            }
            return Ok(follow_ups);
        }
        if age < 15 || (gated && roll < 55 && (age < 40 || stuck)) {
            return Ok(Vec::new());
        }
        if (55..58).contains(&roll) {
            return run(
                officer,
                Command::Withdraw {
                    complainant: None,
                    reason: "Người gửi đơn có đơn xin rút toàn bộ nội dung".into(),
                    continue_processing: false,
                },
                day + 5,
            )
            .await
            .map(|_| Vec::new());
        }
        day += pace(rng, prompt, 2, 6);
        run(officer, Command::StartVerification { note: Some("Thành lập Tổ xác minh gồm 3 thành viên".into()) }, day)
            .await?;
        if p.kind == Kind::Denunciation && (58..62).contains(&roll) {
            return run(
                head,
                Command::SuspendTemporarily {
                    reason: "Chờ kết quả giám định chữ ký của cơ quan chuyên môn".into()
                },
                day + 7,
            )
            .await
            .map(|_| Vec::new());
        }
        if (gated && age < 35) || (gated && roll < 70 && (age < 60 || stuck)) {
            return Ok(Vec::new());
        }
        day += if prompt { 5 } else { rng.gen_range(10..25) };
        if p.kind == Kind::Complaint {
            run(
                officer,
                Command::RecordDialogue {
                    held_on: p.received_on + Duration::days(day),
                    summary: "Tổ chức đối thoại với người khiếu nại tại trụ sở; các bên thống nhất một phần nội dung"
                        .into(),
                },
                day,
            )
            .await?;
        }
        let outcome = *Outcome::allowed_for(p.kind).choose(rng).expect("outcomes");
        day += pace(rng, prompt, 2, 6);
        run(
            head,
            Command::Conclude {
                outcome,
                summary: format!("Ban hành văn bản giải quyết số {}/QĐ-{}", rng.gen_range(10..400), code),
                figures: demo_figures(rng, outcome),
            },
            day,
        )
        .await?;
        // Recent decisions are still being carried out. Older files are closed once carried
        // out, as offices do, except a few decisions left unenforced for years (what the
        // accountability pages look for): a register of ten years is not a decade of open
        // decisions that every report carries over.
        let filed = age >= 180 && !(80..83).contains(&roll);
        if !filed && (roll < 80 || age < 60) {
            return Ok(Vec::new());
        }
        run(
            officer,
            Command::StartEnforcement {
                note: Some("Theo dõi việc thực hiện quyết định, kết luận".into())
            },
            day + 3,
        )
        .await?;
        if !filed && roll < 88 {
            return Ok(Vec::new());
        }
        run(head, Command::Close { note: Some("Đã thực hiện xong, lưu hồ sơ".into()) }, day + 20)
            .await
            .map(|_| Vec::new())
    }
}

/// Days between two steps: one for a unit that acts promptly, otherwise some in `lo..hi`.
fn pace(rng: &mut StdRng, prompt: bool, lo: i64, hi: i64) -> i64 {
    if prompt { 1 } else { rng.gen_range(lo..hi) }
}

/// What a demo decision orders: a wrong complaint or a false denunciation orders nothing;
/// a correct one sometimes gives money or land back and refers officials for discipline.
fn demo_figures(rng: &mut StdRng, outcome: Outcome) -> ResultFigures {
    if !matches!(outcome, Outcome::Correct | Outcome::PartlyCorrect) {
        return ResultFigures::default();
    }
    let mut figures = ResultFigures::default();
    if rng.gen_bool(0.5) {
        figures.money_returned_vnd = rng.gen_range(5..400) * 1_000_000;
        figures.individuals_restored = rng.gen_range(1..4);
    }
    if rng.gen_bool(0.3) {
        figures.land_to_state_m2 = rng.gen_range(20..900);
    }
    if rng.gen_bool(0.4) {
        figures.persons_disciplined = rng.gen_range(1..3);
        figures.officials_disciplined = figures.persons_disciplined;
    }
    figures
}

fn err(e: donthu_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!(crate::store_message(e))
}

/// A moment in office hours, `days` after a date (Vietnam time).
pub(crate) fn office_time(date: NaiveDate, days: i64) -> DateTime<Utc> {
    let d = date + Duration::days(days);
    Utc.from_utc_datetime(&d.and_hms_opt(2, 30, 0).expect("valid time")) // 09:30 in Hà Nội
}

pub(crate) fn person_name(rng: &mut StdRng) -> String {
    let family = FAMILY.choose(rng).expect("names");
    if rng.gen_bool(0.5) {
        format!("{family} {} {}", MIDDLE_M.choose(rng).expect("names"), GIVEN_M.choose(rng).expect("names"))
    } else {
        format!("{family} {} {}", MIDDLE_F.choose(rng).expect("names"), GIVEN_F.choose(rng).expect("names"))
    }
}

pub(crate) fn citizen(rng: &mut StdRng, place: &str) -> Person {
    // 070 is the CCCD province code of Bình Phước, now part of the demo province.
    let cccd = format!("070{}{:02}{:06}", rng.gen_range(0..4), rng.gen_range(40..99), rng.gen_range(0..1_000_000));
    Person {
        full_name: person_name(rng),
        address: Some(format!("Số {}, {place}", rng.gen_range(1..300))),
        phone: Some(format!("09{}{:07}", rng.gen_range(0..10), rng.gen_range(0..10_000_000))),
        email: None,
        cccd: Cccd::parse(&cccd).ok(),
    }
}

pub(crate) fn fill(
    template: &str,
    rng: &mut StdRng,
    target: &str,
    position: &str,
    place: &str,
    received_on: NaiveDate,
) -> String {
    let earlier = received_on - Duration::days(rng.gen_range(20..200));
    template
        .replace("{target}", target)
        .replace("{position}", position)
        .replace("{place}", place)
        .replace("{n}", &rng.gen_range(12..980).to_string())
        .replace("{m}", &rng.gen_range(3..60).to_string())
        .replace("{area}", &rng.gen_range(120..2400).to_string())
        .replace("{month}", &format!("{}/{}", chrono::Datelike::month(&earlier), chrono::Datelike::year(&earlier)))
        .replace("{d}", &earlier.format("%d/%m/%Y").to_string())
}

/// What a letter is, before the details its channel brings.
pub(crate) struct Letter {
    pub(crate) unit_id: Uuid,
    pub(crate) channel: Channel,
    pub(crate) received_on: NaiveDate,
    pub(crate) kind: Kind,
    pub(crate) field: Field,
    /// Dated and signed (a walk-in statement always is).
    pub(crate) complete: bool,
}

/// The petition as intake records it: who forwarded it (another body, the press), the
/// date written and the signature, and the reception details of a walk-in visit.
pub(crate) fn as_received(
    rng: &mut StdRng,
    letter: Letter,
    petitioner: Petitioner,
    target: Target,
    content: String,
) -> NewPetition {
    let Letter { unit_id, channel, received_on, kind, field, complete } = letter;
    let forwarded_from = match channel {
        Channel::ForwardedIn => Some(ForwardedFrom {
            body: ["Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Ban Dân vận Tỉnh ủy", "Thanh tra Chính phủ"]
                .choose(rng)
                .expect("bodies")
                .to_string(),
            document_number: Some(format!("{}/CV-CĐ", rng.gen_range(100..999))),
            document_date: Some(received_on - Duration::days(rng.gen_range(2..10))),
        }),
        Channel::Press => Some(ForwardedFrom {
            body: ["Báo Nhân Dân", "Báo Tuổi Trẻ", "Báo Pháp luật Việt Nam"].choose(rng).expect("papers").to_string(),
            document_number: None,
            document_date: Some(received_on - Duration::days(rng.gen_range(1..5))),
        }),
        _ => None,
    };
    let signed = complete || channel == Channel::WalkIn;
    NewPetition {
        unit_id,
        channel,
        received_on,
        written_on: signed.then(|| received_on - Duration::days(rng.gen_range(0..4))),
        kind,
        field,
        petitioner,
        signed,
        target: Some(target),
        content,
        forwarded_from,
        reception: (channel == Channel::WalkIn).then(|| Reception {
            form: if rng.gen_bool(0.15) { ReceptionForm::Periodic } else { ReceptionForm::Regular },
            head_in_person: rng.gen_bool(0.7),
            previously_resolved_by: None,
        }),
    }
}
