//! Second pass: the workbook. Overview and Report Details from the totals, then one sheet per
//! kind of record, each an Excel table (filters, frozen header row, fitted columns) written row
//! by row from its spool file in constant memory.

use super::catalog::SHEETS;
use super::cells::{self, Cell};
use super::collect::{Answers, Collected, SheetData, Stats, Tiers};
use super::glossary;
use super::ReportSheet;
use chrono::{DateTime, Utc};
use rust_xlsxwriter::{
    Chart, ChartType, Color, ExcelDateTime, Format, FormatBorder, Table, TableColumn, Workbook,
    Worksheet, XlsxError,
};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Seek, Write};
use std::ops::{Deref, DerefMut};
use std::path::Path;

/// Data rows per sheet: Excel's 1,048,576 rows less the header. Larger sets continue on
/// "<Sheet> (2)".
pub const MAX_DATA_ROWS: u64 = 1_048_575;
/// Excel's columns a sheet.
pub const MAX_COLUMNS: usize = 16_384;
/// Cells (header included) up to which a detail sheet is an Excel table; a larger one gets a
/// filter on its frozen header row instead. rust_xlsxwriter 0.96 keeps about 35 bytes a cell
/// to check that tables do not overlap (`Worksheet::add_table`), even in constant-memory mode:
/// a table over 300,000 users' rows took ~200 MB, a million users' most of a GB (issue #22
/// item 7). 500,000 cells (25,000 rows of 20 columns) keep that under ~20 MB.
pub const MAX_TABLE_CELLS: u64 = 500_000;

/// A usage window shorter than this is stated on the Overview as weaker evidence.
pub const MIN_WINDOW_DAYS: i64 = 30;

/// What the Report Details sheet says about the run itself.
pub struct Meta {
    pub tool_version: String,
    pub generated_at: DateTime<Utc>,
    pub as_of: DateTime<Utc>,
    /// The audit's date as the workbook states it: from the records ([`as_of_text`]).
    pub as_of_text: String,
    pub output: String,
}

/// The audit's date from its records (the dates they carry: a usage window's end, the UAL
/// evidence's as-of), not the day the workbook is built; the span when they disagree, e.g.
/// "2026-11-30 (records span 2026-11-28 … 2026-11-30)". `given` (report's own --as-of, or when it
/// ran) only when no record states a date, and then said so.
pub fn as_of_text(stats: &Stats, given: DateTime<Utc>) -> String {
    let day = |d: DateTime<Utc>| d.format("%Y-%m-%d").to_string();
    match stats.record_dates {
        // One instant: with its time unless it is midnight UTC. An as-of given as a local date
        // east of Greenwich (-AsOf 2026-11-01 in Berlin is 2026-10-31T23:00Z) would otherwise
        // read as the day before.
        Some((first, last)) if first == last && last.time() != chrono::NaiveTime::MIN => {
            last.format("%Y-%m-%d %H:%M UTC").to_string()
        }
        Some((first, last)) if day(first) == day(last) => day(last),
        Some((first, last)) => format!(
            "{} (records span {} … {})",
            day(last),
            day(first),
            day(last)
        ),
        None => format!(
            "{} (no record states its date: the report's as-of)",
            day(given)
        ),
    }
}

struct Formats {
    title: Format,
    bold: Format,
    header: Format,
    cell: Format,
    short: Format,
    warn: Format,
    money: Format,
    date: Format,
    text: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_align(rust_xlsxwriter::FormatAlign::Top)
                    .set_background_color(Color::RGB(0xD9E1F2)),
            ),
            cell: border(Format::new()),
            short: border(
                Format::new()
                    .set_bold()
                    .set_font_color(Color::RGB(0x9C0006))
                    .set_background_color(Color::RGB(0xFFC7CE)),
            ),
            warn: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x9C0006)),
            money: border(Format::new().set_num_format("#,##0.00")),
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            // A quote prefix keeps text that starts like a formula as text, even when edited.
            text: Format::new().set_quote_prefix(),
            wrap: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
        }
    }
}

/// A worksheet that remembers the rows and columns it wrote: rust_xlsxwriter keeps its used range
/// to itself, and the ReportSheet record of the Overview and Report Details must count what is
/// on the sheet (the detail sheets count their records). Everything else goes to the worksheet.
struct Tracked {
    ws: Worksheet,
    rows: BTreeSet<u32>,
    /// One past the last column written.
    columns: u16,
}

impl Tracked {
    fn new() -> Tracked {
        Tracked {
            ws: Worksheet::new(),
            rows: BTreeSet::new(),
            columns: 0,
        }
    }

    /// Cells written other than by the methods below (a table's header row, `put`).
    fn note(&mut self, first_row: u32, last_row: u32, last_col: u16) {
        self.rows.extend(first_row..=last_row);
        self.columns = self.columns.max(last_col + 1);
    }

    fn write_string(
        &mut self,
        row: u32,
        col: u16,
        text: impl Into<String>,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.note(row, row, col);
        let text = text.into();
        self.ws.write_string(row, col, cells::fit(&text))
    }

    fn write_string_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: impl Into<String>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.note(row, row, col);
        let text = text.into();
        self.ws
            .write_string_with_format(row, col, cells::fit(&text), format)
    }

    fn write_number(
        &mut self,
        row: u32,
        col: u16,
        number: impl Into<f64>,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.note(row, row, col);
        self.ws.write_number(row, col, cells::number(number.into()))
    }

    fn write_number_with_format(
        &mut self,
        row: u32,
        col: u16,
        number: impl Into<f64>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.note(row, row, col);
        self.ws
            .write_number_with_format(row, col, cells::number(number.into()), format)
    }

    /// The worksheet, the rows it has content in, and its columns.
    fn finish(self) -> (Worksheet, u64, u64) {
        (self.ws, self.rows.len() as u64, u64::from(self.columns))
    }
}

impl Deref for Tracked {
    type Target = Worksheet;
    fn deref(&self) -> &Worksheet {
        &self.ws
    }
}

impl DerefMut for Tracked {
    fn deref_mut(&mut self) -> &mut Worksheet {
        &mut self.ws
    }
}

