//! `donthu demo --petitions N`: a synthetic register at national scale for benchmarks and
//! load tests — the demo province grown to a two-tier province (the provincial bodies and
//! a hundred communes and wards), and N petitions over ten years, loaded through the bulk
//! path ([`service::bulk_load`]): every petition validated as intake validates it, every
//! processing step decided by the state machine.
//!
//! Proportions follow the 2024 national figures (legal.md §6, [S] daidoanket.vn): about
//! three letters in four eligible; among eligible ones about 15 % complaints and 8 %
//! denunciations, the rest recommendations and feedback; complaints found correct 18 %,
//! denunciations correct 37 %. The channels, the repeat writers (8 %), the copies of
//! one letter sent to several bodies (4 %) and the groups (3 %) are estimates [U].

use crate::demo::{self, Demo};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use donthu_core::petition::*;
use donthu_core::process::{Command, Handling, Outcome, ResultFigures};
use donthu_core::unit::{Role, UnitCode, UnitKind};
use donthu_store::Store;
use donthu_store::model::{BulkPetition, BulkStep, Intake, NewUnit, NewUser, StepTarget, Unit, UnitRole, User};
use donthu_store::service::{self, vietnam_today};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::time::Instant;
use uuid::Uuid;

/// Petitions written per transaction.
const BATCH: usize = 500;
/// How many years the register spans.
const YEARS: i64 = 10;
/// Communes and wards of the two-tier province besides the demo's three.
const COMMUNES: usize = 100;

const SYLLABLES: &[&str] = &[
    "Tân", "Phú", "An", "Bình", "Hòa", "Thạnh", "Long", "Mỹ", "Phước", "Thuận", "Đông", "Tây", "Hưng", "Lộc", "Thành",
    "Minh", "Quang", "Trung", "Nghĩa", "Xuân", "Hiệp", "Lợi", "Khánh", "Vĩnh", "Đức", "Sơn", "Hải", "Lạc", "Định",
    "Thới",
];

/// Sentences that make a letter as long as real ones are: what happened before, what was
/// done, what is asked.
const CONTEXT: &[&str] = &[
    "Trước đó, gia đình tôi đã nhiều lần làm đơn gửi các cơ quan chức năng nhưng đến nay vẫn chưa nhận được văn bản trả lời.",
    "Ngày làm việc gần nhất, cán bộ tiếp nhận hẹn sẽ kiểm tra thực địa và trả lời trong vòng mười lăm ngày nhưng không thực hiện.",
    "Tôi gửi kèm theo đơn này bản sao giấy chứng nhận quyền sử dụng đất, biên bản làm việc và các hóa đơn, chứng từ liên quan.",
    "Việc chậm giải quyết đã ảnh hưởng nghiêm trọng đến đời sống, sinh hoạt và sản xuất của gia đình tôi cùng nhiều hộ dân lân cận.",
    "Các hộ dân trong khu vực đã họp và thống nhất cử đại diện làm đơn này, có chữ ký của các hộ kèm theo.",
    "Tôi cam đoan những nội dung trình bày trên là đúng sự thật và chịu trách nhiệm trước pháp luật về nội dung đơn.",
    "Trong quá trình thực hiện dự án, chủ đầu tư không tổ chức họp dân, không công khai phương án bồi thường, hỗ trợ và tái định cư.",
    "Biên bản kiểm đếm tài sản trên đất ghi thiếu diện tích nhà tạm, chuồng trại và cây lâu năm của gia đình tôi.",
    "Đề nghị cơ quan có thẩm quyền tổ chức đối thoại, xem xét toàn diện hồ sơ và trả lời bằng văn bản theo quy định của pháp luật.",
    "Tôi đã đến trụ sở tiếp công dân ba lần, mỗi lần đều được hướng dẫn bổ sung giấy tờ khác nhau, gây mất nhiều thời gian và chi phí.",
    "Hiện nay công trình vẫn tiếp tục thi công, nếu không được ngăn chặn kịp thời sẽ gây thiệt hại khó khắc phục.",
    "Theo tôi được biết, một số hộ có hoàn cảnh tương tự đã được hỗ trợ với mức cao hơn, gây bức xúc trong nhân dân.",
    "Kính đề nghị lãnh đạo quan tâm chỉ đạo các cơ quan chuyên môn kiểm tra, xác minh và xử lý dứt điểm vụ việc.",
    "Gia đình tôi thuộc diện hộ nghèo, có người khuyết tật và người cao tuổi, thu nhập chính chỉ dựa vào mảnh đất nói trên.",
    "Sau khi nhận được đơn, đề nghị cơ quan thông báo cho tôi biết việc thụ lý hoặc không thụ lý và lý do theo quy định.",
    "Ý kiến của cử tri về nội dung này đã được tổng hợp trong báo cáo kết quả tiếp xúc cử tri trước kỳ họp nhưng chưa được giải quyết.",
    "Nhiều lần tổ dân phố phản ánh tại các cuộc họp, chính quyền địa phương ghi nhận nhưng không có biện pháp khắc phục.",
    "Tôi đề nghị được bảo vệ bí mật họ tên, địa chỉ, bút tích và các thông tin cá nhân khác theo quy định của Luật Tố cáo.",
    "Số liệu chi trả trên danh sách không khớp với số tiền người dân thực nhận, có dấu hiệu ký khống và lập chứng từ không đúng thực tế.",
    "Đề nghị thu hồi số tiền đã chi sai, xử lý trách nhiệm của tập thể, cá nhân có liên quan và công khai kết quả cho nhân dân được biết.",
];

