//! From rows of cells to records: finds each sheet's header row (also under
//! merged group headers), reads every cell by its column's kind, and checks
//! each record against the organisation and catalogues as of its date —
//! the same check every other write goes through.

use crate::error::{RowError, RowProblem, SheetError};
use crate::model::{self, Flat, Headers, Target, UnitIndex, UnitMatch, choice_value, entry_code};
use crate::read::{self, Cell, Event, FileKind};
use bienphong_domain::fields::{Field, Kind, value_from_text};
use bienphong_domain::org::Org;
use bienphong_domain::quantity::QUANTITY_SCALE;
use bienphong_domain::validate::check;
use bienphong_domain::{Content, Date, Money, Problem, Quantity, RecordId, RecordType, RevisionId};
use bienphong_i18n::Lang;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{Read, Seek};

/// A sheet that holds records, and what each of its columns stands for.
#[derive(Clone, Debug)]
pub struct SheetInfo {
    pub name: String,
    /// The header of each column as the file writes it.
    pub headers: Vec<String>,
    pub targets: Vec<Option<Target>>,
    /// The row of the headers (1-based).
    pub header_row: u32,
}

impl SheetInfo {
    /// The file's columns as the sheet writer lays them out, so that a row
    /// can be written back as the file had it.
    pub fn columns(&self) -> Vec<model::Column> {
        self.targets
            .iter()
            .zip(&self.headers)
            .map(|(t, h)| model::Column {
                header: h.clone(),
                target: t.clone().unwrap_or(Target::Ignored),
            })
            .collect()
    }

    /// The record's fields this sheet has columns for.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.targets.iter().filter_map(|t| match t {
            Some(Target::Field(f)) => Some(f),
            _ => None,
        })
    }

    /// The entries of flattened lists this sheet has columns for.
    pub fn entries(&self) -> impl Iterator<Item = (&Flat, &bienphong_domain::org::Code)> {
        self.targets.iter().filter_map(|t| match t {
            Some(Target::Entry { flat, code }) => Some((flat, code)),
            _ => None,
        })
    }

    fn column_of_field(&self, name: &str) -> Option<usize> {
        self.targets
            .iter()
            .position(|t| matches!(t, Some(Target::Field(f)) if f.name == name))
    }

    fn column_of_entry(&self, rows: &str, code: &str) -> Option<usize> {
        self.targets.iter().position(
            |t| matches!(t, Some(Target::Entry { flat, code: c }) if flat.rows == rows && c.as_str() == code),
        )
    }

    fn header(&self, column: Option<usize>) -> String {
        column
            .and_then(|c| self.headers.get(c))
            .cloned()
            .unwrap_or_default()
    }
}

/// A row read as a record.
#[derive(Clone, Debug)]
pub struct ParsedRow {
    /// Index into [`Parsed::sheets`].
    pub sheet: usize,
    pub row: u32,
    pub id: Option<RecordId>,
    /// The revision an exported row showed (its base column), if any.
    pub base: Option<RevisionId>,
    pub content: Content,
}

/// A row refused, with its cells as text so it can be written back for the
/// person to correct.
#[derive(Clone, Debug)]
pub struct Rejected {
    pub sheet: usize,
    pub row: u32,
    pub cells: Vec<String>,
    pub errors: Vec<RowError>,
}

/// Everything read from a file.
#[derive(Debug)]
pub struct Parsed {
    pub record_type: RecordType,
    pub sheets: Vec<SheetInfo>,
    pub rows: Vec<ParsedRow>,
    pub rejected: Vec<Rejected>,
    /// Columns read past: (sheet, header).
    pub ignored: Vec<(String, String)>,
    /// Non-empty data rows read.
    pub rows_read: u64,
}

/// Where the rows come from.
pub enum Input<'a> {
    Bytes(&'a [u8]),
    File(std::fs::File),
}

/// Reads the records of `input` (XLSX or CSV; `name` names a CSV's one
/// sheet). `record_type` is found from the sheet names or headers when not
/// given. `progress` hears the number of rows read now and then.
pub fn parse(
    input: Input<'_>,
    name: &str,
    record_type: Option<RecordType>,
    org: &Org,
    progress: &mut dyn FnMut(u64),
) -> Result<Parsed, SheetError> {
    parse_as_of(input, name, record_type, org, None, progress)
}