fn day(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn s<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

fn n(m: &Map<String, Value>, k: &str) -> f64 {
    match m.get(k) {
        Some(Value::Number(x)) => x.as_f64().unwrap_or(0.0),
        Some(Value::String(t)) => t.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Writes one cell, the way every sheet does: text that looks like a formula stays text.
fn put(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, c: &Cell) -> Result<(), XlsxError> {
    match c {
        Cell::Empty => {}
        Cell::Text(t) if cells::looks_like_formula(t) => {
            ws.write_string_with_format(row, col, cells::fit(t), &f.text)?;
        }
        Cell::Text(t) => {
            ws.write_string(row, col, cells::fit(t))?;
        }
        Cell::Number(x) => {
            ws.write_number(row, col, cells::number(*x))?;
        }
        Cell::Date(d) => match ExcelDateTime::from_timestamp(d.timestamp()) {
            Ok(x) => {
                ws.write_datetime_with_format(row, col, &x, &f.date)?;
            }
            Err(_) => {
                ws.write_string(row, col, d.to_rfc3339())?;
            }
        },
    }
    Ok(())
}

/// Writes the workbook and says which sheets it has.
pub fn write(
    path: &Path,
    temporary: Option<&Path>,
    collected: Collected,
    meta: &Meta,
) -> Result<Vec<ReportSheet>, XlsxError> {
    let Collected { sheets, stats } = collected;
    let f = Formats::new();
    let mut wb = Workbook::new();
    let mut out = Vec::new();

    // Rows: what is on the sheet, as a detail sheet counts its records: every row with content,
    // less the header row at the top (the Overview has a title there, not a header).
    let (overview, rows, columns) = overview(&stats, meta, &f)?.finish();
    wb.push_worksheet(overview);
    out.push(ReportSheet {
        sheet: "Overview".into(),
        rows,
        record_types: summary_types(&stats),
        columns,
        incomplete_inputs: Vec::new(),
    });
    let (details, rows, columns) = report_details(&stats, &sheets, meta, &f)?.finish();
    wb.push_worksheet(details);
    out.push(ReportSheet {
        sheet: "Report Details".into(),
        rows: rows.saturating_sub(1),
        record_types: Vec::new(),
        columns,
        incomplete_inputs: Vec::new(),
    });

    let (glossary, rows, columns) = how_to_read(&f)?.finish();
    wb.push_worksheet(glossary);
    out.push(ReportSheet {
        sheet: HOW_TO_READ.into(),
        rows: rows.saturating_sub(1),
        record_types: Vec::new(),
        columns,
        incomplete_inputs: Vec::new(),
    });
    for data in sheets {
        out.extend(detail_sheets(&mut wb, data, &f)?);
    }
    // To the caller's temporary, which it puts in place (see ReportOptions::output_temporary).
    save(&mut wb, temporary.unwrap_or(path))?;
    Ok(out)
}

/// The sheet that defines every column ([`glossary::DEFINITIONS`]).
pub const HOW_TO_READ: &str = "How to read this";

/// "How to read this": one table, Column and What it means, sorted by column.
fn how_to_read(f: &Formats) -> Result<Tracked, XlsxError> {
    let mut ws = Tracked::new();
    ws.set_name(HOW_TO_READ)?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 110)?;
    let mut rows: Vec<&(&str, &str)> = glossary::DEFINITIONS.iter().collect();
    rows.sort_by_key(|(c, _)| c.to_ascii_lowercase());
    for (c, h) in ["Column", "What it means"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
    }
    for (i, (column, meaning)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string_with_format(r, 0, *column, &f.cell)?;
        ws.write_string_with_format(r, 1, *meaning, &f.cell)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(ws)
}

/// Saves through [`FailOnce`]: on a full disk the error is returned once, and the zip writer's
/// own attempt to finish when dropped (which printed "ZipWriter::drop: …" on standard error,
/// on the line of a JSON diagnostic) writes into nothing.
fn save(wb: &mut Workbook, path: &Path) -> Result<(), XlsxError> {
    let file = std::fs::File::create(path)?;
    let mut w = FailOnce {
        file: std::io::BufWriter::new(file),
        failed: None,
    };
    let saved = wb.save_to_writer(&mut w);
    if let Some(e) = w.failed.take() {
        return Err(XlsxError::IoError(e));
    }
    saved?;
    w.file.flush().map_err(XlsxError::IoError)?;
    w.file.get_ref().sync_all().map_err(XlsxError::IoError)
}

/// A file that, after its first failed write, takes everything without writing it (the
/// failure is kept for the caller).
struct FailOnce {
    file: std::io::BufWriter<std::fs::File>,
    failed: Option<std::io::Error>,
}

impl std::io::Write for FailOnce {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed.is_some() {
            return Ok(buf.len());
        }
        self.file.write(buf).map_err(|e| self.fail(e))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        self.file.flush().map_err(|e| self.fail(e))
    }
}

impl std::io::Seek for FailOnce {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.failed.is_some() {
            return Ok(0);
        }
        self.file.seek(pos).map_err(|e| self.fail(e))
    }
}

impl FailOnce {
    fn fail(&mut self, e: std::io::Error) -> std::io::Error {
        let told = std::io::Error::new(e.kind(), e.to_string());
        self.failed = Some(e);
        told
    }
}

fn summary_types(stats: &Stats) -> Vec<String> {
    let mut t = Vec::new();
    for (name, present) in [
        ("LyncCalSummary", !stats.cal_summaries.is_empty()),
        ("LyncUsageCoverage", !stats.coverage.is_empty()),
        ("UalEvidenceSummary", !stats.ual_summaries.is_empty()),
        (
            "LyncCalRightSizingSummary",
            !stats.rightsizing_summaries.is_empty(),
        ),
        ("TeamsAssignmentSummary", !stats.teams_summaries.is_empty()),
    ] {
        if present {
            t.push(name.to_string());
        }
    }
    t
}

fn detail_sheets(
    wb: &mut Workbook,
    data: SheetData,
    f: &Formats,
) -> Result<Vec<ReportSheet>, XlsxError> {
    let spec = &SHEETS[data.spec];
    let mut cols = data.used_columns();
    // Excel's 16,384 columns: the fields past them are left out, and the last column says how
    // many (a sheet of more would end the workbook).
    let left_out = cols.len().saturating_sub(MAX_COLUMNS - 1);
    if left_out > 0 {
        cols.truncate(MAX_COLUMNS - 1);
    }
    let headers: Vec<String> = cols.iter().map(|i| data.columns[*i].clone()).collect();
    // What the table shows as each column's name: sanitized, and unique (Excel refuses a
    // table whose names repeat, ignoring case; two names may sanitize alike).
    let mut names: Vec<String> = Vec::with_capacity(headers.len() + 1);
    let mut taken = std::collections::HashSet::new();
    for h in &headers {
        let base = cells::header(h);
        let mut name = base.clone();
        let mut n = 1;
        while !taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{base} ({n})");
        }
        names.push(name);
    }
    if left_out > 0 {
        names.push(format!(
            "{left_out} more field(s) not shown: Excel's limit is 16,384 columns"
        ));
    }
    let kinds: Vec<String> = data.kinds.keys().cloned().collect();
    let total = data.rows;
    let mut file = data
        .spool
        .into_inner()
        .map_err(|e| XlsxError::IoError(e.into_error()))?;
    file.rewind()?;
    let mut lines = BufReader::new(file).lines();
    let mut out = Vec::new();
    let mut written = 0u64;
    let mut part = 0u32;
    while written < total {
        part += 1;
        let rows = (total - written).min(MAX_DATA_ROWS);
        let mut ws = wb.new_worksheet_with_constant_memory();
        let (name, table_name) = if part == 1 {
            (spec.name.to_string(), spec.table.to_string())
        } else {
            (
                format!("{} ({part})", spec.name),
                format!("{}{part}", spec.table),
            )
        };
        ws.set_name(&name)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        for (c, i) in cols.iter().enumerate() {
            ws.set_column_width(c as u16, (data.widths[*i] + 2).max(8) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        header_row(&mut ws, f, &names, &table_name, rows)?;
        for r in 0..rows {
            let line = lines.next().transpose()?.unwrap_or_default();
            let row: Map<String, Value> = serde_json::from_str(&line).unwrap_or_default();
            for (c, h) in headers.iter().enumerate() {
                let v = row.get(h).unwrap_or(&Value::Null);
                put(&mut ws, f, (r + 1) as u32, c as u16, &cells::cell(h, v))?;
            }
        }
        written += rows;
        wb.push_worksheet(ws);
        out.push(ReportSheet {
            sheet: name,
            rows,
            record_types: kinds.clone(),
            columns: names.len() as u64,
            incomplete_inputs: Vec::new(),
        });
    }
    Ok(out)
}

/// A detail sheet's header row over `rows` data rows: an Excel table named `table_name` up to
/// [`MAX_TABLE_CELLS`], else the same header with a filter on it (constant memory).
fn header_row(
    ws: &mut Worksheet,
    f: &Formats,
    names: &[String],
    table_name: &str,
    rows: u64,
) -> Result<(), XlsxError> {
    let last_col = (names.len() - 1) as u16;
    if (rows + 1).saturating_mul(names.len() as u64) <= MAX_TABLE_CELLS {
        let columns: Vec<TableColumn> = names
            .iter()
            .map(|h| TableColumn::new().set_header(h))
            .collect();
        let table = Table::new().set_name(table_name).set_columns(&columns);
        ws.add_table(0, 0, rows as u32, last_col, &table)?;
        return Ok(());
    }
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.header)?;
    }
    ws.autofilter(0, 0, rows as u32, last_col)?;
    Ok(())
}