/// The national estimate of kinds among letters received (see the module comment).
const KINDS: &[(Kind, u32)] =
    &[(Kind::Complaint, 17), (Kind::Denunciation, 10), (Kind::Recommendation, 38), (Kind::Feedback, 35)];

const CHANNELS: &[(Channel, u32)] = &[
    (Channel::WalkIn, 24),
    (Channel::Post, 40),
    (Channel::ForwardedIn, 14),
    (Channel::Hotline, 5),
    (Channel::Online, 10),
    (Channel::Email, 4),
    (Channel::Press, 3),
];

/// How a commune answers the provincial bodies that forward items to it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Habit {
    Prompt,
    Late,
    Never,
}

struct Receiver {
    unit: Unit,
    officer: User,
    head: User,
    habit: Habit,
    /// Provincial bodies forward what is not theirs to communes.
    provincial: bool,
}

/// An earlier letter a citizen may write again, or send copies of.
#[derive(Clone)]
struct Earlier {
    case_id: Uuid,
    receiver: usize,
    petition: NewPetition,
}

/// Fills an empty database with the demo province grown to a two-tier province and
/// `petitions` petitions over ten years.
pub async fn run(store: &dyn Store, petitions: usize) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        anyhow::bail!("Cơ sở dữ liệu đã có dữ liệu: chỉ nạp dữ liệu tổng hợp vào cơ sở dữ liệu trống.");
    }
    let started = Instant::now();
    let now = Utc::now();
    let world = Demo::create(store).await?;
    let receivers = grow(store, &world).await?;
    println!("Đã tạo {} đơn vị nhận đơn; đang nạp {petitions} đơn thư trong {YEARS} năm…", receivers.len());
    let mut rng = StdRng::seed_from_u64(1_000_003);
    let mut earlier: Vec<Earlier> = Vec::new();
    let mut written = 0usize;
    let mut batch_started = Instant::now();
    while written < petitions {
        let n = BATCH.min(petitions - written);
        let mut batch = Vec::with_capacity(n);
        let mut origin = Vec::with_capacity(n);
        while batch.len() < n {
            let planned = plan(&mut rng, &receivers, &earlier, written + batch.len(), petitions, now);
            for (receiver, item) in planned.into_iter().take(n - batch.len()) {
                origin.push(receiver);
                batch.push(item);
            }
        }
        let petitions_of_batch: Vec<NewPetition> = batch.iter().map(|b| b.intake.petition.clone()).collect();
        let loaded = service::bulk_load(store, batch).await.map_err(|e| anyhow::anyhow!(crate::store_message(e)))?;
        for ((done, receiver), petition) in loaded.into_iter().zip(origin).zip(petitions_of_batch) {
            if let Some(case_id) = done.case_id
                && (earlier.len() < 200_000 || rng.gen_bool(0.05))
            {
                if earlier.len() >= 200_000 {
                    let i = rng.gen_range(0..earlier.len());
                    earlier[i] = Earlier { case_id, receiver, petition };
                } else {
                    earlier.push(Earlier { case_id, receiver, petition });
                }
            }
        }
        written += n;
        if written % 20_000 < BATCH || written == petitions {
            let rate = n as f64 / batch_started.elapsed().as_secs_f64();
            println!("  {written}/{petitions} đơn ({rate:.0} đơn/giây), {:.0} giây", started.elapsed().as_secs_f64());
        }
        batch_started = Instant::now();
    }
    println!("Đã nạp {written} đơn thư trong {:.0} giây.", started.elapsed().as_secs_f64());
    Ok(())
}

