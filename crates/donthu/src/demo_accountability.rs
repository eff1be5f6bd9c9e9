//! The demo's accountability story: the provincial secretary's reception sessions
//! prepared by the Internal Affairs Board (seed 004) — cases proposed with their
//! briefing files, the session recorded, the conclusion notice issued and its tasks
//! followed (one done, one overdue, one running) — the monthly sessions of the
//! provincial chair (one delegated) and of a commune chair who receives less than the
//! law requires (seeds 001, 003), and violations found by surprise inspections and
//! through the hotline (seeds 000, 002), with their measures and apologies.

use crate::demo::{Demo, office_time};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use donthu_core::accountability::*;
use donthu_core::process::Status;
use donthu_store::Store;
use donthu_store::model::{PetitionFilter, PetitionerView, Scope};
use donthu_store::service::{self, vietnam_today};
use uuid::Uuid;

fn err(e: donthu_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!(crate::store_message(e))
}

/// The nearest weekday on or before `d`.
fn weekday_before(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d -= Duration::days(1);
    }
    d
}

/// The second Thursday of the month starting on `first`.
fn second_thursday(first: NaiveDate) -> NaiveDate {
    let mut d = first;
    while d.weekday() != Weekday::Thu {
        d += Duration::days(1);
    }
    d + Duration::days(7)
}

struct Host<'a> {
    organizer: &'a str,
    host: &'a str,
    level: HostLevel,
    name: &'a str,
    title: &'a str,
    place: &'a str,
}

impl Demo {
    fn new_session(&self, h: &Host<'_>, on: NaiveDate, kind: SessionKind) -> NewSession {
        NewSession {
            unit_id: self.units[h.organizer].id,
            host_unit_id: self.units[h.host].id,
            host_level: h.level,
            host_name: h.name.into(),
            host_title: h.title.into(),
            kind,
            scheduled_on: on,
            place: h.place.into(),
            online: false,
        }
    }

    /// A periodic session held on `on`, by the head or by a deputy.
    async fn held_session(
        &self,
        store: &dyn Store,
        h: &Host<'_>,
        on: NaiveDate,
        delegate: Option<&str>,
        citizens: u32,
    ) -> anyhow::Result<Uuid> {
        let officer = self.officer(h.organizer);
        let session = service::schedule_session(
            store,
            officer,
            self.new_session(h, on, SessionKind::Periodic),
            office_time(on, -7),
        )
        .await
        .map_err(err)?;
        let record = SessionRecord {
            held_on: on,
            attendance: if delegate.is_some() { Attendance::Delegated } else { Attendance::InPerson },
            delegate: delegate.map(str::to_owned),
            citizens,
            record: format!(
                "{} tiếp {citizens} lượt công dân; nghe công dân trình bày, nghe các cơ quan báo cáo quá trình giải quyết; chỉ đạo giải quyết theo thẩm quyền.",
                delegate
                    .map(|d| format!("Đồng chí {d} (được ủy quyền)"))
                    .unwrap_or_else(|| format!("Đồng chí {}", h.name))
            ),
        };
        service::record_session(store, officer, session.id, record, office_time(on, 0)).await.map_err(err)?;
        Ok(session.id)
    }

    /// Open matters of a unit, those under resolution first, oldest first: the
    /// long-running matters a head is asked to receive.
    async fn pending_cases(&self, store: &dyn Store, code: &str, n: usize) -> anyhow::Result<Vec<Uuid>> {
        let filter =
            PetitionFilter { unit_id: Some(self.units[code].id), open_only: true, limit: 500, ..Default::default() };
        let mut list = store.list_petitions(&Scope::All, &filter).await?;
        // Matters under resolution first, then those still being processed.
        list.retain(|p| p.status != Status::Split);
        list.sort_by_key(|p| (!matches!(p.status, Status::Accepted | Status::Verifying), p.received_on));
        Ok(list.into_iter().take(n).map(|p| p.id).collect())
    }