/// The Overview's line on what depends on the rule set: Enterprise users under the rule set
/// the records are compared with (strict, the worst case, for a default run), and how many
/// users' and devices' (a meeting room's policy flips too) answers move. An auditor signs the
/// run's figure and needs the exposure if the other reading were applied; User Details'
/// EnterpriseUnderOtherRules column names the users.
fn other_rules_line(stats: &Stats) -> Option<String> {
    let (users, devices) = (&stats.configured_users, &stats.configured_devices);
    if stats.other_rules.is_empty() || users.total + devices.total == 0 {
        return None;
    }
    let join = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join("/");
    let other = stats.enterprise_other_users + stats.enterprise_other_devices;
    let delta = other as i64 - (users.enterprise + devices.enterprise) as i64;
    Some(format!(
        "Enterprise under the {} rule set: {} user(s), {} device(s), {delta:+} against {} ({} user(s), {} device(s) whose answer depends on the rule set: User Details, EnterpriseUnderOtherRules)",
        join(&stats.other_rules),
        stats.enterprise_other_users,
        stats.enterprise_other_devices,
        join(&stats.rules),
        stats.rules_differ_users,
        stats.rules_differ_devices,
    ))
}

fn tier_rows(t: &Tiers) -> [f64; 3] {
    [t.standard as f64, t.enterprise as f64, t.plus as f64]
}

/// How an Overview cell looks: one of the [`Formats`], or none.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Look {
    Plain,
    Title,
    Bold,
    Header,
    Cell,
    Short,
    Warn,
    Money,
}

impl Look {
    fn format(self, f: &Formats) -> Option<&Format> {
        match self {
            Look::Plain => None,
            Look::Title => Some(&f.title),
            Look::Bold => Some(&f.bold),
            Look::Header => Some(&f.header),
            Look::Cell => Some(&f.cell),
            Look::Short => Some(&f.short),
            Look::Warn => Some(&f.warn),
            Look::Money => Some(&f.money),
        }
    }
}

/// What an Overview cell holds.
#[derive(Debug, Clone, PartialEq)]
enum Content {
    Text(String),
    Number(f64),
}

/// One Overview cell.
#[derive(Debug, Clone, PartialEq)]
struct Put {
    row: u32,
    col: u16,
    content: Content,
    look: Look,
}

/// The Overview as data: each section adds its cells at the cursor row, and [`Page::write`]
/// puts them on the sheet in one loop. Cells are kept in the order the sections add them: the
/// order a format is first used in fixes its style id in the workbook.
#[derive(Default)]
struct Page {
    /// The next row a section writes to.
    row: u32,
    cells: Vec<Put>,
    /// Rows twice the usual height (a header whose names wrap).
    tall_rows: Vec<u32>,
    /// The tier chart and the cell its top left corner is on.
    chart: Option<(u32, u16, Chart)>,
}

impl Page {
    fn text(&mut self, row: u32, col: u16, text: impl Into<String>, look: Look) {
        let content = Content::Text(text.into());
        self.cells.push(Put {
            row,
            col,
            content,
            look,
        });
    }

    fn number(&mut self, row: u32, col: u16, number: f64, look: Look) {
        let content = Content::Number(number);
        self.cells.push(Put {
            row,
            col,
            content,
            look,
        });
    }

    /// A line of text in column A at the cursor row; the cursor moves down `advance` rows.
    fn line(&mut self, text: impl Into<String>, look: Look, advance: u32) {
        self.text(self.row, 0, text, look);
        self.row += advance;
    }

    /// A header row at the cursor row (the cursor stays).
    fn header<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        for (c, name) in names.into_iter().enumerate() {
            self.text(self.row, c as u16, name, Look::Header);
        }
    }

    /// A label and its number in columns A and B; the cursor moves to the next row.
    fn figure(&mut self, label: impl Into<String>, label_look: Look, value: f64, look: Look) {
        self.text(self.row, 0, label, label_look);
        self.number(self.row, 1, value, look);
        self.row += 1;
    }

    /// The one writer: every cell as its look says, then the row heights and the chart.
    fn write(self, ws: &mut Tracked, f: &Formats) -> Result<(), XlsxError> {
        for Put {
            row,
            col,
            content,
            look,
        } in self.cells
        {
            match (content, look.format(f)) {
                (Content::Text(t), None) => ws.write_string(row, col, t)?,
                (Content::Text(t), Some(format)) => {
                    ws.write_string_with_format(row, col, t, format)?
                }
                (Content::Number(x), None) => ws.write_number(row, col, x)?,
                (Content::Number(x), Some(format)) => {
                    ws.write_number_with_format(row, col, x, format)?
                }
            };
        }
        for row in self.tall_rows {
            ws.set_row_height(row, 30)?;
        }
        if let Some((row, col, chart)) = self.chart {
            ws.insert_chart(row, col, &chart)?;
        }
        Ok(())
    }
}

/// A part of the Overview: adds its cells at the cursor row (none when its records are
/// absent).
type Section = fn(&mut Page, &Stats, &Meta);

/// The Overview, top to bottom.
const OVERVIEW: &[Section] = &[
    heading,
    incomplete_inputs,
    lync_users,
    lync_devices,
    usage_evidence,
    lync_position,
    server_cals,
    rightsizing,
    uc_totals,
    teams_assignments,
    trend_alerts,
    kept_out,
];

fn overview(stats: &Stats, meta: &Meta, f: &Formats) -> Result<Tracked, XlsxError> {
    let mut ws = Tracked::new();
    ws.set_name("Overview")?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 1);
    ws.set_column_width(0, 46)?;
    for c in 1..=7 {
        ws.set_column_width(c, 15)?;
    }
    let mut page = Page::default();
    for section in OVERVIEW {
        section(&mut page, stats, meta);
    }
    page.write(&mut ws, f)?;
    Ok(ws)
}