/// The demo's units and officials plus the communes of a two-tier province, each with an
/// officer and a head; the receivers with their habits towards forwarders.
async fn grow(store: &dyn Store, world: &Demo) -> anyhow::Result<Vec<Receiver>> {
    let hash = donthu_web::auth::hash_password(demo::DEMO_PASSWORD);
    let parent = world.units["UBND"].clone();
    let mut rng = StdRng::seed_from_u64(11);
    let mut names = Vec::new();
    'names: for a in SYLLABLES {
        for b in SYLLABLES {
            if a != b {
                names.push(format!("{a} {b}"));
            }
            if names.len() >= COMMUNES * 4 {
                break 'names;
            }
        }
    }
    names.shuffle(&mut rng);
    let mut codes = std::collections::HashSet::new();
    let mut communes = Vec::new();
    for name in names {
        if communes.len() == COMMUNES {
            break;
        }
        let ward = rng.gen_bool(0.25);
        let prefix = if ward { "P" } else { "XA" };
        let code = format!("{prefix}-{}", donthu_text::fold(&name).replace(' ', "").to_uppercase());
        if code.len() > 20 || !codes.insert(code.clone()) || world.units.contains_key(code.as_str()) {
            continue;
        }
        let unit = store
            .create_unit(NewUnit {
                code: UnitCode::parse(&code)?,
                name: format!("UBND {} {name}", if ward { "phường" } else { "xã" }),
                kind: UnitKind::Commune,
                parent_code: Some(parent.code.clone()),
            })
            .await
            .map_err(|e| anyhow::anyhow!(crate::store_message(e)))?;
        let mut account = |role: Role, prefix: &str| NewUser {
            username: format!("{prefix}.{}", code.to_lowercase()),
            full_name: demo::person_name(&mut rng),
            password_hash: hash.clone(),
            email: None,
            roles: vec![UnitRole { unit_id: unit.id, role }],
        };
        let officer = account(Role::Officer, "canbo");
        let head = account(Role::Head, "lanhdao");
        let officer = store.create_user(officer).await.map_err(|e| anyhow::anyhow!(crate::store_message(e)))?;
        let head = store.create_user(head).await.map_err(|e| anyhow::anyhow!(crate::store_message(e)))?;
        let habit = match rng.gen_range(0..10) {
            0..=5 => Habit::Prompt,
            6..=8 => Habit::Late,
            _ => Habit::Never,
        };
        communes.push(Receiver { unit, officer, head, habit, provincial: false });
    }
    let mut receivers = Vec::new();
    for (code, _) in demo::RECEIVERS {
        let habit = match demo::FORWARD_TARGETS.iter().find(|(c, _)| c == code).map(|(_, h)| *h) {
            Some(demo::Habit::Late) => Habit::Late,
            Some(demo::Habit::Never) => Habit::Never,
            _ => Habit::Prompt,
        };
        receivers.push(Receiver {
            unit: world.units[code].clone(),
            officer: world.officer(code).clone(),
            head: world.head(code).clone(),
            habit,
            provincial: !code.starts_with("XA-") && !code.starts_with("P-"),
        });
    }
    receivers.extend(communes);
    Ok(receivers)
}