    pub(crate) async fn accountability(
        &self,
        store: &dyn Store,
        blobs: &dyn donthu_store::blob::BlobStore,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let today = vietnam_today(now);
        let month = |back: u32| today.with_day(1).expect("first of month") - chrono::Months::new(back);
        let secretary = Host {
            organizer: "BNCTU",
            host: "TU",
            level: HostLevel::ProvincialPartySecretary,
            name: "Nguyễn Văn Bình",
            title: "Bí thư Tỉnh ủy",
            place: "Trụ sở Tiếp công dân tỉnh",
        };
        let chair = Host {
            organizer: "BTCD",
            host: "UBND",
            level: HostLevel::ProvincialChair,
            name: "Trần Tuệ Hiền",
            title: "Chủ tịch UBND tỉnh",
            place: "Trụ sở Tiếp công dân tỉnh",
        };
        let head = |code: &'static str, name: &'static str, title: &'static str, level, place| Host {
            organizer: code,
            host: code,
            level,
            name,
            title,
            place,
        };
        let department = head(
            "SNNMT",
            "Phan Thanh Sơn",
            "Giám đốc Sở Nông nghiệp và Môi trường",
            HostLevel::AgencyHead,
            "Trụ sở Sở Nông nghiệp và Môi trường",
        );
        let inspectorate =
            head("TTT", "Hồ Văn Khải", "Chánh Thanh tra tỉnh", HostLevel::AgencyHead, "Trụ sở Thanh tra tỉnh");
        let board = head(
            "BTCD",
            "Ngô Thị Thu",
            "Trưởng Ban Tiếp công dân tỉnh",
            HostLevel::AgencyHead,
            "Trụ sở Tiếp công dân tỉnh",
        );
        let tan_lap = head(
            "XA-TANLAP",
            "Võ Minh Tuấn",
            "Chủ tịch UBND xã Tân Lập",
            HostLevel::CommuneChair,
            "Trụ sở UBND xã Tân Lập",
        );
        let dong_tam = head(
            "XA-DONGTAM",
            "Lý Thị Mai",
            "Chủ tịch UBND xã Đồng Tâm",
            HostLevel::CommuneChair,
            "Trụ sở UBND xã Đồng Tâm",
        );
        let tan_dong = head(
            "P-TANDONG",
            "Đỗ Quang Vinh",
            "Chủ tịch UBND phường Tân Đồng",
            HostLevel::CommuneChair,
            "Trụ sở UBND phường Tân Đồng",
        );
        // Over the last eleven months: the secretary receives every month but one; the chair
        // every month, once through a deputy; the department, the inspectorate and the
        // reception board every month; one commune chair as the law asks (weekly until
        // 30/6/2026, twice a month after), another once a month, and the ward's chair
        // hardly ever (seeds 001, 003).
        for back in 1..=11 {
            let first = month(back);
            let thursday = second_thursday(first);
            if back != 4 {
                self.held_session(store, &secretary, thursday, None, 3 + back).await?;
            }
            let deputy = (back == 3).then_some("Lê Quang Minh, Phó Chủ tịch UBND tỉnh");
            self.held_session(store, &chair, thursday + Duration::days(1), deputy, 5 + back).await?;
            for (host, day) in [(&department, 2), (&inspectorate, 3), (&board, 4)] {
                self.held_session(store, host, weekday_before(first + Duration::days(day + 6)), None, 2 + back % 3)
                    .await?;
            }
            self.held_session(store, &tan_lap, weekday_before(first + Duration::days(9)), None, 2).await?;
            let weekly = first < NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date");
            let next = first + chrono::Months::new(1);
            let mut monday = first;
            while monday.weekday() != Weekday::Mon {
                monday += Duration::days(1);
            }
            let mut n = 0;
            while monday < next && (weekly || n < 2) {
                self.held_session(store, &dong_tam, monday, None, 1 + n).await?;
                monday += Duration::days(if weekly { 7 } else { 14 });
                n += 1;
            }
            if back % 3 == 0 {
                self.held_session(store, &tan_dong, weekday_before(first + Duration::days(15)), None, 1).await?;
            }
        }

