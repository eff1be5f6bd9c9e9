//! `donthu`: the server and the command line of the petition register.

mod config;
mod demo;
mod demo_accountability;
mod import;
mod synthetic;
mod units_csv;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use config::Database;
use donthu_core::unit::Role;
use donthu_store::Store;
use donthu_store::blob::LocalDirBlobStore;
use donthu_store::model::{NewUser, UnitRole};
use donthu_web::AppState;
use donthu_web::auth::{hash_password, new_api_token, token_digest};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "donthu",
    version,
    about = "donthu — tiếp công dân, xử lý đơn thư, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh",
    long_about = "donthu — tiếp công dân, xử lý đơn thư, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh.\n\n\
        Mọi lệnh dùng cơ sở dữ liệu ở --database-url (hoặc biến môi trường DONTHU_DATABASE_URL); \
        mặc định là tệp SQLite ./data/donthu.db, được tạo khi chạy lần đầu."
)]
struct Cli {
    /// Cơ sở dữ liệu: sqlite:ĐƯỜNG_DẪN_TỆP hoặc postgres://… (mặc định sqlite:data/donthu.db)
    #[arg(long, global = true, env = "DONTHU_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,

    /// Tệp khóa mã hóa danh tính người tố cáo (mặc định identity.key bên cạnh cơ sở dữ liệu)
    #[arg(long, global = true, env = "DONTHU_IDENTITY_KEY", value_name = "TỆP")]
    identity_key: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chạy máy chủ web và API
    Serve {
        /// Địa chỉ lắng nghe
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ĐỊA_CHỈ:CỔNG")]
        bind: String,
        /// Nạp dữ liệu mẫu trước khi chạy (bỏ qua nếu cơ sở dữ liệu đã có dữ liệu)
        #[arg(long)]
        demo: bool,
        /// Thư mục lưu tệp đính kèm (mặc định blobs/ bên cạnh cơ sở dữ liệu)
        #[arg(long, env = "DONTHU_BLOB_DIR", value_name = "THƯ_MỤC")]
        blob_dir: Option<PathBuf>,
        /// Máy chủ gửi thư nhắc việc: smtp://máy_chủ:cổng (không đặt thì chỉ nhắc trong ứng dụng)
        #[arg(long, env = "DONTHU_SMTP_URL", value_name = "URL")]
        smtp_url: Option<String>,
        /// Địa chỉ người gửi thư nhắc việc
        #[arg(long, env = "DONTHU_MAIL_FROM", default_value = "donthu <donthu@localhost>")]
        mail_from: String,
        /// Nhắc cán bộ trước hạn bao nhiêu ngày làm việc
        #[arg(long, env = "DONTHU_REMIND_BEFORE", default_value_t = 2, value_name = "NGÀY")]
        remind_before: u32,
        /// Báo lãnh đạo đơn vị khi quá hạn bao nhiêu ngày làm việc
        #[arg(long, env = "DONTHU_ESCALATE_HEAD_AFTER", default_value_t = 2, value_name = "NGÀY")]
        escalate_head_after: u32,
        /// Báo cơ quan đã chuyển đơn khi quá hạn bao nhiêu ngày làm việc
        #[arg(long, env = "DONTHU_ESCALATE_FORWARDER_AFTER", default_value_t = 5, value_name = "NGÀY")]
        escalate_forwarder_after: u32,
        /// Giờ hành chính gửi nhắc việc (giờ Việt Nam), dạng 08:00-17:00
        #[arg(long, env = "DONTHU_OFFICE_HOURS", default_value = "08:00-17:00", value_name = "GIỜ")]
        office_hours: String,
        /// Đánh dấu cookie Secure: bật khi người dùng truy cập qua HTTPS (qua máy chủ proxy)
        #[arg(long, env = "DONTHU_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Phiên đăng nhập hết hạn sau bao nhiêu phút không thao tác
        #[arg(long, env = "DONTHU_SESSION_IDLE_MINUTES", default_value_t = 30, value_name = "PHÚT")]
        session_idle_minutes: i64,
        /// Phiên đăng nhập hết hạn sau bao nhiêu giờ kể từ khi đăng nhập
        #[arg(long, env = "DONTHU_SESSION_MAX_HOURS", default_value_t = 12, value_name = "GIỜ")]
        session_max_hours: i64,
    },
    /// Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu
    Migrate,
    /// Quản lý cơ quan, đơn vị
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// Quản lý tài khoản cán bộ
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Quản lý mã truy cập API
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Nạp dữ liệu mẫu của một tỉnh vào cơ sở dữ liệu trống và in các tài khoản mẫu
    Demo {
        /// Thay vì vài trăm đơn mẫu: tạo sổ đơn tổng hợp gồm N đơn trong mười năm của một
        /// tỉnh hai cấp (để đo hiệu năng)
        #[arg(long, value_name = "N")]
        petitions: Option<usize>,
    },
    /// Nhập sổ đơn thư cũ từ tệp Excel (.xlsx) vào sổ của một đơn vị
    Import {
        /// Tệp Excel; dòng đầu tiên có dữ liệu là dòng tiêu đề
        #[arg(value_name = "TỆP")]
        file: std::path::PathBuf,
        /// Mã đơn vị nhận các đơn
        #[arg(long, value_name = "MÃ")]
        unit: String,
        /// Tên đăng nhập của cán bộ thực hiện (ghi vào quá trình xử lý)
        #[arg(long = "as", value_name = "TÊN_ĐĂNG_NHẬP")]
        username: String,
        /// Chỉ kiểm tra, không nhập
        #[arg(long)]
        dry_run: bool,
        /// Nhập các dòng hợp lệ và bỏ qua các dòng lỗi
        #[arg(long)]
        skip_bad_rows: bool,
        /// Nơi ghi danh sách lỗi (mặc định: cạnh tệp nhập, đuôi .loi.xlsx)
        #[arg(long, value_name = "TỆP")]
        errors: Option<std::path::PathBuf>,
        /// Ghép cột, dạng trường=Tiêu đề cột (ví dụ received_on="Ngày nhận"); lặp lại được
        #[arg(long = "column", value_name = "TRƯỜNG=CỘT")]
        columns: Vec<String>,
    },
    /// Lịch làm việc, âm lịch và thời hạn theo luật
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// In các ngày khác lịch làm việc thường lệ của một năm: mỗi dòng NGÀY<TAB>off|work<TAB>lý do
    Show {
        /// Năm dương lịch
        year: i32,
    },
    /// Nhập lịch nghỉ, làm bù do Thủ tướng quyết định từ tệp CSV có tiêu đề date,type,reason
    Import {
        /// Tệp CSV (UTF-8); type là off (ngày nghỉ) hoặc work (ngày làm việc)
        file: PathBuf,
    },
    /// Đổi ngày dương lịch sang âm lịch (giờ Việt Nam, UTC+7): in DD/MM/YYYY, thêm " nhuận" nếu là tháng nhuận
    Lunar {
        /// Ngày dương lịch YYYY-MM-DD
        date: String,
    },
    /// Tính hạn cuối theo quy tắc thời hạn và giải thích cách tính
    Due {
        /// Mã quy tắc, ví dụ complaint.resolve.first
        #[arg(long)]
        rule: String,
        /// Ngày xảy ra sự kiện bắt đầu tính thời hạn, YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// Vụ việc phức tạp
        #[arg(long, conflicts_with = "especially_complex")]
        complex: bool,
        /// Vụ việc đặc biệt phức tạp
        #[arg(long)]
        especially_complex: bool,
        /// Vùng sâu, vùng xa
        #[arg(long)]
        remote: bool,
    },
}