/// One letter as it arrives — at one unit, or in copies at several — with what each unit
/// did with it.
fn plan(
    rng: &mut StdRng,
    receivers: &[Receiver],
    earlier: &[Earlier],
    index: usize,
    total: usize,
    now: DateTime<Utc>,
) -> Vec<(usize, BulkPetition)> {
    let today = vietnam_today(now);
    // Received in order over ten years, a little more each year, as the registers grow.
    let span = (YEARS * 365) as f64;
    let position = ((index as f64 + rng.gen_range(0.0..1.0)) / total as f64).sqrt();
    let received_on = (today - Duration::days(span as i64) + Duration::days((position * span) as i64)).min(today);
    let pick = |rng: &mut StdRng| -> usize {
        // Provincial bodies receive about half of all letters; communes share the rest.
        if rng.gen_bool(0.5) {
            rng.gen_range(0..demo::RECEIVERS.len().min(receivers.len()))
        } else {
            rng.gen_range(0..receivers.len())
        }
    };
    // The same citizen writes again about the same matter, to the same unit.
    if !earlier.is_empty() && rng.gen_bool(0.08) {
        let e = &earlier[rng.gen_range(0..earlier.len())];
        if e.petition.received_on < received_on && e.petition.channel != Channel::ForwardedIn {
            let petition = NewPetition {
                received_on,
                written_on: Some(received_on),
                content: if e.petition.content.chars().count() < 1900 {
                    format!("{} Tôi tiếp tục gửi đơn vì nội dung trên chưa được giải quyết.", e.petition.content)
                } else {
                    e.petition.content.clone()
                },
                ..e.petition.clone()
            };
            let item = bulk(rng, &receivers[e.receiver], petition, Some(e.case_id), received_on, today, receivers);
            return vec![(e.receiver, item)];
        }
    }
    let first = pick(rng);
    let petition = letter(rng, &receivers[first].unit, received_on);
    // One letter photocopied to several bodies the same week.
    let copies = if rng.gen_bool(0.04) { rng.gen_range(2..=4) } else { 1 };
    let mut out = Vec::with_capacity(copies);
    let mut used = vec![first];
    for i in 0..copies {
        let at = if i == 0 {
            first
        } else {
            let mut r = pick(rng);
            while used.contains(&r) {
                r = (r + 1) % receivers.len();
            }
            used.push(r);
            r
        };
        let p = NewPetition {
            unit_id: receivers[at].unit.id,
            received_on: (received_on + Duration::days(i as i64)).min(today),
            ..petition.clone()
        };
        let on = p.received_on;
        out.push((at, bulk(rng, &receivers[at], p, None, on, today, receivers)));
    }
    out
}