/// [`parse`], refusing rows of what happened dated after `today` (the
/// importer's day, read from the clock by the edge) as every write does.
pub fn parse_as_of(
    input: Input<'_>,
    name: &str,
    record_type: Option<RecordType>,
    org: &Org,
    today: Option<Date>,
    progress: &mut dyn FnMut(u64),
) -> Result<Parsed, SheetError> {
    if let Some(t) = record_type
        && !model::has_sheet(t)
    {
        return Err(SheetError::Unsupported(t));
    }
    let mut parser = Parser::new(org, record_type, progress);
    parser.today = today;
    match input {
        Input::Bytes(bytes) => {
            let kind = read::sniff(&bytes[..bytes.len().min(8192)])?;
            match kind {
                FileKind::Xlsx => {
                    read::read_xlsx(std::io::Cursor::new(bytes), &mut |e| parser.event(e))?
                }
                FileKind::Csv => read::read_csv(bytes, name, &mut |e| parser.event(e))?,
            }
        }
        Input::File(mut file) => {
            let mut head = vec![0u8; 8192];
            let n = read_up_to(&mut file, &mut head)?;
            head.truncate(n);
            file.rewind()?;
            match read::sniff(&head)? {
                FileKind::Xlsx => {
                    read::read_xlsx(std::io::BufReader::new(file), &mut |e| parser.event(e))?
                }
                FileKind::Csv => read::read_csv(file, name, &mut |e| parser.event(e))?,
            }
        }
    }
    parser.finish()
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let got = file.read(&mut buf[n..])?;
        if got == 0 {
            break;
        }
        n += got;
    }
    Ok(n)
}

/// Rows looked at to find the header row.
const HEADER_ROWS: usize = 10;

struct Parser<'a> {
    org: &'a Org,
    units: UnitIndex,
    record_type: Option<RecordType>,
    headers: Option<(RecordType, Headers<'a>)>,
    progress: &'a mut dyn FnMut(u64),
    /// The sheet being read.
    sheet_name: String,
    buffer: Vec<(u32, Vec<Cell>)>,
    current: Option<usize>,
    skipping: bool,
    seen: HashMap<u64, Vec<usize>>,
    sheets: Vec<SheetInfo>,
    rows: Vec<ParsedRow>,
    rejected: Vec<Rejected>,
    ignored: Vec<(String, String)>,
    rows_read: u64,
    today: Option<Date>,
}

impl<'a> Parser<'a> {
    fn new(
        org: &'a Org,
        record_type: Option<RecordType>,
        progress: &'a mut dyn FnMut(u64),
    ) -> Self {
        Self {
            org,
            units: UnitIndex::new(org),
            record_type,
            headers: None,
            progress,
            sheet_name: String::new(),
            buffer: Vec::new(),
            current: None,
            skipping: false,
            seen: HashMap::new(),
            sheets: Vec::new(),
            rows: Vec::new(),
            rejected: Vec::new(),
            ignored: Vec::new(),
            rows_read: 0,
            today: None,
        }
    }

    fn event(&mut self, e: Event<'_>) -> Result<(), SheetError> {
        match e {
            Event::Sheet(name) => {
                self.end_sheet()?;
                self.sheet_name = name.to_string();
                self.current = None;
                self.skipping = is_aux_sheet(name);
                Ok(())
            }
            Event::Row(n, cells) => {
                if self.skipping || cells.iter().all(Cell::is_empty) {
                    return Ok(());
                }
                if let Some(s) = self.current {
                    self.row(s, n, cells);
                    return Ok(());
                }
                self.buffer.push((n, cells.to_vec()));
                if self.buffer.len() >= HEADER_ROWS {
                    self.decide()?;
                }
                Ok(())
            }
        }
    }

