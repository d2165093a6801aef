//! A readable table for terminals. Column widths come from the first rows (buffered), then rows
//! stream; over-long cells are cut with an ellipsis so a 200,000-row run never buffers it all.

use std::io::{self, Write};

const SAMPLE_ROWS: usize = 200;
const MAX_WIDTH: usize = 48;

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
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &self.pending {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count().min(MAX_WIDTH));
            }
        }
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

fn write_row(w: &mut dyn Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, width) in widths.iter().enumerate() {
        let cell = cells.get(i).map(String::as_str).unwrap_or("");
        let n = cell.chars().count();
        let text: String = if n > *width {
            cell.chars()
                .take(width.saturating_sub(1))
                .chain(std::iter::once('…'))
                .collect()
        } else {
            cell.to_string()
        };
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&text);
        if i + 1 < widths.len() {
            line.extend(std::iter::repeat_n(' ', width - text.chars().count()));
        }
    }
    writeln!(w, "{}", line.trim_end())
}
