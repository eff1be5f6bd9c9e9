//! `donthu import`: a legacy Excel register into a unit's register, with the office's
//! saved column mapping, a dry run, a progress bar, and the bad rows written to an Excel
//! report. Nothing is imported from a file with bad rows unless `--skip-bad-rows` says so.

use anyhow::{Context, bail};
use chrono::Utc;
use donthu_import::{Mapping, RowError};
use donthu_store::Store;
use donthu_store::service::{self, ImportOutcome, vietnam_today};
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct ImportArgs {
    pub file: PathBuf,
    pub unit: String,
    pub username: String,
    pub dry_run: bool,
    pub skip_bad_rows: bool,
    pub errors: Option<PathBuf>,
    /// `field=Column header` overrides of the mapping.
    pub columns: Vec<String>,
}

/// A one-line progress bar on standard error.
fn progress_bar(done: usize, total: usize) {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width);
    eprint!("\r[{}{}] {done}/{total} dòng", "#".repeat(filled), ".".repeat(width - filled));
    if done == total {
        eprintln!();
    }
    let _ = std::io::stderr().flush();
}

fn write_errors(path: &Path, file_name: &str, errors: &[RowError]) -> anyhow::Result<()> {
    let bytes = donthu_import::error_report(file_name, errors).map_err(anyhow::Error::msg)?;
    std::fs::write(path, bytes).with_context(|| format!("không ghi được tệp {}", path.display()))
}

pub async fn run(store: &dyn Store, args: ImportArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file).with_context(|| format!("không đọc được tệp {}", args.file.display()))?;
    let file_name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let units = store.units().await?;
    let Some(unit) = units.iter().find(|u| u.code.as_str() == args.unit.trim()) else {
        bail!("Không có đơn vị mã \"{}\".", args.unit);
    };
    let Some((user, _)) = store.user_by_username(&args.username).await? else {
        bail!("Không có cán bộ với tên đăng nhập \"{}\".", args.username);
    };
    let sheet = donthu_import::read_sheet(&bytes).map_err(anyhow::Error::msg)?;
    let mut mapping = match store.import_mapping(unit.id).await? {
        Some(columns) => Mapping { columns },
        None => Mapping::guess(&sheet.headers),
    };
    for spec in &args.columns {
        let Some((field, header)) = spec.split_once('=') else {
            bail!("Ghép cột \"{spec}\" phải viết dạng trường=Tiêu đề cột.");
        };
        mapping.columns.insert(field.trim().to_owned(), header.trim().to_owned());
    }
    eprintln!("Tệp {file_name}: trang “{}”, {} dòng dữ liệu. Ghép cột:", sheet.name, sheet.rows.len());
    for (field, header) in &mapping.columns {
        eprintln!("  {field} ← “{header}”");
    }
    let problems = mapping.problems(&sheet.headers);
    if !problems.is_empty() {
        bail!("Chưa ghép cột được: {} Dùng --column trường=Tiêu đề cột.", problems.join(" "));
    }
    let plan = donthu_import::plan(&sheet, &mapping, unit.id, vietnam_today(Utc::now()));
    println!("Dòng hợp lệ: {} · dòng lỗi: {}", plan.good.len(), plan.bad_rows);
    for e in plan.errors.iter().take(20) {
        println!("  Dòng {}, cột “{}”: {}", e.row, e.column, e.reason);
    }
    if plan.errors.len() > 20 {
        println!("  … và {} lỗi khác.", plan.errors.len() - 20);
    }
    let error_path = args.errors.clone().unwrap_or_else(|| args.file.with_extension("loi.xlsx"));
    if !plan.errors.is_empty() {
        write_errors(&error_path, &file_name, &plan.errors)?;
        println!("Danh sách lỗi: {}", error_path.display());
    }
    if args.dry_run {
        println!("Chạy thử: không nhập đơn nào.");
        return Ok(());
    }
    if plan.bad_rows > 0 && !args.skip_bad_rows {
        bail!(
            "Tệp có {} dòng lỗi: không nhập đơn nào. Sửa tệp, hoặc dùng --skip-bad-rows để chỉ nhập các dòng hợp lệ.",
            plan.bad_rows
        );
    }
    let rows: Vec<_> = plan.good.iter().map(|g| (g.petition.clone(), g.key.clone())).collect();
    let total = rows.len();
    let outcomes =
        service::import_petitions(store, &user, &rows, Utc::now(), &mut |done| progress_bar(done, total)).await?;
    store.save_import_mapping(unit.id, &mapping.columns, user.id, Utc::now()).await?;
    let created = outcomes.iter().filter(|o| matches!(o, ImportOutcome::Created(_))).count();
    let already = outcomes.iter().filter(|o| matches!(o, ImportOutcome::AlreadyImported(_))).count();
    let refused: Vec<RowError> = plan
        .good
        .iter()
        .zip(&outcomes)
        .filter_map(|(g, o)| match o {
            ImportOutcome::Refused(why) => Some(RowError { row: g.row, column: String::new(), reason: why.clone() }),
            _ => None,
        })
        .collect();
    println!("Đã nhập {created} đơn mới vào {}; {already} đơn đã có từ lần nhập trước.", unit.name);
    if !refused.is_empty() {
        let mut all = plan.errors.clone();
        all.extend(refused.iter().cloned());
        write_errors(&error_path, &file_name, &all)?;
        println!("{} dòng không nhập được khi ghi sổ; xem {}.", refused.len(), error_path.display());
    }
    Ok(())
}