fn heading(page: &mut Page, _: &Stats, meta: &Meta) {
    page.line(
        "LicenseAudit: licence position for the true-up",
        Look::Title,
        1,
    );
    page.line(
        format!(
            "As of {} · generated {} by license-audit {}",
            meta.as_of_text,
            day(meta.generated_at),
            meta.tool_version
        ),
        Look::Plain,
        1,
    );
    page.line("Values: Yes = this licence type is required; No = not required; Insufficient Data = could not be determined (MAP Toolkit)", Look::Plain, 2);
}

/// Never a zero from unread data (issue #21 item 2): totals built on partly read input say so
/// above them all, naming the files.
fn incomplete_inputs(page: &mut Page, stats: &Stats, _: &Meta) {
    if !stats.incomplete_inputs.is_empty() {
        let line = crate::model::incomplete_line(&stats.incomplete_inputs);
        page.line(cells::fit(&line), Look::Warn, 2);
    }
}

/// The Lync tiers, users: configured vs used vs licensed, each when its records are given.
#[derive(Clone, Copy)]
struct LyncUsers {
    configured: Option<Tiers>,
    used: Option<Answers>,
    licensed: Option<Tiers>,
}

impl LyncUsers {
    /// None when neither configured nor used tiers are given: no Lync section.
    fn of(stats: &Stats) -> Option<LyncUsers> {
        let configured = if stats.configured_users.total > 0 {
            Some(stats.configured_users)
        } else if stats.rs_configured.total > 0 {
            Some(stats.rs_configured)
        } else {
            None
        };
        let used = if stats.used_users.total > 0 {
            Some(stats.used_users)
        } else if stats.rs_used.total > 0 {
            Some(stats.rs_used)
        } else {
            None
        };
        let licensed = (stats.licensed.total > 0).then_some(stats.licensed);
        (configured.is_some() || used.is_some()).then_some(LyncUsers {
            configured,
            used,
            licensed,
        })
    }
}