    fn end_sheet(&mut self) -> Result<(), SheetError> {
        if self.current.is_none() && !self.buffer.is_empty() {
            self.decide()?;
        }
        self.buffer.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<Parsed, SheetError> {
        self.end_sheet()?;
        let record_type = match (self.record_type, self.sheets.is_empty()) {
            (Some(t), false) => t,
            (Some(t), true) => {
                return Err(SheetError::NoData(Lang::Vi.text(&format!("type-{t}"), &[])));
            }
            (None, _) => return Err(SheetError::UnknownType),
        };
        Ok(Parsed {
            record_type,
            sheets: self.sheets,
            rows: self.rows,
            rejected: self.rejected,
            ignored: self.ignored,
            rows_read: self.rows_read,
        })
    }

    fn headers_for(&mut self, t: RecordType) -> &Headers<'a> {
        if self.headers.as_ref().is_some_and(|(ht, _)| *ht != t) {
            self.headers = None;
        }
        let org = self.org;
        &self
            .headers
            .get_or_insert_with(|| (t, Headers::new(t, org)))
            .1
    }

    /// Recognised columns of each buffered row for `t`, were it the header
    /// row.
    fn scores(&mut self, t: RecordType) -> Vec<usize> {
        let buffer = std::mem::take(&mut self.buffer);
        let headers = self.headers_for(t);
        let scores = (0..buffer.len())
            .map(|h| {
                header_row(headers, &buffer, h)
                    .iter()
                    .filter(|x| matches!(x, Some((_, Ok(t)))  if !matches!(t, Target::Ignored)))
                    .count()
            })
            .collect();
        self.buffer = buffer;
        scores
    }