/// A letter received on `received_on` with 300–2,000 characters of content.
fn letter(rng: &mut StdRng, unit: &Unit, received_on: NaiveDate) -> NewPetition {
    let kind = KINDS.choose_weighted(rng, |(_, w)| *w).expect("kinds").0;
    let topics: Vec<_> = demo::TOPICS.iter().filter(|t| t.kind == kind).collect();
    let topic = topics.choose(rng).expect("a topic of every kind");
    let place = *demo::PLACES.choose(rng).expect("places");
    let (target, position) = if topic.against_person {
        let (name, position) = *demo::OFFICIALS.choose(rng).expect("officials");
        (
            Target { kind: TargetKind::Person, name: name.into(), address: None, position: Some(position.into()) },
            position,
        )
    } else {
        let body = *demo::BODIES.choose(rng).expect("bodies");
        (Target { kind: TargetKind::Body, name: body.into(), address: None, position: None }, "")
    };
    let mut content = demo::fill(topic.text, rng, &target.name, position, place, received_on);
    let length = rng.gen_range(300..2000);
    while content.chars().count() < length {
        content.push(' ');
        content.push_str(CONTEXT.choose(rng).expect("context"));
    }
    if content.chars().count() > 2000 {
        let cut: String = content.chars().take(1990).collect();
        content = format!("{}.", cut.trim_end_matches(|c: char| !c.is_whitespace()).trim_end());
    }
    let channel = CHANNELS.choose_weighted(rng, |(_, w)| *w).expect("channels").0;
    let anonymous = kind == Kind::Denunciation && channel != Channel::WalkIn && rng.gen_bool(0.12)
        || channel == Channel::Hotline && rng.gen_bool(0.3);
    let petitioner = if anonymous {
        Petitioner::Anonymous
    } else if rng.gen_bool(0.03) {
        let head_count = rng.gen_range(5..40);
        let members = (0..rng.gen_range(1..=donthu_core::petition::max_representatives(head_count)))
            .map(|_| GroupMember { person: demo::citizen(rng, place), representative: true })
            .collect();
        Petitioner::Group { head_count, members }
    } else {
        Petitioner::Individual(demo::citizen(rng, place))
    };
    // Most letters carry a date and a signature; some do not (and are not eligible).
    let complete = rng.gen_bool(0.88);
    let letter = demo::Letter { unit_id: unit.id, channel, received_on, kind, field: topic.field, complete };
    demo::as_received(rng, letter, petitioner, target, content)
}

/// The petition with what its unit did, as far as its age allows: old items have mostly
/// been resolved, the newest are in every state.
fn bulk(
    rng: &mut StdRng,
    r: &Receiver,
    petition: NewPetition,
    case_id: Option<Uuid>,
    received_on: NaiveDate,
    today: NaiveDate,
    receivers: &[Receiver],
) -> BulkPetition {
    let received_at = demo::office_time(received_on, 0);
    let age = (today - received_on).num_days();
    let mut steps = Steps { list: Vec::new(), start: received_on, today };
    let eligible = assess_eligibility(&petition).eligible;
    process(rng, &mut steps, r, &petition, (eligible, case_id.is_some()), age, receivers);
    BulkPetition {
        intake: Intake {
            petition,
            case_id,
            recorded_by: Some(r.officer.id),
            tracking_digest: None,
            attachments: Vec::new(),
            idempotency: None,
        },
        receiver: r.officer.clone(),
        received_at,
        steps: steps.list,
    }
}

/// The steps taken on a petition, each some days after the one before, none after today.
struct Steps {
    list: Vec<BulkStep>,
    start: NaiveDate,
    today: NaiveDate,
}

impl Steps {
    /// Adds a step `days` after the previous one; false (and nothing added) when that
    /// day has not come yet.
    fn push(&mut self, on: StepTarget, actor: &User, days: i64, command: Command) -> bool {
        let day = self.start + Duration::days(days.max(0));
        if day > self.today {
            return false;
        }
        self.start = day;
        self.list.push(BulkStep { on, actor: actor.clone(), command, at: demo::office_time(day, 0) });
        true
    }
}

/// How far a petition of `age` days got: the older, the likelier it is finished.
fn progressed(rng: &mut StdRng, age: i64, needs_days: i64) -> bool {
    if age < needs_days {
        return false;
    }
    // Left behind: a few items stay open for years, as in any office.
    !rng.gen_bool(if age > 365 { 0.01 } else { 0.12 })
}