/// A column of the users' tier table: its header and what it holds for tier `i` (Standard,
/// Enterprise, Plus), None when its records are not given.
type TierColumn = (&'static str, fn(&LyncUsers, usize) -> Option<f64>);

const TIERS: [&str; 3] = ["Standard", "Enterprise", "Plus"];

/// The counts: "not given" when absent.
const USER_COUNTS: &[TierColumn] = &[
    ("Configured", |t, i| t.configured.map(|c| tier_rows(&c)[i])),
    ("Used", |t, i| t.used.map(|u| u.yes[i] as f64)),
    ("Used: Insufficient Data", |t, i| {
        t.used.map(|u| u.insufficient[i] as f64)
    }),
    ("Licensed", |t, i| t.licensed.map(|l| tier_rows(&l)[i])),
];

/// What the licences fall short of: blank unless both sides are given.
const USER_SHORTFALLS: &[TierColumn] = &[
    ("Short vs configured", |t, i| {
        t.configured.map(|c| tier_rows(&c)[i])
    }),
    ("Short vs used", |t, i| t.used.map(|u| u.yes[i] as f64)),
];

fn lync_users(page: &mut Page, stats: &Stats, _: &Meta) {
    let Some(t) = LyncUsers::of(stats) else {
        return;
    };
    page.line(
        "Lync / Skype for Business Server CALs: users",
        Look::Bold,
        1,
    );
    page.tall_rows.push(page.row);
    page.header(
        std::iter::once("Tier")
            .chain(USER_COUNTS.iter().map(|c| c.0))
            .chain(USER_SHORTFALLS.iter().map(|c| c.0)),
    );
    let first = page.row + 1;
    for (i, tier) in TIERS.iter().enumerate() {
        let r = first + i as u32;
        page.text(r, 0, *tier, Look::Cell);
        let mut col = 1;
        for (_, value) in USER_COUNTS {
            match value(&t, i) {
                Some(x) => page.number(r, col, x, Look::Cell),
                None => page.text(r, col, "not given", Look::Cell),
            }
            col += 1;
        }
        let licensed = t.licensed.map(|l| tier_rows(&l)[i]);
        for (_, need) in USER_SHORTFALLS {
            match (need(&t, i), licensed) {
                (Some(need), Some(l)) => {
                    let gap = (need - l).max(0.0);
                    let look = if gap > 0.0 { Look::Short } else { Look::Cell };
                    page.number(r, col, gap, look);
                }
                _ => page.text(r, col, "", Look::Cell),
            }
            col += 1;
        }
    }
    if let Some(c) = t.configured.filter(|c| c.undetermined > 0) {
        page.text(first + 3, 0, format!("Enterprise undetermined for {} user(s): assigned conferencing policy missing (see User Details Findings)", c.undetermined), Look::Warn);
    }
    if let Some(line) = other_rules_line(stats) {
        page.text(first + 4, 0, line, Look::Cell);
    }
    page.chart = Some((4, 8, tier_chart(&t, first)));
    page.row = first + 5;
}

/// The bar chart: Standard / Enterprise / Plus, configured vs used (vs licensed), from the
/// users' table whose first tier row is `first`.
fn tier_chart(t: &LyncUsers, first: u32) -> Chart {
    let mut chart = Chart::new(ChartType::Column);
    chart
        .title()
        .set_name("Standard / Enterprise / Plus: configured vs used");
    let series: [(u16, &str, bool); 3] = [
        (1, "Configured", t.configured.is_some()),
        (2, "Used", t.used.is_some()),
        (4, "Licensed", t.licensed.is_some()),
    ];
    for (col, name, present) in series {
        if present {
            chart
                .add_series()
                .set_name(name)
                .set_categories(("Overview", first, 0, first + 2, 0))
                .set_values(("Overview", first, col, first + 2, col));
        }
    }
    chart.y_axis().set_name("Users");
    chart
}

/// The devices' tier table, below the users' when either has devices.
fn lync_devices(page: &mut Page, stats: &Stats, _: &Meta) {
    if LyncUsers::of(stats).is_none()
        || (stats.configured_devices.total == 0 && stats.used_devices.total == 0)
    {
        return;
    }
    page.line(
        "Devices (common area phones, analog devices, room systems, IP phones, computers)",
        Look::Bold,
        1,
    );
    page.tall_rows.push(page.row);
    page.header(["Tier", "Configured", "Used", "Used: Insufficient Data"]);
    let configured = tier_rows(&stats.configured_devices);
    let used = &stats.used_devices;
    for (i, tier) in TIERS.iter().enumerate() {
        let r = page.row + 1 + i as u32;
        page.text(r, 0, *tier, Look::Cell);
        for (col, x) in [
            (1u16, configured[i]),
            (2, used.yes[i] as f64),
            (3, used.insufficient[i] as f64),
        ] {
            page.number(r, col, x, Look::Cell);
        }
    }
    page.row += 5;
}

/// How far the usage answers can be trusted: servers whose monitoring data starts late, and the
/// usage window; closes the Lync section.
fn usage_evidence(page: &mut Page, stats: &Stats, _: &Meta) {
    if LyncUsers::of(stats).is_none() {
        return;
    }
    for c in &stats.coverage {
        if c.get("WindowCovered") == Some(&Value::Bool(false)) {
            page.line(format!("The monitoring data of {} starts after the window start: answers without evidence are Insufficient Data", s(c, "Server")), Look::Warn, 1);
        }
    }
    match stats.shortest_window() {
        Some(days) if days < MIN_WINDOW_DAYS => page.line(format!("The usage window is {days} days, shorter than {} days: usage answers (and right-sizing built on them) are weaker; seasonal and monthly use may be missed", MIN_WINDOW_DAYS), Look::Warn, 1),
        Some(days) => page.line(format!("Usage window: {days} days"), Look::Plain, 1),
        None => {}
    }
    page.row += 1;
}

/// How a column of a record table shows the record's field.
#[derive(Clone, Copy)]
enum Shows {
    Text,
    Number,
    /// A number when the record holds one, else blank
    NumberOrBlank,
}

/// A column of a table with one row per record: header, the record's field, how it shows.
type RecordColumn = (&'static str, &'static str, Shows);

/// LyncCalPosition records.
const LYNC_POSITION: &[RecordColumn] = &[
    ("Tier", "Tier", Shows::Text),
    ("Rules", "Rules", Shows::Text),
    ("Required", "Required", Shows::Number),
    ("Owned", "Owned", Shows::Number),
    ("Shortfall", "Shortfall", Shows::Number),
    ("Surplus", "Surplus", Shows::Number),
    (
        "ShortfallUnderOtherRules",
        "ShortfallUnderOtherRules",
        Shows::Number,
    ),
];

/// ServerCalCompliance records.
const SERVER_CALS: &[RecordColumn] = &[
    ("Product", "Product", Shows::Text),
    ("CAL type", "CalType", Shows::Text),
    ("Version", "Version", Shows::NumberOrBlank),
    ("Required", "Required", Shows::Number),
    ("Owned", "Owned", Shows::Number),
    ("Covered", "Covered", Shows::Number),
    // Shortfall is Required less Covered less this: without it the row does not add up.
    ("Assumed covered", "AssumedCovered", Shows::Number),
    ("Shortfall", "Shortfall", Shows::Number),
];

/// A header and one row per record, a record short (Shortfall above 0) in the short look;
/// returns the records' total Shortfall.
fn record_table(page: &mut Page, records: &[Map<String, Value>], columns: &[RecordColumn]) -> f64 {
    page.header(columns.iter().map(|c| c.0));
    page.row += 1;
    let mut short_total = 0.0;
    for m in records {
        let shortfall = n(m, "Shortfall");
        short_total += shortfall;
        let look = if shortfall > 0.0 {
            Look::Short
        } else {
            Look::Cell
        };
        for (c, &(_, field, shows)) in columns.iter().enumerate() {
            let c = c as u16;
            match (shows, m.get(field)) {
                (Shows::Text, _) => page.text(page.row, c, s(m, field), look),
                (Shows::Number, _) => page.number(page.row, c, n(m, field), look),
                (Shows::NumberOrBlank, Some(Value::Number(v))) => {
                    page.number(page.row, c, v.as_f64().unwrap_or(0.0), look)
                }
                (Shows::NumberOrBlank, _) => page.text(page.row, c, "", look),
            }
        }
        page.row += 1;
    }
    short_total
}

/// The Lync CAL position against owned counts (LyncCalPosition records), one row per tier as
/// the records give them: required, owned, shortfall, surplus.
fn lync_position(page: &mut Page, stats: &Stats, _: &Meta) {
    if stats.lync_positions.is_empty() {
        return;
    }
    page.line(
        "Lync / Skype for Business Server CAL position (owned as counts)",
        Look::Bold,
        1,
    );
    let short_total = record_table(page, &stats.lync_positions, LYNC_POSITION);
    let short_other = stats
        .lync_positions
        .iter()
        .fold(0.0, |sum, m| sum + n(m, "ShortfallUnderOtherRules"));
    // What an auditor taking the other rule set (strict, for a default run) would count: the
    // difference is the money that rests on the rule set presented.
    if short_other > short_total {
        let other = stats
            .lync_positions
            .first()
            .map(|m| s(m, "OtherRules"))
            .unwrap_or_default();
        page.line(format!("Under the {other} rule set: {short_other} Lync CAL(s) short, {} more (ShortfallUnderOtherRules; see Lync CALs)", short_other - short_total), Look::Warn, 1);
    }
    if short_total > 0.0 {
        page.line(format!("{short_total} Lync CAL(s) short of the configured requirement: see Lync CALs (Enterprise and Plus are added to Standard, so every Enterprise or Plus user is in the Standard row too)"), Look::Warn, 2);
    } else {
        page.line("No Lync CAL shortfall against the configured requirement (Enterprise and Plus are added to Standard: every Enterprise or Plus user is in the Standard row too)", Look::Cell, 2);
    }
}

/// Server CAL compliance position.
fn server_cals(page: &mut Page, stats: &Stats, _: &Meta) {
    if stats.compliance.is_empty() {
        return;
    }
    page.line(
        "Server CAL compliance position (User Access Logging)",
        Look::Bold,
        1,
    );
    let short_total = record_table(page, &stats.compliance, SERVER_CALS);
    if short_total > 0.0 {
        page.line(
            format!("{short_total} server CAL(s) short: see Server CALs"),
            Look::Warn,
            2,
        );
    } else {
        page.line("No server CAL shortfall", Look::Plain, 2);
    }
}

/// The right-sizing recommendations counted: code, label, and whether any is a warning.
const RECOMMENDATIONS: &[(&str, &str, bool)] = &[
    ("Downgrade", "Downgrade", false),
    ("Upgrade", "Upgrade", false),
    ("Unchanged", "Unchanged", false),
    ("Exposure", "Exposure", true),
    ("InsufficientData", "Insufficient Data", false),
    ("NoCalNeeded", "NoCalNeeded", false),
];

fn rightsizing(page: &mut Page, stats: &Stats, _: &Meta) {
    if stats.rightsizing.is_empty() {
        return;
    }
    page.line(
        "Right-sizing: configured vs used vs licensed",
        Look::Bold,
        1,
    );
    page.header(["Recommendation", "Users"]);
    page.row += 1;
    for &(code, label, warns) in RECOMMENDATIONS {
        let count = stats.rightsizing.get(code).copied().unwrap_or(0) as f64;
        let look = if warns && count > 0.0 {
            Look::Short
        } else {
            Look::Cell
        };
        page.figure(label, look, count, look);
    }
    if let Some(v) = stats.saving {
        page.figure("Yearly saving (CALs freed)", Look::Cell, v, Look::Money);
    }
    if let Some(v) = stats.exposure {
        let look = if v > 0.0 { Look::Short } else { Look::Money };
        page.figure(
            "Yearly exposure (CALs used beyond the licence)",
            look,
            v,
            Look::Money,
        );
    }
    if stats.rs_weak > 0 {
        page.line(format!("{} recommendation(s) are Weak: the usage window is shorter than 30 days or unknown", stats.rs_weak), Look::Warn, 1);
    }
    page.row += 1;
}

/// A total of the run: label and value.
type Total = (&'static str, fn(&Stats) -> f64);

/// The UC licence totals.
const UC_TOTALS: &[Total] = &[
    ("Customers", |s| s.uc_customers as f64),
    ("User licences", |s| s.uc_user_licences),
];

fn uc_totals(page: &mut Page, stats: &Stats, _: &Meta) {
    if stats.uc_customers == 0 {
        return;
    }
    page.line("UC licence totals", Look::Bold, 1);
    for (label, value) in UC_TOTALS {
        page.figure(*label, Look::Plain, value(stats), Look::Plain);
    }
    page.row += 1;
}

/// A TeamsAssignmentSummary's counts: label and field.
const TEAMS_COUNTS: &[(&str, &str)] = &[
    ("Accounts evaluated", "AccountsEvaluated"),
    ("Waste findings (reclaimable licences)", "Waste"),
    ("Broken findings (voice without a licence)", "Broken"),
    ("Risk findings (licence in grace)", "Risk"),
    (
        "Info findings (review items: may be in use, nothing reclaimable)",
        "Info",
    ),
];

/// What a saving leaves out (shown with a saving only): label and field.
const TEAMS_BESIDE_SAVING: &[(&str, &str)] = &[
    (
        "Monthly value in suites (recovered only by changing the suite)",
        "MonthlyValueInSuites",
    ),
    (
        "Monthly value not placed by the licence data",
        "MonthlyValueUnknown",
    ),
];

fn teams_assignments(page: &mut Page, stats: &Stats, _: &Meta) {
    for t in &stats.teams_summaries {
        page.line("Teams licence assignments", Look::Bold, 1);
        for (label, field) in TEAMS_COUNTS {
            page.figure(*label, Look::Plain, n(t, field), Look::Plain);
        }
        if let Some(v) = t.get("MonthlyWaste").and_then(Value::as_f64) {
            // A saving only when the audit had the licence data (WasteBasis Saving); otherwise
            // plans inside suites are in it at their plan prices (records of an engine before
            // WasteBasis are plan value too).
            let saving = t.get("WasteBasis").and_then(Value::as_str) == Some("Saving");
            let label = if saving {
                "Monthly saving (reclaimable plans bought separately)"
            } else {
                "Monthly waste (plan value, not a saving: no licence data)"
            };
            page.figure(label, Look::Cell, v, Look::Money);
            for (label, field) in TEAMS_BESIDE_SAVING {
                if let Some(v) = t.get(*field).and_then(Value::as_f64).filter(|_| saving) {
                    page.figure(*label, Look::Cell, v, Look::Money);
                }
            }
        }
        if let Some(Value::Array(plans)) = t.get("Plans") {
            for p in plans.iter().filter_map(Value::as_object) {
                if n(p, "Reclaimable") > 0.0 {
                    page.figure(
                        format!("Reclaimable {}", s(p, "Plan")),
                        Look::Plain,
                        n(p, "Reclaimable"),
                        Look::Plain,
                    );
                }
            }
        }
        page.row += 1;
    }
}

fn trend_alerts(page: &mut Page, stats: &Stats, _: &Meta) {
    if stats.trend_alerts > 0 {
        page.line(
            format!(
                "{} change(s) between runs beyond the alert threshold: see History",
                stats.trend_alerts
            ),
            Look::Warn,
            2,
        );
    }
}

fn kept_out(page: &mut Page, stats: &Stats, _: &Meta) {
    let kept = stats.kept_out();
    if kept > 0 {
        page.line(format!("{kept} record(s) were kept out of this workbook (another version or an unknown type): see Report Details"), Look::Warn, 0);
    }
}

fn report_details(
    stats: &Stats,
    sheets: &[SheetData],
    meta: &Meta,
    f: &Formats,
) -> Result<Tracked, XlsxError> {
    let mut ws = Tracked::new();
    ws.set_name("Report Details")?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 90)?;
    let mut items: Vec<(String, String)> = vec![
        ("Report".into(), "LicenseAudit licence audit workbook (MAP Toolkit-style: Overview, Report Details, User, Device and Server Details)".into()),
        ("Tool version".into(), format!("license-audit {}", meta.tool_version)),
        ("Generated".into(), day(meta.generated_at)),
        ("As of".into(), meta.as_of_text.clone()),
        ("Workbook".into(), meta.output.clone()),
        ("Rule set (configured tiers)".into(), if stats.rules.is_empty() { "not given (no LyncUserCal or LyncCalSummary records)".into() } else { stats.rules.iter().cloned().collect::<Vec<_>>().join("; ") }),
    ];
    for c in &stats.coverage {
        let start = c
            .get("WindowStart")
            .and_then(Value::as_str)
            .and_then(cells::date_of);
        let end = c
            .get("WindowEnd")
            .and_then(Value::as_str)
            .and_then(cells::date_of);
        let window = match (start, end) {
            (Some(a), Some(b)) => format!("{} days, {} to {}", (b - a).num_days(), day(a), day(b)),
            _ => "unknown".into(),
        };
        items.push((format!("Usage window ({})", s(c, "Server")), window));
        items.push((
            format!("Usage coverage ({})", s(c, "Server")),
            format!(
                "{}; first call detail record {}; {} schema; {} users, {} devices{}",
                if c.get("WindowCovered") == Some(&Value::Bool(true)) {
                    "window covered"
                } else {
                    "window NOT covered: answers without evidence are Insufficient Data"
                },
                s(c, "FirstRecord"),
                s(c, "Schema"),
                n(c, "Users"),
                n(c, "Devices"),
                match s(c, "Note") {
                    "" => String::new(),
                    note => format!("; {note}"),
                }
            ),
        ));
    }
    for u in &stats.ual_summaries {
        let excluded = u.get("Excluded").map(cells::text).unwrap_or_default();
        // Older records lack EvidenceComplete: nothing is said for them.
        let incomplete = if u.get("EvidenceComplete") == Some(&Value::Bool(false)) {
            format!(
                "; EVIDENCE INCOMPLETE: no evidence from {}",
                u.get("ServersWithoutEvidence")
                    .map(cells::text)
                    .unwrap_or_default()
            )
        } else {
            String::new()
        };
        items.push((
            "UAL evidence".into(),
            format!(
                "mode {}; window {} to {}; {} rows, {} counted, {} external, {} unrecognized; excluded: {}{incomplete}",
                s(u, "Mode"),
                s(u, "WindowStart"),
                s(u, "AsOf"),
                n(u, "Rows"),
                n(u, "Counted"),
                n(u, "External"),
                n(u, "UnrecognizedRows"),
                if excluded.is_empty() { "none".into() } else { excluded }
            ),
        ));
    }
    for r in &stats.rightsizing_summaries {
        items.push((
            "Right-sizing".into(),
            format!(
                "{} users; window {} days; confidence {}{}",
                n(r, "Users"),
                r.get("WindowDays").map(cells::text).unwrap_or_default(),
                s(r, "Confidence"),
                match r.get("Notes").map(cells::text) {
                    Some(t) if !t.is_empty() => format!("; {t}"),
                    _ => String::new(),
                }
            ),
        ));
    }
    // What could not be determined.
    let mut unknown = Vec::new();
    if stats.configured_users.undetermined + stats.configured_devices.undetermined > 0 {
        unknown.push(format!("Enterprise undetermined for {} user(s)/device(s): the assigned conferencing policy is not in the export", stats.configured_users.undetermined + stats.configured_devices.undetermined));
    }
    for (label, a) in [
        ("users", &stats.used_users),
        ("devices", &stats.used_devices),
    ] {
        if a.total > 0 && a.insufficient.iter().any(|x| *x > 0) {
            unknown.push(format!(
                "Usage Insufficient Data for {label}: Standard {}, Enterprise {}, Plus {}",
                a.insufficient[0], a.insufficient[1], a.insufficient[2]
            ));
        }
    }
    if let Some(x) = stats.rightsizing.get("InsufficientData") {
        unknown.push(format!(
            "Right-sizing InsufficientData for {x} user(s): never recommended for downgrade"
        ));
    }
    for r in &stats.rightsizing_summaries {
        if n(r, "NoLicenceInformation") > 0.0 {
            unknown.push(format!(
                "{} user(s) not in the licence list: no exposure decided for them",
                n(r, "NoLicenceInformation")
            ));
        }
    }
    if stats.unrecognized_rows > 0 {
        unknown.push(format!(
            "{} UAL evidence row(s) matched no known product (Unrecognized Evidence)",
            stats.unrecognized_rows
        ));
    }
    for t in &stats.teams_summaries {
        if let Some(Value::Array(rules)) = t.get("Rules") {
            for r in rules.iter().filter_map(Value::as_object) {
                let note = s(r, "Note");
                if r.get("Evaluated") == Some(&Value::Bool(false)) || n(r, "Undecided") > 0.0 {
                    unknown.push(format!("Teams rule {}: {}", s(r, "Rule"), note));
                }
            }
        }
    }
    for (code, count) in &stats.findings {
        unknown.push(format!("Finding {code}: {count} user(s)/device(s)"));
    }
    let kept = stats.kept_out();
    if kept > 0 {
        unknown.push(format!(
            "{kept} record(s) kept out of the workbook (listed under Inputs below)"
        ));
    }
    if unknown.is_empty() {
        unknown.push("nothing: every record was placed and every answer decided".into());
    }
    for u in unknown {
        items.push(("Could not be determined".into(), u));
    }
    items.push(("Yes".into(), "This licence type is required".into()));
    items.push(("No".into(), "This licence type is NOT required".into()));
    items.push(("Insufficient Data".into(), "Could not determine if this licence type is required (e.g. computers: Enterprise and Plus cannot be decided per device; common area phones need Standard and Plus whatever their usage)".into()));
    let sheet_list: Vec<String> = sheets
        .iter()
        .map(|d| format!("{} ({} rows)", SHEETS[d.spec].name, d.rows))
        .collect();
    items.push((
        "Sheets".into(),
        if sheet_list.is_empty() {
            "Overview and Report Details only".into()
        } else {
            sheet_list.join("; ")
        },
    ));

    ws.write_string_with_format(0, 0, "Item", &f.header)?;
    ws.write_string_with_format(0, 1, "Value", &f.header)?;
    ws.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    for (k, v) in &items {
        ws.write_string_with_format(row, 0, k, &f.bold)?;
        put(&mut ws, f, row, 1, &Cell::Text(v.clone()))?;
        ws.note(row, row, 1);
        row += 1;
    }
    ws.set_column_format(1, &f.wrap)?;

    // Inputs: every file, every record type, in the workbook or kept out and why.
    row += 1;
    ws.write_string_with_format(row, 0, "Inputs", &f.bold)?;
    row += 1;
    let first = row;
    let mut rows: Vec<[String; 5]> = Vec::new();
    for file in &stats.files {
        for (kind, count) in &file.taken {
            rows.push([
                file.name.clone(),
                file.format.clone(),
                kind.clone(),
                count.to_string(),
                "Yes".into(),
            ]);
        }
        for (kind, (count, why)) in &file.kept_out {
            rows.push([
                file.name.clone(),
                file.format.clone(),
                kind.clone(),
                count.to_string(),
                format!("No: {why}"),
            ]);
        }
        if file.bad_records > 0 {
            rows.push([
                file.name.clone(),
                file.format.clone(),
                "(unreadable records)".into(),
                file.bad_records.to_string(),
                "No: reported as input errors".into(),
            ]);
        }
        if file.taken.is_empty() && file.kept_out.is_empty() && file.bad_records == 0 {
            rows.push([
                file.name.clone(),
                file.format.clone(),
                "(none)".into(),
                "0".into(),
                "No records".into(),
            ]);
        }
    }
    if !rows.is_empty() {
        let headers = ["File", "Format", "Record type", "Records", "In workbook"];
        let columns: Vec<TableColumn> = headers
            .iter()
            .map(|h| TableColumn::new().set_header(*h))
            .collect();
        ws.add_table(
            first,
            0,
            first + rows.len() as u32,
            4,
            &Table::new().set_name("Inputs0").set_columns(&columns),
        )?;
        ws.note(first, first + rows.len() as u32, 4);
        for (i, r) in rows.iter().enumerate() {
            let rr = first + 1 + i as u32;
            for (c, v) in r.iter().enumerate() {
                if c == 3 {
                    ws.write_number(rr, c as u16, v.parse::<f64>().unwrap_or(0.0))?;
                } else {
                    put(&mut ws, f, rr, c as u16, &Cell::Text(v.clone()))?;
                }
            }
        }
        for (c, w) in [(2u16, 26), (3, 10), (4, 60)] {
            ws.set_column_width(c, w)?;
        }
    }
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        let t = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Meta {
            tool_version: "0.0.0".into(),
            generated_at: t,
            as_of: t,
            as_of_text: "2026-11-01".into(),
            output: "a.xlsx".into(),
        }
    }

    fn page_of(stats: &Stats) -> Page {
        let mut page = Page::default();
        for section in OVERVIEW {
            section(&mut page, stats, &meta());
        }
        page
    }

    fn record(fields: Value) -> Map<String, Value> {
        fields.as_object().unwrap().clone()
    }

    fn at(page: &Page, row: u32, col: u16) -> &Put {
        page.cells
            .iter()
            .find(|p| p.row == row && p.col == col)
            .unwrap_or_else(|| panic!("no cell at {row},{col}"))
    }

    fn text(s: &str) -> Content {
        Content::Text(s.into())
    }

    #[test]
    fn the_as_of_shows_its_time_when_it_is_not_midnight_utc() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
        let with = |first: &str, last: &str| Stats {
            record_dates: Some((at(first), at(last))),
            ..Stats::default()
        };
        let given = at("2026-12-07T09:30:00Z");
        // -AsOf 2026-11-01 typed in Berlin: not "2026-10-31" alone, which reads as the day before.
        let berlin = "2026-10-31T23:00:00Z";
        assert_eq!(
            as_of_text(&with(berlin, berlin), given),
            "2026-10-31 23:00 UTC"
        );
        let midnight = "2026-11-01T00:00:00Z";
        assert_eq!(as_of_text(&with(midnight, midnight), given), "2026-11-01");
        // Records of one day at different times are that day; of different days, a span.
        assert_eq!(
            as_of_text(&with("2026-11-01T08:00:00Z", "2026-11-01T09:00:00Z"), given),
            "2026-11-01"
        );
        assert_eq!(
            as_of_text(&with("2026-10-30T08:00:00Z", "2026-11-01T09:00:00Z"), given),
            "2026-11-01 (records span 2026-10-30 … 2026-11-01)"
        );
        assert_eq!(
            as_of_text(&Stats::default(), given),
            "2026-12-07 (no record states its date: the report's as-of)"
        );
    }

    #[test]
    fn a_run_with_no_records_has_the_heading_only() {
        let page = page_of(&Stats::default());
        let looks: Vec<(u32, Look)> = page.cells.iter().map(|p| (p.row, p.look)).collect();
        assert_eq!(
            looks,
            [(0, Look::Title), (1, Look::Plain), (2, Look::Plain)]
        );
        assert_eq!(page.row, 4);
        assert!(page.chart.is_none() && page.tall_rows.is_empty());
    }

    #[test]
    fn a_record_table_marks_short_records_and_totals_their_shortfall() {
        let records = [
            record(
                serde_json::json!({"Product": "Windows Server", "CalType": "User", "Version": 2022, "Required": 5, "Shortfall": 2}),
            ),
            record(
                serde_json::json!({"Product": "Exchange", "CalType": "Device", "Version": "2019", "Shortfall": "0"}),
            ),
        ];
        let mut page = Page {
            row: 10,
            ..Page::default()
        };
        assert_eq!(record_table(&mut page, &records, SERVER_CALS), 2.0);
        assert_eq!(page.row, 13, "a header and a row per record");
        assert_eq!(at(&page, 10, 1).content, text("CAL type"));
        assert_eq!(at(&page, 10, 1).look, Look::Header);
        let short = at(&page, 11, 2);
        assert_eq!(
            (&short.content, short.look),
            (&Content::Number(2022.0), Look::Short)
        );
        assert_eq!(at(&page, 11, 3).content, Content::Number(5.0));
        // A version that is not a number is left blank; a record not short is plain.
        let version = at(&page, 12, 2);
        assert_eq!((&version.content, version.look), (&text(""), Look::Cell));
        assert_eq!(at(&page, 12, 0).content, text("Exchange"));
    }

    #[test]
    fn the_lync_users_table_says_what_was_not_given_and_what_is_short() {
        let mut stats = Stats {
            configured_users: Tiers {
                total: 10,
                standard: 10,
                enterprise: 4,
                plus: 1,
                undetermined: 2,
            },
            ..Stats::default()
        };
        let page = page_of(&stats);
        // Title at row 4, header at 5 (twice as tall), tiers from 6.
        assert_eq!(at(&page, 4, 0).look, Look::Bold);
        assert_eq!(page.tall_rows, [5]);
        assert_eq!(at(&page, 5, 6).content, text("Short vs used"));
        assert_eq!(at(&page, 7, 0).content, text("Enterprise"));
        assert_eq!(at(&page, 7, 1).content, Content::Number(4.0));
        assert_eq!(at(&page, 7, 2).content, text("not given"));
        assert_eq!(at(&page, 7, 5).content, text(""), "no licences given");
        assert_eq!(at(&page, 9, 0).look, Look::Warn, "undetermined users");
        assert!(matches!(page.chart, Some((4, 8, _))));
        // No usage window, no devices: the section ends a blank row below the notes.
        assert_eq!(page.row, 12);
        // With licences, a tier short of them shows in the short look.
        stats.licensed = Tiers {
            total: 9,
            standard: 9,
            enterprise: 4,
            plus: 0,
            undetermined: 0,
        };
        let page = page_of(&stats);
        let gap = |row| at(&page, row, 5).clone();
        assert_eq!(
            (gap(6).content, gap(6).look),
            (Content::Number(1.0), Look::Short)
        );
        assert_eq!(
            (gap(7).content, gap(7).look),
            (Content::Number(0.0), Look::Cell)
        );
        assert_eq!(at(&page, 8, 4).content, Content::Number(0.0));
    }

    #[test]
    fn right_sizing_warns_on_exposure_only() {
        let mut stats = Stats::default();
        stats.rightsizing.insert("Exposure".into(), 2);
        stats.rightsizing.insert("Downgrade".into(), 3);
        stats.exposure = Some(0.0);
        let page = page_of(&stats);
        let row_of = |label: &str| {
            page.cells
                .iter()
                .find(|p| p.col == 0 && p.content == text(label))
                .unwrap_or_else(|| panic!("{label}"))
        };
        assert_eq!(row_of("Exposure").look, Look::Short);
        assert_eq!(row_of("Downgrade").look, Look::Cell);
        assert_eq!(
            at(&page, row_of("Downgrade").row, 1).content,
            Content::Number(3.0)
        );
        assert_eq!(
            row_of("Insufficient Data").look,
            Look::Cell,
            "every recommendation has its row, counted or not"
        );
        let exposure = row_of("Yearly exposure (CALs used beyond the licence)");
        assert_eq!(exposure.look, Look::Money, "no exposure: no warning");
        assert_eq!(at(&page, exposure.row, 1).look, Look::Money);
    }

    #[test]
    fn the_lync_position_names_the_shortfall_under_the_other_rule_set() {
        let stats = Stats {
            lync_positions: vec![record(
                serde_json::json!({"Tier": "Standard", "Rules": "lenient", "OtherRules": "strict", "Shortfall": 1, "ShortfallUnderOtherRules": 4}),
            )],
            ..Stats::default()
        };
        let page = page_of(&stats);
        let lines: Vec<&Content> = page
            .cells
            .iter()
            .filter(|p| p.col == 0 && p.look == Look::Warn)
            .map(|p| &p.content)
            .collect();
        assert_eq!(
            lines,
            [
                &text("Under the strict rule set: 4 Lync CAL(s) short, 3 more (ShortfallUnderOtherRules; see Lync CALs)"),
                &text("1 Lync CAL(s) short of the configured requirement: see Lync CALs (Enterprise and Plus are added to Standard, so every Enterprise or Plus user is in the Standard row too)"),
            ]
        );
        // Title, header, one record, two lines, the last followed by a blank row.
        assert_eq!(page.row, 4 + 1 + 1 + 1 + 1 + 2);
    }

    #[test]
    fn the_uc_totals_are_label_and_value_rows() {
        let stats = Stats {
            uc_customers: 2,
            uc_user_licences: 130.0,
            ..Stats::default()
        };
        let page = page_of(&stats);
        assert_eq!(at(&page, 5, 0).content, text("Customers"));
        assert_eq!(at(&page, 5, 1).content, Content::Number(2.0));
        assert_eq!(at(&page, 6, 1).content, Content::Number(130.0));
        assert_eq!(at(&page, 6, 1).look, Look::Plain);
        assert_eq!(page.row, 8, "a blank row after the section");
    }
}