    /// Decides from the buffered rows whether this sheet holds records and
    /// where its header row is; then reads the rows after it.
    fn decide(&mut self) -> Result<(), SheetError> {
        let t = match self.record_type {
            Some(t) => t,
            None => match self.infer_type() {
                Some(t) => {
                    self.record_type = Some(t);
                    t
                }
                None => {
                    self.skipping = true;
                    self.buffer.clear();
                    return Ok(());
                }
            },
        };
        let scores = self.scores(t);
        let best = scores
            .iter()
            .enumerate()
            .filter(|(_, s)| **s >= 2)
            .max_by_key(|(i, s)| (**s, std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        let Some(h) = best else {
            self.skipping = true;
            self.buffer.clear();
            return Ok(());
        };
        let info = self.sheet_info(t, h)?;
        self.sheets.push(info);
        let s = self.sheets.len() - 1;
        self.current = Some(s);
        let rest: Vec<(u32, Vec<Cell>)> = self.buffer.drain(h + 1..).collect();
        self.buffer.clear();
        for (n, cells) in rest {
            self.row(s, n, &cells);
        }
        Ok(())
    }

    /// The record type whose columns the buffered rows show, or the sheet's
    /// name names.
    fn infer_type(&mut self) -> Option<RecordType> {
        let k = model::key(&self.sheet_name);
        for t in RecordType::ALL.into_iter().filter(|t| model::has_sheet(*t)) {
            let names = [
                model::key(&Lang::Vi.text(&format!("type-{t}"), &[])),
                model::key(&Lang::En.text(&format!("type-{t}"), &[])),
                model::key(t.as_str()),
            ];
            if names.contains(&k) {
                return Some(t);
            }
        }
        let mut best: Vec<(usize, RecordType)> = RecordType::ACTIVITIES
            .iter()
            .map(|t| (self.scores(*t).into_iter().max().unwrap_or(0), *t))
            .collect();
        best.sort_by_key(|b| std::cmp::Reverse(b.0));
        match best.as_slice() {
            [(a, t), (b, _), ..] if *a >= 3 && a > b => Some(*t),
            _ => None,
        }
    }

    /// The columns of the sheet whose header row is buffered row `h`; a
    /// column without a header there takes it from above (a header merged
    /// over two rows), or joins its group header above to its own ("Lượt
    /// tham gia" over "Dân quân").
    fn sheet_info(&mut self, t: RecordType, h: usize) -> Result<SheetInfo, SheetError> {
        let buffer = std::mem::take(&mut self.buffer);
        let sheet = self.sheet_name.clone();
        let headers = self.headers_for(t);
        let mut out_headers = Vec::new();
        let mut targets: Vec<Option<Target>> = Vec::new();
        let mut ignored = Vec::new();
        for (c, found) in header_row(headers, &buffer, h).into_iter().enumerate() {
            match found {
                Some((header, Ok(target))) => {
                    out_headers.push(header);
                    targets.push(Some(target));
                }
                Some((header, Err(_))) => {
                    return Err(SheetError::UnknownEntryColumn {
                        sheet,
                        column: header,
                    });
                }
                None => {
                    let own = buffer[h].1.get(c).map(Cell::text).unwrap_or_default();
                    if !own.is_empty() {
                        ignored.push((sheet.clone(), own.clone()));
                    }
                    out_headers.push(own);
                    targets.push(None);
                }
            }
        }
        for (i, a) in targets.iter().enumerate() {
            let Some(a) = a else { continue };
            if matches!(a, Target::Ignored) {
                continue;
            }
            if targets[..i].iter().flatten().any(|b| b.same(a)) {
                return Err(SheetError::DuplicateColumn {
                    sheet,
                    column: out_headers[i].clone(),
                });
            }
        }
        let (fields, _) = model::sheet_items(t);
        for f in fields.iter().filter(|f| f.required) {
            let present = targets
                .iter()
                .any(|x| matches!(x, Some(Target::Field(g)) if g.name == f.name));
            if !present {
                return Err(SheetError::MissingColumn {
                    sheet,
                    column: model::field_label(Lang::Vi, f.name),
                });
            }
        }
        self.ignored.extend(ignored);
        let header_row = buffer[h].0;
        self.buffer = buffer;
        Ok(SheetInfo {
            name: sheet,
            headers: out_headers,
            targets,
            header_row,
        })
    }

    /// Reads one data row.
    fn row(&mut self, s: usize, n: u32, cells: &[Cell]) {
        if cells.iter().all(Cell::is_empty) {
            return;
        }
        self.rows_read += 1;
        if self.rows_read.is_multiple_of(1000) {
            (self.progress)(self.rows_read);
        }
        let Some(t) = self.record_type else { return };
        let info = &self.sheets[s];
        let read = read_row(t, self.org, &self.units, info, n, cells).and_then(|(id, content)| {
            let Some(today) = self.today else {
                return Ok((id, content));
            };
            match bienphong_domain::limits::check_not_future(&content, today) {
                Ok(()) => Ok((id, content)),
                Err(e) => {
                    let c = info.column_of_field(date_field(t));
                    let value = c
                        .and_then(|c| cells.get(c))
                        .map(Cell::text)
                        .unwrap_or_default();
                    Err(vec![RowError {
                        sheet: info.name.clone(),
                        row: n,
                        column: info.header(c),
                        value,
                        problem: RowProblem::Invalid(e.problem),
                    }])
                }
            }
        });
        match read {
            Ok((id, content)) => {
                let mut hasher = DefaultHasher::new();
                id.hash(&mut hasher);
                content.to_json().hash(&mut hasher);
                let h = hasher.finish();
                let same = self.seen.get(&h).and_then(|idx| {
                    idx.iter()
                        .map(|i| &self.rows[*i])
                        .find(|r| r.id == id && r.content == content)
                });
                if let Some(first) = same {
                    let error = RowError {
                        sheet: info.name.clone(),
                        row: n,
                        column: String::new(),
                        value: String::new(),
                        problem: RowProblem::DuplicateOf {
                            sheet: self.sheets[first.sheet].name.clone(),
                            row: first.row,
                        },
                    };
                    self.reject(s, n, cells, vec![error]);
                    return;
                }
                self.seen.entry(h).or_default().push(self.rows.len());
                let base = info
                    .targets
                    .iter()
                    .position(|t| matches!(t, Some(Target::Base)))
                    .and_then(|c| cells.get(c))
                    .and_then(|c| c.text().trim().parse::<RevisionId>().ok());
                self.rows.push(ParsedRow {
                    sheet: s,
                    row: n,
                    id,
                    base,
                    content,
                });
            }
            Err(errors) => self.reject(s, n, cells, errors),
        }
    }

    fn reject(&mut self, s: usize, n: u32, cells: &[Cell], errors: Vec<RowError>) {
        let info = &self.sheets[s];
        let texts = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| match (info.targets.get(c), cell) {
                (Some(Some(Target::Field(f))), Cell::Int(_) | Cell::Number(_))
                    if matches!(f.kind, Kind::Date) =>
                {
                    date_of(cell)
                        .map(bienphong_domain::format::date)
                        .unwrap_or_else(|_| cell.text())
                }
                _ => cell.text(),
            })
            .collect();
        self.rejected.push(Rejected {
            sheet: s,
            row: n,
            cells: texts,
            errors,
        });
    }
}

/// What each column would stand for were buffered row `h` the header row.
/// A column without a header there takes it from above (a header merged
/// over two rows), or joins its group header above to its own ("Số lượt
/// tham gia" over "Dân quân").
fn header_row(
    headers: &Headers<'_>,
    buffer: &[(u32, Vec<Cell>)],
    h: usize,
) -> Vec<Option<(String, Result<Target, String>)>> {
    let width = buffer[..=h].iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let text = |row: usize, col: usize| -> String {
        buffer[row].1.get(col).map(Cell::text).unwrap_or_default()
    };
    let mut group = String::new();
    let mut out = Vec::with_capacity(width);
    for c in 0..width {
        let own = text(h, c);
        if h > 0 {
            let above = text(h - 1, c);
            if !above.is_empty() {
                group = above;
            }
        }
        let mut found: Option<(String, Result<Target, String>)> =
            headers.target(&own).map(|t| (own.clone(), t));
        if found.is_none() && own.is_empty() {
            for r in (0..h).rev() {
                let up = text(r, c);
                if let Some(t) = headers.target(&up) {
                    found = Some((up, t));
                    break;
                }
            }
        }
        if !own.is_empty() && !group.is_empty() && !matches!(found, Some((_, Ok(_)))) {
            let joined = format!("{group}: {own}");
            if let Some(t) = headers.target_in_group(&group, &own) {
                found = Some((joined, Ok(t)));
            } else if let Some(t) = headers.target(&joined) {
                found = Some((joined, t));
            }
        }
        out.push(found);
    }
    out
}

/// The sheets a template adds beside the data: instructions and lists.
fn is_aux_sheet(name: &str) -> bool {
    let k = model::key(name);
    ["sheet-instructions-name", "sheet-lists-name"]
        .iter()
        .any(|key| {
            [Lang::Vi, Lang::En]
                .iter()
                .any(|l| model::key(&l.text(key, &[])) == k)
        })
}

/// The field that dates a record of `t`.
fn date_field(t: RecordType) -> &'static str {
    match t {
        RecordType::Programme => "start",
        RecordType::Unit | RecordType::Link => "valid_from",
        _ => "date",
    }
}