#[derive(Subcommand)]
enum UnitCommand {
    /// Nhập đơn vị từ tệp CSV có tiêu đề code,name,parent_code,kind
    Import {
        /// Tệp CSV (UTF-8)
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Thêm cán bộ; mật khẩu đọc từ đầu vào chuẩn (stdin)
    Add {
        /// Tên đăng nhập
        #[arg(long)]
        username: String,
        /// Mã đơn vị công tác
        #[arg(long)]
        unit: String,
        /// Vai trò: officer, head, leader, custodian, oversight, admin
        #[arg(long)]
        role: String,
        /// Họ và tên (mặc định là tên đăng nhập)
        #[arg(long)]
        full_name: Option<String>,
        /// Thư điện tử nhận nhắc việc, cảnh báo quá hạn
        #[arg(long)]
        email: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Tạo mã truy cập API cho một cán bộ và in ra (chỉ hiện một lần)
    Create {
        /// Tên đăng nhập của cán bộ
        #[arg(long)]
        username: String,
        /// Ghi chú để nhận biết mã (ví dụ tên hệ thống tích hợp)
        #[arg(long, default_value = "API")]
        label: String,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("Lỗi: {e:#}");
        std::process::exit(1);
    }
}

/// The reminder policy from the command line; the defaults are office practice [U].
fn reminder_policy(
    before: u32,
    head_after: u32,
    forwarder_after: u32,
    office_hours: &str,
) -> anyhow::Result<donthu_calendar::reminders::ReminderPolicy> {
    let bad = || anyhow::anyhow!("Giờ hành chính \"{office_hours}\" không hợp lệ: dùng dạng 08:00-17:00.");
    let (opens, closes) = office_hours.split_once('-').ok_or_else(bad)?;
    let time = |t: &str| chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
    let (office_opens, office_closes) = (time(opens)?, time(closes)?);
    if office_opens >= office_closes || before > 30 || head_after > 60 || forwarder_after > 60 {
        bail!(
            "Cấu hình nhắc việc không hợp lệ: giờ mở cửa phải trước giờ đóng cửa, số ngày trong khoảng hợp lý (tối đa 30–60 ngày)."
        );
    }
    Ok(donthu_calendar::reminders::ReminderPolicy {
        due_soon_working_days: before,
        head_after_working_days: head_after,
        forwarder_after_working_days: forwarder_after,
        office_opens,
        office_closes,
    })
}

fn parse_date(text: &str) -> anyhow::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("Ngày \"{text}\" không hợp lệ: phải có dạng YYYY-MM-DD, ví dụ 2026-11-20."))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // Needs no database: answered before any is opened or created.
    if let Command::Calendar { command: CalendarCommand::Lunar { date } } = &cli.command {
        println!("{}", donthu_calendar::lunar::to_lunar(parse_date(date)?));
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DONTHU_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let database = Database::resolve(cli.database_url.as_deref())?;
    let sealer = config::identity_sealer(&database, cli.identity_key.as_deref())?;
    let store = config::open_store(&database, sealer.clone()).await?;
    match cli.command {
        Command::Serve {
            bind,
            demo,
            blob_dir,
            smtp_url,
            mail_from,
            remind_before,
            escalate_head_after,
            escalate_forwarder_after,
            office_hours,
            secure_cookies,
            session_idle_minutes,
            session_max_hours,
        } => {
            let policy = reminder_policy(remind_before, escalate_head_after, escalate_forwarder_after, &office_hours)?;
            let blob_dir = blob_dir.unwrap_or_else(|| database.data_dir().join("blobs"));
            if demo {
                demo::run(&*store, &LocalDirBlobStore::new(blob_dir.clone())).await?;
            }
            let listener =
                tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("không mở được địa chỉ {bind}"))?;
            let address = listener.local_addr()?;
            println!("donthu đang chạy tại http://{address}  (cơ sở dữ liệu: {})", database.describe());
            println!("Ứng dụng cho cán bộ: http://{address}/  ·  Cổng gửi đơn của công dân: http://{address}/cong-dan");
            println!("Tài liệu API: http://{address}/api/openapi.json — nhấn Ctrl+C để dừng.");
            let mailer: Option<Arc<dyn donthu_jobs::Mailer>> = match smtp_url {
                Some(url) => {
                    Some(Arc::new(donthu_jobs::SmtpMailer::from_url(&url, &mail_from).map_err(anyhow::Error::msg)?))
                }
                None => {
                    println!("Chưa cấu hình máy chủ thư (DONTHU_SMTP_URL): nhắc việc chỉ hiện trong ứng dụng.");
                    None
                }
            };
            // Reminders and e-mail: every minute, on working days in office hours.
            let _jobs = donthu_jobs::spawn(store.clone(), mailer, policy);
            let web = donthu_web::pages::session::WebConfig {
                secure_cookies,
                idle_timeout: chrono::Duration::minutes(session_idle_minutes.max(1)),
                absolute_timeout: chrono::Duration::hours(session_max_hours.max(1)),
                demo_notice: demo.then(|| {
                    "Máy chủ dữ liệu mẫu: đăng nhập bằng canbo.btcd (cán bộ), lanhdao.btcd (lãnh đạo), baomat \
                     (giữ bí mật danh tính) hoặc quantri (quản trị); mật khẩu chung donthu-demo-2026."
                        .to_owned()
                }),
                ..Default::default()
            };
            let state = AppState::new(store, Arc::new(LocalDirBlobStore::new(blob_dir)), sealer, web);
            donthu_web::serve(listener, state).await?;
        }
        Command::Migrate => {
            store.close().await;
            println!("Cơ sở dữ liệu đã ở phiên bản mới nhất ({}).", database.describe())
        }
        Command::Unit { command: UnitCommand::Import { file } } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("không đọc được tệp {}", file.display()))?;
            let created = units_csv::import(&*store, &text).await?;
            println!("Đã nhập {created} đơn vị.");
        }
        Command::User { command: UserCommand::Add { username, unit, role, full_name, email } } => {
            add_user(&*store, &username, &unit, &role, full_name, email).await?;
        }
        Command::Token { command: TokenCommand::Create { username, label } } => {
            let Some((user, _)) = store.user_by_username(&username).await? else {
                bail!("Không có cán bộ với tên đăng nhập \"{username}\".");
            };
            let token = new_api_token();
            store.create_api_token(user.id, &token_digest(&token), &label, Utc::now()).await?;
            println!("{token}");
            eprintln!("Mã truy cập của {} — hãy lưu lại: mã chỉ hiển thị một lần.", user.full_name);
        }
        Command::Demo { petitions: Some(n) } => {
            synthetic::run(&*store, n).await?;
            store.close().await
        }
        Command::Demo { petitions: None } => {
            demo::run(&*store, &LocalDirBlobStore::new(database.data_dir().join("blobs"))).await?
        }
        Command::Import { file, unit, username, dry_run, skip_bad_rows, errors, columns } => {
            import::run(&*store, import::ImportArgs { file, unit, username, dry_run, skip_bad_rows, errors, columns })
                .await?
        }
        Command::Calendar { command } => calendar(&*store, command).await?,
    }
    Ok(())
}