fn process(
    rng: &mut StdRng,
    s: &mut Steps,
    r: &Receiver,
    p: &NewPetition,
    (eligible, repeat): (bool, bool),
    age: i64,
    receivers: &[Receiver],
) {
    use StepTarget::Petition as This;
    if !progressed(rng, age, 3) {
        return;
    }
    let classify = Command::Classify {
        kind: p.kind,
        field: p.field,
        complexity: if rng.gen_bool(0.15) { Complexity::Complex } else { Complexity::Normal },
        remote_area: false,
        complaint_round: None,
    };
    if !s.push(This, &r.officer, rng.gen_range(1..4), classify) || !progressed(rng, age, 6) {
        return;
    }
    let reason = |t: &str| Some(t.to_owned());
    let roll = rng.gen_range(0..100);
    let forward_to = (r.provincial && eligible && !repeat && roll < 35).then(|| {
        let communes: Vec<usize> = (0..receivers.len()).filter(|i| !receivers[*i].provincial).collect();
        communes[rng.gen_range(0..communes.len())]
    });
    let (handling, to_unit, to_body, why) = if repeat {
        // The same matter again: filed with the case it repeats (and never forwarded
        // twice, TT 05/2021 Art.14(1)).
        (Handling::Archive, None, None, "Đơn trùng nội dung đã được xem xét, xử lý; lưu đơn")
    } else if p.petitioner.is_anonymous() {
        (Handling::Archive, None, None, "Đơn nặc danh, không đủ căn cứ để thanh tra, kiểm tra")
    } else if !eligible {
        if roll < 50 {
            (Handling::Return, None, None, "Đơn chưa có chữ ký, chưa ghi ngày tháng; đề nghị công dân bổ sung")
        } else {
            (
                Handling::Guide,
                None,
                Some("UBND cấp xã nơi có đất".to_owned()),
                "Hướng dẫn công dân gửi đơn đúng cơ quan có thẩm quyền",
            )
        }
    } else if let Some(to) = forward_to {
        (
            Handling::Forward,
            Some(receivers[to].unit.id),
            None,
            "Không thuộc thẩm quyền; chuyển cơ quan có thẩm quyền giải quyết",
        )
    } else if (35..42).contains(&roll) {
        (Handling::Guide, None, Some("Tòa án nhân dân khu vực".to_owned()), "Nội dung thuộc thẩm quyền của Tòa án")
    } else {
        (Handling::Accept, None, None, "Đủ điều kiện thụ lý, thuộc thẩm quyền")
    };
    let propose = Command::Propose { handling, to_unit, to_body, reason: reason(why), reply_within_days: None };
    if !s.push(This, &r.officer, rng.gen_range(1..4), propose) || !progressed(rng, age, 9) {
        return;
    }
    if !s.push(This, &r.head, rng.gen_range(1..3), Command::Approve { note: None }) {
        return;
    }
    if let Some(to) = forward_to {
        let to = &receivers[to];
        if to.habit != Habit::Never {
            let late = if to.habit == Habit::Late { rng.gen_range(12..25) } else { 0 };
            let forwarded_age = (s.today - s.start).num_days();
            let mut copy = Steps { list: Vec::new(), start: s.start + Duration::days(late), today: s.today };
            resolve(rng, &mut copy, StepTarget::LastCopy, to, (p.kind, p.field), forwarded_age - late, true);
            s.list.extend(copy.list);
            s.start = s.start.max(copy.start);
        }
        if progressed(rng, age, 60) && rng.gen_bool(0.6) {
            s.push(This, &r.head, 30, Command::Close { note: reason("Đơn vị nhận đơn đã báo cáo kết quả giải quyết") });
        }
        return;
    }
    if handling == Handling::Accept {
        resolve(rng, s, This, r, (p.kind, p.field), age, false);
    }
}