        // Seed 004: the secretary's session of last month, prepared by the board.
        let officer = self.officer("BNCTU");
        let held_on = weekday_before(today - Duration::days(25));
        let session = service::schedule_session(
            store,
            officer,
            self.new_session(&secretary, held_on, SessionKind::Periodic),
            office_time(held_on, -10),
        )
        .await
        .map_err(err)?;
        let cases = self.pending_cases(store, "BNCTU", 3).await?;
        let proposals = [
            "Vụ việc đã được giải quyết hai lần, công dân chưa đồng ý với mức bồi thường; UBND xã chưa tổ chức đối thoại. Đề xuất đồng chí Bí thư chỉ đạo UBND xã Tân Lập tổ chức đối thoại, Sở Nông nghiệp và Môi trường rà soát đơn giá bồi thường; thời hạn 15 ngày.",
            "Công dân phản ánh nhiều lần qua đường dây nóng nhưng đơn vị được chuyển đơn chưa trả lời. Đề xuất giao Văn phòng Tỉnh ủy đôn đốc, yêu cầu báo cáo kết quả trong 10 ngày.",
            "Nội dung phức tạp, kéo dài, liên quan nhiều cơ quan. Đề xuất thành lập tổ công tác liên ngành do Ban Nội chính chủ trì.",
        ];
        for (case, proposal) in cases.iter().zip(proposals) {
            service::propose_case(store, officer, session.id, *case, proposal, office_time(held_on, -5))
                .await
                .map_err(err)?;
        }
        let record = SessionRecord {
            held_on,
            attendance: Attendance::InPerson,
            delegate: None,
            citizens: cases.len() as u32 + 2,
            record: "Đồng chí Bí thư Tỉnh ủy trực tiếp tiếp công dân; nghe công dân trình bày, nghe Ban Nội chính Tỉnh ủy báo cáo tóm tắt từng vụ việc và ý kiến của UBND xã Tân Lập, Sở Nông nghiệp và Môi trường, UBND phường Tân Đồng."
                .into(),
        };
        service::record_session(store, officer, session.id, record, office_time(held_on, 0)).await.map_err(err)?;
        let task = |code: &str, case: Option<usize>, description: &str, days: i64| NewTask {
            unit_id: self.units[code].id,
            petition_id: case.and_then(|i| cases.get(i).copied()),
            description: description.into(),
            due_on: held_on + Duration::days(days),
        };
        let conclusion = Conclusion {
            text: "Các cơ quan, đơn vị tập trung giải quyết dứt điểm các vụ việc, không để công dân phải gửi đơn nhiều lần, vượt cấp.\nNgười đứng đầu các đơn vị chịu trách nhiệm trước Thường trực Tỉnh ủy về kết quả thực hiện."
                .into(),
            tasks: vec![
                task("SNNMT", Some(0), "Rà soát đơn giá bồi thường, hỗ trợ đối với hộ gia đình, báo cáo kết quả", 12),
                task("XA-TANLAP", Some(0), "Tổ chức đối thoại với công dân, trả lời bằng văn bản", 15),
                task("P-TANDONG", Some(1), "Trả lời công dân và báo cáo kết quả giải quyết tin đường dây nóng", 45),
            ],
        };
        let names = donthu_web::pages::UnitNames(self.units.values().map(|u| (u.id, u.clone())).collect());
        let book = donthu_documents::TemplateBook::shipped();
        let concluded_at = office_time(held_on, 2);
        let Some((issue, letter)) = donthu_web::pages::sessions::notice_letter(
            &book,
            &names,
            &store.session_file(session.id, &Scope::All).await?.expect("just scheduled").session,
            &conclusion,
            ("KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN".into(), self.head("BNCTU").full_name.clone()),
        ) else {
            anyhow::bail!("mẫu thông báo kết luận không có hiệu lực");
        };
        let issue = donthu_documents::docx::Issue { date: vietnam_today(concluded_at), ..issue };
        let render = move |number: &str| {
            donthu_pdf::letter(&donthu_documents::docx::Issue { number: number.to_owned(), ..issue.clone() }, &letter)
        };
        let file = ("thong-bao-ket-luan-tiep-cong-dan.pdf", "application/pdf");
        service::conclude_session(store, officer, session.id, conclusion, blobs, &render, file, concluded_at)
            .await
            .map_err(err)?;
        // The department reports its task done in time; the commune lets its task lapse;
        // the ward's is still running.
        let tasks = store.session_file(session.id, &Scope::All).await?.expect("concluded").tasks;
        if let Some(t) = tasks.iter().find(|t| t.unit_id == self.units["SNNMT"].id) {
            let done_on = held_on + Duration::days(10);
            service::complete_task(
                store,
                self.officer("SNNMT"),
                t.id,
                done_on,
                "Đã rà soát, điều chỉnh đơn giá bồi thường theo bảng giá đất năm 2026; đã thông báo cho hộ gia đình.",
                office_time(done_on, 0),
            )
            .await
            .map_err(err)?;
        }