/// One row as a record, checked; or everything wrong with it.
pub fn read_row(
    t: RecordType,
    org: &Org,
    units: &UnitIndex,
    info: &SheetInfo,
    n: u32,
    cells: &[Cell],
) -> Result<(Option<RecordId>, Content), Vec<RowError>> {
    let empty = Cell::Empty;
    let cell = |c: usize| cells.get(c).unwrap_or(&empty);
    let error = |c: Option<usize>, problem: RowProblem| RowError {
        sheet: info.name.clone(),
        row: n,
        column: info.header(c),
        value: c.map(|c| cell(c).text()).unwrap_or_default(),
        problem,
    };
    let mut errors = Vec::new();
    // The record's date first: unit names are matched as of it.
    let date = info
        .column_of_field(date_field(t))
        .and_then(|c| date_of(cell(c)).ok());
    let mut obj = Map::new();
    let mut id = None;
    let (_, flats) = model::sheet_items(t);
    for flat in &flats {
        obj.insert(flat.rows.to_string(), Value::Array(vec![]));
    }
    for (c, target) in info.targets.iter().enumerate() {
        let Some(target) = target else { continue };
        let value = cell(c);
        match target {
            // The base is read beside the row (`Parser::row`): a damaged
            // one only loses what it would tell, the row stays good.
            Target::Ignored | Target::Base | Target::UnitCode(_) => {}
            Target::RecordId => {
                if !value.is_empty() {
                    match value.text().parse::<RecordId>() {
                        Ok(r) => id = Some(r),
                        Err(_) => errors.push(error(
                            Some(c),
                            RowProblem::Invalid(Problem::UnknownRecord(value.text())),
                        )),
                    }
                }
            }
            Target::Field(f) => match field_value(f.kind, value, org, units, date) {
                Ok(Some(v)) => {
                    obj.insert(f.name.to_string(), v);
                }
                Ok(None) if f.required => {
                    errors.push(error(Some(c), RowProblem::Invalid(Problem::Missing)));
                }
                Ok(None) => {}
                Err(p) => errors.push(error(Some(c), p)),
            },
            Target::Entry { flat, code } => {
                match field_value(flat.value.kind, value, org, units, date) {
                    Ok(Some(v)) => {
                        if let Some(Value::Array(list)) = obj.get_mut(flat.rows) {
                            list.push(json!({ flat.key: code.as_str(), flat.value.name: v }));
                        }
                    }
                    Ok(None) => {}
                    Err(p) => errors.push(error(Some(c), p)),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let json = Value::Object(obj);
    let column = |field: &str| column_of_path(info, &json, field);
    let content = Content::from_json(t, &json.to_string())
        .map_err(|e| vec![error(column(&e.field), RowProblem::Invalid(e.problem))])?;
    // A unit whose code exists is that unit, changed (see `plan`).
    let is_new = !matches!(&content, Content::Unit(u) if org.units.contains_key(&u.code));
    check(&content, org, is_new)
        .map_err(|e| vec![error(column(&e.field), RowProblem::Invalid(e.problem))])?;
    Ok((id, content))
}

/// The column a record's field path (`participants[1].persons`,
/// `partner_units[0]`) came from.
fn column_of_path(info: &SheetInfo, json: &Value, path: &str) -> Option<usize> {
    let end = path.find(['[', '.']).unwrap_or(path.len());
    let head = &path[..end];
    if let Some(c) = info.column_of_field(head) {
        return Some(c);
    }
    // An entry of a flattened list: find its code in the record.
    let index: usize = path[end..]
        .strip_prefix('[')?
        .split(']')
        .next()?
        .parse()
        .ok()?;
    let item = json.get(head)?.get(index)?;
    let code = item.as_object()?.values().find_map(Value::as_str)?;
    info.column_of_entry(head, code)
}

/// A date cell: a real date, an Excel serial number, or text
/// `DD/MM/YYYY` (also with `-` or `.`), `YYYY-MM-DD`.
pub fn date_of(cell: &Cell) -> Result<Date, Problem> {
    let bad = || Problem::InvalidDate(cell.text());
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Int(i) => read::excel_serial_to_date(*i as f64).ok_or_else(bad),
        Cell::Number(f) => read::excel_serial_to_date(*f).ok_or_else(bad),
        Cell::Text(s) => {
            let s = s.trim();
            if s.len() == 5 && s.chars().all(|c| c.is_ascii_digit()) {
                let serial: f64 = s.parse().map_err(|_| bad())?;
                return read::excel_serial_to_date(serial).ok_or_else(bad);
            }
            let slashed: String;
            // 05-04-2026 and 05.04.2026, day first; not 2026-04-05.
            let day_first = s.find(['-', '.']).is_some_and(|i| i <= 2);
            let s = if s.len() <= 10 && s.matches(['-', '.']).count() == 2 && day_first {
                slashed = s.replace(['-', '.'], "/");
                &slashed
            } else {
                s
            };
            bienphong_domain::format::parse_date(s).map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

/// A decimal from a floating-point cell: the digits the person typed
/// (the shortest text that reads back as the same number), rounded to the
/// quantity's precision only where the rest is floating-point noise.
pub fn decimal_of_float(f: f64) -> Result<Decimal, Problem> {
    if !f.is_finite() {
        return Err(Problem::InvalidNumber(format!("{f}")));
    }
    let text = format!("{f}");
    let d = Decimal::from_str_exact(&text)
        .or_else(|_| Decimal::from_scientific(&format!("{f:e}")))
        .map_err(|_| Problem::TooLarge(text.clone()))?;
    if d.scale() <= QUANTITY_SCALE {
        return Ok(d);
    }
    let rounded = d.round_dp(QUANTITY_SCALE);
    let noise = Decimal::new(1, 9) * d.abs().max(Decimal::ONE);
    if (d - rounded).abs() <= noise {
        Ok(rounded.normalize())
    } else {
        Err(Problem::TooManyDecimals {
            value: text,
            max: QUANTITY_SCALE,
        })
    }
}

fn count_of(cell: &Cell) -> Result<u32, Problem> {
    match cell {
        Cell::Int(i) if *i < 0 => Err(Problem::Negative(i.to_string())),
        Cell::Int(i) => u32::try_from(*i).map_err(|_| Problem::TooLarge(i.to_string())),
        Cell::Number(f) => {
            let text = cell.text();
            if !f.is_finite() {
                Err(Problem::InvalidNumber(text))
            } else if *f < 0.0 {
                Err(Problem::Negative(text))
            } else if f.fract() != 0.0 {
                Err(Problem::NotInteger(text))
            } else if *f > f64::from(u32::MAX) {
                Err(Problem::TooLarge(text))
            } else {
                Ok(*f as u32)
            }
        }
        Cell::Text(s) => bienphong_domain::quantity::parse_count(s),
        other => Err(Problem::InvalidNumber(other.text())),
    }
}

fn yes_no(text: &str) -> Option<bool> {
    match model::key(text).as_str() {
        "co" | "x" | "1" | "true" | "yes" | "dung" | "v" => Some(true),
        "khong" | "0" | "false" | "no" | "sai" => Some(false),
        _ => None,
    }
}

/// One cell as the JSON value of a field of `kind`; `None` when empty.
pub fn field_value(
    kind: Kind,
    cell: &Cell,
    org: &Org,
    units: &UnitIndex,
    date: Option<Date>,
) -> Result<Option<Value>, RowProblem> {
    let invalid = RowProblem::Invalid;
    if cell.is_empty() {
        return Ok(None);
    }
    let text = cell.text();
    let unit = |t: &str| match units.resolve(org, t, date) {
        UnitMatch::One(code) => Ok(code.to_string()),
        UnitMatch::None => Err(invalid(Problem::UnknownUnit(t.trim().to_string()))),
        UnitMatch::Many(candidates) => Err(RowProblem::AmbiguousUnit { candidates }),
    };
    let list = |t: &str| -> Vec<String> {
        t.split([';', ',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    Ok(Some(match kind {
        Kind::Date => json!(date_of(cell).map_err(invalid)?.to_string()),
        Kind::Count => json!(count_of(cell).map_err(invalid)?),
        Kind::Quantity => {
            let q = match cell {
                Cell::Int(i) => Quantity::new(Decimal::from(*i)),
                Cell::Number(f) => decimal_of_float(*f).and_then(Quantity::new),
                Cell::Text(s) => s.parse::<Quantity>(),
                _ => Err(Problem::InvalidNumber(text.clone())),
            }
            .map_err(invalid)?;
            json!(q.to_string())
        }
        Kind::Money => {
            let m = match cell {
                Cell::Int(i) => Money::new(*i),
                Cell::Number(f) if f.fract() != 0.0 || !f.is_finite() => {
                    Err(Problem::NotInteger(text.clone()))
                }
                Cell::Number(f) if f.abs() > 9.0e15 => Err(Problem::TooLarge(text.clone())),
                Cell::Number(f) => Money::new(*f as i64),
                Cell::Text(s) => s.parse::<Money>(),
                _ => Err(Problem::InvalidNumber(text.clone())),
            }
            .map_err(invalid)?;
            json!(m.dong())
        }
        Kind::Unit => json!(unit(&text)?),
        Kind::Units => {
            let mut codes = Vec::new();
            for name in list(&text) {
                codes.push(unit(&name)?);
            }
            json!(codes)
        }
        Kind::Codes => json!(list(&text)),
        Kind::Catalogue(k) => match entry_code(org, k, &text) {
            Some(code) => json!(code.as_str()),
            None => {
                return Err(invalid(Problem::UnknownCatalogueEntry {
                    catalogue: k.as_str().to_string(),
                    code: text,
                }));
            }
        },
        Kind::Choice(values) => match choice_value(values, &text) {
            Some(v) => json!(v),
            None => {
                let expected = values
                    .iter()
                    .map(|v| Lang::Vi.choice(v))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(invalid(Problem::UnknownValue {
                    value: text,
                    expected,
                }));
            }
        },
        Kind::Bool => match cell {
            Cell::Bool(b) => json!(b),
            _ => match yes_no(&text) {
                Some(b) => json!(b),
                None => {
                    return Err(invalid(Problem::UnknownValue {
                        value: text,
                        expected: "có, không".into(),
                    }));
                }
            },
        },
        Kind::Text | Kind::LongText | Kind::Record => {
            return value_from_text(kind, "", &text).map_err(|e| invalid(e.problem));
        }
    }))
}
