//! A readable table for terminals. Column widths come from the first rows (buffered), then rows
//! stream, so a 200,000-row run never buffers it all; a cell is cut with an ellipsis only where
//! the line would pass [`MAX_LINE`].
//! Widths are terminal columns (`unicode-width`), not characters: a CJK character or an emoji
//! takes two, a combining mark none, so columns line up whatever the names are written in.
//! A table is at most [`MAX_LINE`] columns wide: the widest columns give way (never below their
//! header), so no line wraps on a terminal of that width.

use std::io::{self, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

const SAMPLE_ROWS: usize = 200;
/// The widest line a table writes, in terminal columns.
pub const MAX_LINE: usize = 120;
/// The narrowest a column is made to fit [`MAX_LINE`] (or its header, if wider).
const MIN_WIDTH: usize = 6;

#[derive(Default)]
pub struct Table {
    record_type: String,
    columns: Vec<String>,
    pending: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
    tables_started: usize,
}

impl Table {
    pub fn push(
        &mut self,
        w: &mut dyn Write,
        record_type: &str,
        columns: &[&str],
        cells: Vec<String>,
    ) -> io::Result<()> {
        if self.record_type != record_type {
            self.flush(w)?;
            self.record_type = record_type.to_string();
            self.columns = columns.iter().map(|c| c.to_string()).collect();
            self.widths = None;
        }
        match &self.widths {
            Some(widths) => write_row(w, widths, &cells),
            None => {
                self.pending.push(cells);
                if self.pending.len() >= SAMPLE_ROWS {
                    self.start(w)?;
                }
                Ok(())
            }
        }
    }

    fn start(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.width()).collect();
        for row in &self.pending {
            for (i, c) in row.iter().enumerate() {
                // No cap of its own: a long cell is cut only when the line would pass MAX_LINE.
                widths[i] = widths[i].max(c.width().min(MAX_LINE));
            }
        }
        fit_line(&mut widths, &self.columns);
        if self.tables_started > 0 {
            w.write_all(b"\n")?;
        }
        self.tables_started += 1;
        write_row(w, &widths, &self.columns)?;
        let rule: Vec<String> = widths.iter().map(|n| "-".repeat(*n)).collect();
        write_row(w, &widths, &rule)?;
        for row in std::mem::take(&mut self.pending) {
            write_row(w, &widths, &row)?;
        }
        self.widths = Some(widths);
        Ok(())
    }

    pub fn flush(&mut self, w: &mut dyn Write) -> io::Result<()> {
        if self.widths.is_none() && !self.pending.is_empty() {
            self.start(w)?;
        }
        Ok(())
    }
}

/// Narrows the widest column, one terminal column at a time, until the line (columns and the
/// spaces between them) fits [`MAX_LINE`] or no column can give more.
fn fit_line(widths: &mut [usize], columns: &[String]) {
    let floor: Vec<usize> = columns.iter().map(|c| c.width().max(MIN_WIDTH)).collect();
    let line = |w: &[usize]| w.iter().sum::<usize>() + w.len().saturating_sub(1);
    while line(widths) > MAX_LINE {
        // The widest; of equally wide ones the rightmost (columns are listed by importance).
        let widest = (0..widths.len())
            .filter(|&i| widths[i] > floor[i])
            .max_by_key(|&i| widths[i]);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
}

fn write_row(w: &mut dyn Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, width) in widths.iter().enumerate() {
        let cell = cells.get(i).map(String::as_str).unwrap_or("");
        let text: String = if cell.width() > *width {
            cut(cell, width.saturating_sub(1)) + "…"
        } else {
            cell.to_string()
        };
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&text);
        if i + 1 < widths.len() {
            line.extend(std::iter::repeat_n(' ', width.saturating_sub(text.width())));
        }
    }
    writeln!(w, "{}", line.trim_end())
}

/// The longest start of `cell` that fits in `columns` terminal columns.
fn cut(cell: &str, columns: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in cell.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > columns {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> String {
        let mut t = Table::default();
        let mut w = Vec::new();
        for r in rows {
            let cells = r.iter().map(|c| c.to_string()).collect();
            t.push(&mut w, "T", &["Name", "Seats"], cells).unwrap();
        }
        t.flush(&mut w).unwrap();
        String::from_utf8(w).unwrap()
    }

    #[test]
    fn columns_line_up_by_display_width() {
        let out = table(&[&["山田太郎", "1"], &["Zoë 👩‍💻", "2"], &["Ann", "3"]]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Name     Seats");
        assert_eq!(lines[1], "-------- -----");
        // 山田太郎 is eight columns wide, as wide as the rule above it.
        assert_eq!(lines[2], "山田太郎 1");
        let seats_at = |l: &str| l[..l.rfind(' ').unwrap()].width() + 1;
        for l in &lines[2..] {
            assert_eq!(seats_at(l), 9, "{l:?}");
        }
    }

    #[test]
    fn a_wide_table_fits_the_line_and_its_widest_columns_give_way() {
        let mut t = Table::default();
        let mut w = Vec::new();
        let columns = ["Name", "Policy", "Findings", "N"];
        for i in 0..3 {
            let cells = vec![
                format!("sip:user{i}@{}", "contoso".repeat(6)),
                "Tag:ENT_CAL_REC_AudioVideo_PSTN".to_string(),
                "RecordingTierDisputed; InheritedPolicyEnterprise; PolicyUnused".to_string(),
                i.to_string(),
            ];
            t.push(&mut w, "T", &columns, cells).unwrap();
        }
        t.flush(&mut w).unwrap();
        let out = String::from_utf8(w).unwrap();
        let widest = out.lines().map(UnicodeWidthStr::width).max().unwrap();
        assert_eq!(widest, MAX_LINE, "{out}");
        let rows: Vec<&str> = out.lines().collect();
        // The narrow columns kept their text; the wide ones were cut, marked with an ellipsis.
        assert!(rows[2].contains("Tag:ENT_CAL_REC_AudioVideo_PSTN"), "{out}");
        assert!(rows[2].ends_with(" 0"), "{out}");
        assert!(rows[2].contains('…'), "{out}");
    }

    #[test]
    fn a_long_wide_cell_is_cut_only_where_the_line_would_pass_max_line() {
        // 80 columns fit beside a narrow column: shown whole.
        let fits = "漢".repeat(40);
        let out = table(&[&[&fits, "1"]]);
        let row = out.lines().nth(2).unwrap();
        assert_eq!(row.strip_suffix(" 1").unwrap().trim_end(), fits, "{out}");
        // 140 columns do not: cut to what the line leaves, with an ellipsis.
        let long = "漢".repeat(70);
        let out = table(&[&[&long, "1"]]);
        let row = out.lines().nth(2).unwrap();
        assert!(row.width() <= MAX_LINE, "{out}");
        let name = row.strip_suffix(" 1").unwrap();
        assert!(name.width() > 100, "{name}");
        assert!(name.trim_end().ends_with("漢…"), "{name}");
    }
}