async fn calendar(store: &dyn Store, command: CalendarCommand) -> anyhow::Result<()> {
    use donthu_calendar::rules::{DeadlineQuery, RuleBook, compute};
    use donthu_calendar::workdays::{WorkCalendar, parse_schedule};
    use donthu_core::petition::Complexity;
    match command {
        CalendarCommand::Show { year } => {
            if !(1900..=2199).contains(&year) {
                bail!("Năm {year} nằm ngoài phạm vi hỗ trợ (1900–2199).");
            }
            let calendar = WorkCalendar::with_schedules(store.calendar_entries().await?);
            for day in calendar.exceptions(year) {
                let kind = if day.working { "work" } else { "off" };
                println!("{}\t{kind}\t{}", day.date, day.reason.unwrap_or_default());
            }
        }
        CalendarCommand::Import { file } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("không đọc được tệp {}", file.display()))?;
            let entries = parse_schedule(&text).map_err(|errors| {
                let lines: Vec<_> = errors.iter().map(ToString::to_string).collect();
                anyhow::anyhow!("tệp có lỗi, chưa nhập dòng nào:\n  {}", lines.join("\n  "))
            })?;
            let change = store.save_calendar_entries(&entries, None, Utc::now()).await?;
            println!(
                "Đã nhập {} ngày vào lịch làm việc; tính lại {} thời hạn đang chạy (ghi vào diễn biến của từng đơn).",
                change.saved, change.deadlines_moved
            );
        }
        CalendarCommand::Lunar { .. } => unreachable!("answered before the database is opened"),
        CalendarCommand::Due { rule, from, complex, especially_complex, remote } => {
            let complexity = match (complex, especially_complex) {
                (_, true) => Complexity::EspeciallyComplex,
                (true, _) => Complexity::Complex,
                _ => Complexity::Normal,
            };
            let query = DeadlineQuery {
                rule,
                start: parse_date(&from)?,
                start_event: "Ngày bắt đầu tính thời hạn".into(),
                complexity,
                remote,
                pauses: Vec::new(),
                extensions: 0,
                custom_length: None,
            };
            let calendar = WorkCalendar::with_schedules(store.calendar_entries().await?);
            let book = RuleBook::shipped();
            let deadline = compute(&book, &calendar, &query).map_err(|e| {
                anyhow::anyhow!("{}. Các quy tắc: {}.", capitalize(&e.to_string()), book.ids().join(", "))
            })?;
            match deadline.due {
                Some(due) => println!("{due}"),
                None => println!("-"),
            }
            for line in deadline.explanation.lines() {
                println!("{line}");
            }
        }
    }
    Ok(())
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The shortest password accepted for an official's account.
const MIN_PASSWORD_CHARS: usize = 10;