/// Accepting, verifying and concluding an accepted item (and, for a forwarded copy,
/// reporting the result to the forwarder).
fn resolve(
    rng: &mut StdRng,
    s: &mut Steps,
    on: StepTarget,
    r: &Receiver,
    (kind, field): (Kind, Field),
    age: i64,
    copy: bool,
) {
    if copy {
        let classify = Command::Classify {
            kind,
            field,
            complexity: Complexity::Normal,
            remote_area: false,
            complaint_round: None,
        };
        let accept = Command::Propose {
            handling: Handling::Accept,
            to_unit: None,
            to_body: None,
            reason: Some("Thuộc thẩm quyền, đủ điều kiện thụ lý".into()),
            reply_within_days: None,
        };
        if !progressed(rng, age, 5)
            || !s.push(on, &r.officer, rng.gen_range(1..3), classify)
            || !s.push(on, &r.officer, rng.gen_range(1..3), accept)
            || !s.push(on, &r.head, 1, Command::Approve { note: None })
        {
            return;
        }
    }
    let roll = rng.gen_range(0..100);
    if !progressed(rng, age, 20) {
        return;
    }
    if roll < 3 {
        s.push(
            on,
            &r.officer,
            5,
            Command::Withdraw {
                complainant: None,
                reason: "Người gửi đơn có đơn xin rút toàn bộ nội dung".into(),
                continue_processing: false,
            },
        );
        return;
    }
    let verify = Command::StartVerification { note: Some("Thành lập Tổ xác minh gồm 3 thành viên".into()) };
    if !s.push(on, &r.officer, rng.gen_range(2..6), verify) {
        return;
    }
    if kind == Kind::Denunciation && roll < 6 {
        let reason = "Chờ kết quả giám định chữ ký của cơ quan chuyên môn".into();
        s.push(on, &r.head, 7, Command::SuspendTemporarily { reason });
        return;
    }
    if !progressed(rng, age, 45) {
        return;
    }
    if kind == Kind::Complaint {
        let held_on = s.start + Duration::days(10);
        let dialogue = Command::RecordDialogue {
            held_on,
            summary: "Tổ chức đối thoại với người khiếu nại tại trụ sở; các bên thống nhất một phần nội dung".into(),
        };
        if !s.push(on, &r.officer, 10, dialogue) {
            return;
        }
    }
    let outcome = match kind {
        // Complaints found correct 18 %, denunciations correct 37 % (2024, [S]).
        Kind::Complaint => *[(Outcome::Correct, 10), (Outcome::PartlyCorrect, 8), (Outcome::Wrong, 82)]
            .choose_weighted(rng, |(_, w)| *w)
            .map(|(o, _)| o)
            .expect("outcomes"),
        Kind::Denunciation => *[(Outcome::Correct, 20), (Outcome::PartlyCorrect, 17), (Outcome::False, 63)]
            .choose_weighted(rng, |(_, w)| *w)
            .map(|(o, _)| o)
            .expect("outcomes"),
        _ => Outcome::Answered,
    };
    let conclude = Command::Conclude {
        outcome,
        summary: format!("Ban hành văn bản giải quyết số {}/QĐ-{}", rng.gen_range(10..400), r.unit.code.as_str()),
        figures: figures(rng, outcome),
    };
    if !s.push(on, &r.head, rng.gen_range(5..25), conclude) {
        return;
    }
    if copy && r.habit != Habit::Never {
        let after = if r.habit == Habit::Prompt { rng.gen_range(1..4) } else { rng.gen_range(20..45) };
        let report = Command::ReportToForwarder {
            summary: "Đã giải quyết xong; gửi kèm văn bản giải quyết.".into()
        };
        s.push(on, &r.officer, after, report);
    }
    if !progressed(rng, age, 90) {
        return;
    }
    // A recommendation or feedback answered has nothing to carry out: its file is closed.
    // (Left concluded, half the register stayed pending for ten years and every report
    // carried it over.)
    if kind == Kind::Recommendation || kind == Kind::Feedback {
        let close = Command::Close { note: Some("Đã trả lời người gửi, lưu hồ sơ".into()) };
        s.push(on, &r.head, rng.gen_range(3..15), close);
        return;
    }
    let enforce =
        Command::StartEnforcement { note: Some("Theo dõi việc thực hiện quyết định, kết luận".into()) };
    if s.push(on, &r.officer, 3, enforce) && progressed(rng, age, 150) {
        s.push(
            on,
            &r.head,
            rng.gen_range(20..60),
            Command::Close { note: Some("Đã thực hiện xong, lưu hồ sơ".into()) },
        );
    }
}

fn figures(rng: &mut StdRng, outcome: Outcome) -> ResultFigures {
    let mut figures = ResultFigures::default();
    if matches!(outcome, Outcome::Correct | Outcome::PartlyCorrect) && rng.gen_bool(0.4) {
        figures.money_returned_vnd = rng.gen_range(5..400) * 1_000_000;
        figures.individuals_restored = rng.gen_range(1..4);
    }
    figures
}