        // The next session, with cases proposed and their briefing files ready.
        let next = weekday_before(today + Duration::days(8));
        let upcoming =
            service::schedule_session(store, officer, self.new_session(&secretary, next, SessionKind::Periodic), now)
                .await
                .map_err(err)?;
        for case in self.pending_cases(store, "BNCTU", 5).await?.into_iter().skip(3).take(2) {
            service::propose_case(
                store,
                officer,
                upcoming.id,
                case,
                "Công dân đề nghị được gặp trực tiếp đồng chí Bí thư; các cơ quan đã trả lời nhưng công dân chưa đồng ý. Đề xuất đồng chí Bí thư nghe công dân trình bày và giao Ban Nội chính chủ trì rà soát.",
                now,
            )
            .await
            .map_err(err)?;
        }
        self.violations(store, today).await?;
        self.oversight(store, today, cases.first().copied()).await
    }

    /// The Front's recommendations to units it oversees (one answered, one overdue), a
    /// petition sent above the competent level, and the leader following a long case.
    async fn oversight(&self, store: &dyn Store, today: NaiveDate, case_petition: Option<Uuid>) -> anyhow::Result<()> {
        let front = &self.users["giamsat.mttq"];
        let sent = weekday_before(today - Duration::days(40));
        let petition_of = |code: &str| {
            let unit = self.units[code].id;
            async move {
                let filter = PetitionFilter { unit_id: Some(unit), open_only: true, limit: 1, ..Default::default() };
                store.list_petitions(&Scope::All, &filter).await.map(|l| l.first().map(|p| p.id))
            }
        };
        let mut answered = None;
        for (code, subject, answer) in [
            ("XA-TANLAP", "Kiến nghị về việc chậm tổ chức đối thoại, trả lời công dân", false),
            ("SNNMT", "Kiến nghị rà soát đơn giá bồi thường khi thu hồi đất", true),
        ] {
            let recommendation = NewRecommendation {
                from_unit_id: self.units["MTTQ"].id,
                to_unit_id: self.units[code].id,
                sent_on: sent,
                number: Some(format!("{}/KN-MTTQ", if answer { 18 } else { 17 })),
                subject: subject.into(),
                content: "Qua giám sát việc giải quyết đơn thư của công dân, Ủy ban MTTQ tỉnh đề nghị đơn vị khẩn trương xem xét, giải quyết dứt điểm, trả lời công dân bằng văn bản và thông báo kết quả cho Ủy ban MTTQ tỉnh.".into(),
                due_on: sent + Duration::days(20),
                petition_ids: petition_of(code).await?.into_iter().collect(),
            };
            let r =
                service::send_recommendation(store, front, recommendation, office_time(sent, 0)).await.map_err(err)?;
            if answer {
                answered = Some(r.id);
            }
        }
        if let Some(id) = answered {
            let on = sent + Duration::days(12);
            let answer = RecommendationAnswer {
                answered_on: on,
                kind: ResponseKind::Accepted,
                text: "Sở đã rà soát, điều chỉnh đơn giá bồi thường; đã có văn bản trả lời công dân và báo cáo Ủy ban MTTQ tỉnh.".into(),
            };
            service::answer_recommendation(store, self.officer("SNNMT"), id, answer, office_time(on, 0))
                .await
                .map_err(err)?;
        }
        // The provincial reception board receives a matter of a commune's competence.
        if let Some(p) = petition_of("BTCD").await? {
            service::flag_level_skipping(
                store,
                self.officer("BTCD"),
                p,
                self.units["XA-DONGTAM"].id,
                "Nội dung thuộc thẩm quyền giải quyết lần đầu của Chủ tịch UBND xã Đồng Tâm; công dân chưa gửi đơn đến xã",
                office_time(today - Duration::days(6), 0),
            )
            .await
            .map_err(err)?;
        }
        if let Some(p) = case_petition
            && let Some(case) = store.petition(p, &Scope::All).await?.map(|x| x.case_id)
        {
            service::assign_case_leader(
                store,
                &self.users["thuongtruc"],
                case,
                "Đồng chí Hoàng Minh Quang, Phó Bí thư Thường trực Tỉnh ủy",
                "Chủ trì đối thoại với công dân, chỉ đạo giải quyết dứt điểm trong quý IV",
                office_time(today - Duration::days(20), 0),
            )
            .await
            .map_err(err)?;
        }
        Ok(())
    }

    async fn violations(&self, store: &dyn Store, today: NaiveDate) -> anyhow::Result<()> {
        let found = |back: i64| weekday_before(today - Duration::days(back));
        let blank = |unit: &str, name: &str, position: &str, on: NaiveDate| NewViolation {
            unit_id: self.units[unit].id,
            official_name: name.into(),
            official_position: position.into(),
            found_on: on,
            source: ViolationSource::SurpriseInspection,
            category: ViolationCategory::Other,
            facts: String::new(),
            cause: String::new(),
            individual_responsibility: String::new(),
            collective_responsibility: String::new(),
            measure: Measure::Review,
            measure_decision: None,
            apology_to: None,
            petition_ids: Vec::new(),
        };
        // Seed 002: a surprise inspection of administrative discipline by Sở Nội vụ.
        let inspector = &self.users["canbo.snv"];
        let on = found(60);
        let absent = NewViolation {
            category: ViolationCategory::IdCard,
            facts: format!(
                "Kiểm tra đột xuất lúc 08 giờ 15 ngày {}: không có mặt tại Bộ phận một cửa đúng giờ làm việc, không đeo thẻ công chức khi tiếp nhận hồ sơ.",
                on.format("%d/%m/%Y")
            ),
            cause: "Ý thức chấp hành kỷ luật, kỷ cương hành chính chưa nghiêm".into(),
            individual_responsibility: "Cá nhân ông Trần Văn Lực chịu trách nhiệm".into(),
            collective_responsibility: "Lãnh đạo Văn phòng Sở chưa thường xuyên kiểm tra, nhắc nhở".into(),
            ..blank("SNNMT", "Trần Văn Lực", "Chuyên viên Bộ phận một cửa, Sở Nông nghiệp và Môi trường", on)
        };
        service::record_violation(store, inspector, self.units["SNV"].id, absent, office_time(on, 1))
            .await
            .map_err(err)?;
        let on = found(45);
        let harassment = NewViolation {
            category: ViolationCategory::Harassment,
            facts: "Yêu cầu Công ty TNHH Minh Phát bổ sung giấy tờ ngoài quy định, hẹn trả kết quả nhiều lần, làm chậm hồ sơ chuyển mục đích sử dụng đất 27 ngày.".into(),
            cause: "Thiếu trách nhiệm, có biểu hiện sách nhiễu".into(),
            individual_responsibility: "Bà Phạm Thị Hoa chịu trách nhiệm cá nhân".into(),
            collective_responsibility: "Chủ tịch UBND xã Tân Lập chịu trách nhiệm người đứng đầu do buông lỏng kiểm tra".into(),
            measure: Measure::Reprimand,
            measure_decision: Some(format!("Quyết định số 112/QĐ-UBND ngày {} của Chủ tịch UBND xã Tân Lập", (on + Duration::days(14)).format("%d/%m/%Y"))),
            apology_to: Some("Công ty TNHH Minh Phát".into()),
            ..blank("XA-TANLAP", "Phạm Thị Hoa", "Công chức Bộ phận tiếp nhận và trả kết quả xã Tân Lập", on)
        };
        let v = service::record_violation(store, inspector, self.units["SNV"].id, harassment, office_time(on, 1))
            .await
            .map_err(err)?;
        let sent = on + Duration::days(20);
        service::record_apology(
            store,
            self.officer("XA-TANLAP"),
            v.id,
            sent,
            Some("45/UBND-VP".into()),
            office_time(sent, 0),
        )
        .await
        .map_err(err)?;

        // Seed 000: a hotline tip forwarded by the Party office, never answered.
        let office = self.officer("VPTU");
        let obligations = store
            .forwarding_obligations(
                donthu_store::model::ObligationFilter::all(donthu_store::model::Direction::Outgoing),
                &Scope::Units(vec![self.units["VPTU"].id]),
            )
            .await?;
        let mut linked = None;
        for o in obligations.iter().filter(|o| o.to_unit_id == self.units["P-TANDONG"].id) {
            if let Some(p) = store.petition(o.petition_id, &Scope::All).await?
                && let PetitionerView::Visible(who) = &p.petitioner
            {
                linked = Some((p.id, who.display_name(), o.forwarded_on));
                break;
            }
        }
        if let Some((petition, citizen, forwarded_on)) = linked {
            let on = found(12).max(forwarded_on);
            let silent = NewViolation {
                source: ViolationSource::Hotline,
                category: ViolationCategory::NoReply,
                facts: format!(
                    "Không có văn bản trả lời người gửi đơn và không báo cáo kết quả giải quyết đơn do Tỉnh ủy chuyển đến ngày {}.",
                    forwarded_on.format("%d/%m/%Y")
                ),
                cause: "Chưa phân công cán bộ theo dõi đơn do cấp trên chuyển đến".into(),
                individual_responsibility: "Trưởng phòng Kinh tế phường được giao xử lý đơn".into(),
                collective_responsibility: "Chủ tịch UBND phường Tân Đồng chịu trách nhiệm người đứng đầu".into(),
                measure: Measure::Pending,
                apology_to: Some(citizen),
                petition_ids: vec![petition],
                ..blank("P-TANDONG", "Nguyễn Hữu Thắng", "Trưởng phòng Kinh tế phường Tân Đồng", on)
            };
            service::record_violation(store, office, self.units["VPTU"].id, silent, office_time(on, 0))
                .await
                .map_err(err)?;
        }
        Ok(())
    }
}
