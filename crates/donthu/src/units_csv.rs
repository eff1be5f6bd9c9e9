//! `donthu unit import`: units from CSV with the header `code,name,parent_code,kind`.
//! The whole file is checked first; if any line is wrong nothing is imported and every
//! wrong line is reported with its number.

use anyhow::bail;
use donthu_core::unit::{UnitCode, UnitKind};
use donthu_store::Store;
use donthu_store::model::NewUnit;
use std::collections::HashSet;

#[derive(Debug)]
struct Row {
    line: usize,
    unit: NewUnit,
}

fn parse(text: &str, existing: &HashSet<String>) -> Result<Vec<Row>, Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(vec![format!("không đọc được dòng tiêu đề: {e}")]),
    };
    if header != ["code", "name", "parent_code", "kind"] {
        return Err(vec![format!(
            "dòng tiêu đề phải là \"code,name,parent_code,kind\", không phải \"{}\"",
            header.join(",")
        )]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("dòng {line}: không đọc được ({e})"));
                continue;
            }
        };
        let field = |n: usize| record.get(n).unwrap_or("").to_owned();
        let mut problems = Vec::new();
        let code = UnitCode::parse(&field(0)).map_err(|e| problems.push(e.message)).ok();
        let name = field(1);
        if name.is_empty() {
            problems.push("chưa có tên đơn vị".to_owned());
        }
        let parent = match field(2).as_str() {
            "" => None,
            p => UnitCode::parse(p).map_err(|e| problems.push(format!("mã đơn vị cấp trên: {}", e.message))).ok(),
        };
        let kind = UnitKind::from_code(&field(3));
        if kind.is_none() {
            let known: Vec<_> = UnitKind::ALL.iter().map(|k| k.code()).collect();
            problems.push(format!("loại đơn vị \"{}\" không hợp lệ (dùng một trong: {})", field(3), known.join(", ")));
        }
        if let Some(c) = &code
            && (existing.contains(c.as_str()) || !seen.insert(c.as_str().to_owned()))
        {
            problems.push(format!("mã \"{c}\" đã có"));
        }
        match (code, kind, problems.is_empty()) {
            (Some(code), Some(kind), true) => {
                rows.push(Row { line, unit: NewUnit { code, name, kind, parent_code: parent } })
            }
            _ => errors.push(format!("dòng {line}: {}", problems.join("; "))),
        }
    }
    // Every parent must exist already or be in the file.
    for row in &rows {
        if let Some(parent) = &row.unit.parent_code
            && !existing.contains(parent.as_str())
            && !seen.contains(parent.as_str())
        {
            errors.push(format!("dòng {}: không có đơn vị cấp trên mã \"{parent}\"", row.line));
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// Imports the units of a CSV file, parents before children. Returns how many were created.
pub async fn import(store: &dyn Store, text: &str) -> anyhow::Result<usize> {
    let existing: HashSet<String> = store.units().await?.into_iter().map(|u| u.code.to_string()).collect();
    let mut pending = match parse(text, &existing) {
        Ok(rows) => rows,
        Err(errors) => bail!("tệp có lỗi, chưa nhập đơn vị nào:\n  {}", errors.join("\n  ")),
    };
    let mut created: HashSet<String> = existing;
    let mut count = 0;
    while !pending.is_empty() {
        let (ready, waiting): (Vec<Row>, Vec<Row>) =
            pending.into_iter().partition(|r| r.unit.parent_code.as_ref().is_none_or(|p| created.contains(p.as_str())));
        if ready.is_empty() {
            let lines: Vec<_> = waiting.iter().map(|r| r.line.to_string()).collect();
            bail!("các dòng {} tạo thành vòng lặp đơn vị cấp trên", lines.join(", "));
        }
        for row in ready {
            let code = row.unit.code.to_string();
            store
                .create_unit(row.unit)
                .await
                .map_err(|e| anyhow::anyhow!("dòng {}: {}", row.line, crate::store_message(e)))?;
            created.insert(code);
            count += 1;
        }
        pending = waiting;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_reported() {
        let text = "code,name,parent_code,kind\nTU,Tỉnh ủy,,party_committee\nbnc,Ban Nội chính,TU,party_board\nVP,,TU,office\nTU,Trùng,,other\nX,Xã,NOPE,commune\n";
        let errors = parse(text, &HashSet::new()).unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:#?}");
        assert!(errors[0].starts_with("dòng 3: Mã đơn vị \"bnc\" không hợp lệ"));
        assert!(errors[1].contains("dòng 4: chưa có tên đơn vị; loại đơn vị \"office\" không hợp lệ"));
        assert!(errors[2].contains("dòng 5: mã \"TU\" đã có"));
        assert!(errors[3].contains("dòng 6: không có đơn vị cấp trên mã \"NOPE\""));
        assert!(parse("ma,ten\n", &HashSet::new()).unwrap_err()[0].contains("dòng tiêu đề"));
    }

    #[test]
    fn children_may_come_before_parents() {
        let text = "code,name,parent_code,kind\nXA,Xã Tân Lập,UB,commune\nUB,UBND tỉnh,,peoples_committee\n";
        assert_eq!(parse(text, &HashSet::new()).unwrap().len(), 2);
    }
}