async fn add_user(
    store: &dyn Store,
    username: &str,
    unit_code: &str,
    role: &str,
    full_name: Option<String>,
    email: Option<String>,
) -> anyhow::Result<()> {
    let email = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
    if let Some(e) = &email
        && (!e.contains('@') || e.contains(char::is_whitespace) || e.len() > 200)
    {
        bail!("Địa chỉ thư điện tử \"{e}\" không hợp lệ.");
    }
    let username = username.trim();
    if username.is_empty() || username.chars().count() > 100 || username.chars().any(char::is_whitespace) {
        bail!("Tên đăng nhập không hợp lệ: không để trống, không có khoảng trắng, tối đa 100 ký tự.");
    }
    let Some(role) = Role::from_code(role.trim()) else {
        let known: Vec<_> = Role::ALL.iter().map(|r| format!("{} ({})", r.code(), r.label())).collect();
        bail!("Vai trò \"{role}\" không hợp lệ. Các vai trò: {}.", known.join(", "));
    };
    let units = store.units().await?;
    let Some(unit) = units.iter().find(|u| u.code.as_str() == unit_code.trim()) else {
        bail!("Không có đơn vị mã \"{unit_code}\".");
    };
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).context("không đọc được mật khẩu từ đầu vào chuẩn")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự (đọc từ đầu vào chuẩn).");
    }
    let user = store
        .create_user(NewUser {
            username: username.to_owned(),
            full_name: full_name
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| username.to_owned()),
            password_hash: hash_password(password),
            email,
            roles: vec![UnitRole { unit_id: unit.id, role }],
        })
        .await
        .map_err(|e| anyhow::anyhow!(store_message(e)))?;
    println!("Đã thêm cán bộ {} ({}), {} tại {}.", user.full_name, user.username, role.label(), unit.name);
    Ok(())
}

/// The Vietnamese message of a refusal, or the technical error otherwise.
pub fn store_message(e: donthu_store::StoreError) -> String {
    match e {
        donthu_store::StoreError::Domain(d) => d.message,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reminder_policy_from_the_command_line() {
        let p = super::reminder_policy(3, 2, 5, "07:30-16:30").unwrap();
        assert_eq!((p.due_soon_working_days, p.office_opens.to_string().as_str()), (3, "07:30:00"));
        assert!(super::reminder_policy(2, 2, 5, "17:00-08:00").is_err());
        assert!(super::reminder_policy(2, 2, 5, "tám giờ").unwrap_err().to_string().contains("08:00-17:00"));
    }
}
