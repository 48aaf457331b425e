//! `vcctl top`: the view's state, its keys and its rendering (ratatui), kept apart from the
//! terminal and the HTTP polling (`io::top_screen`) so all of it is tested on a `TestBackend`
//! buffer. Without a terminal, [`TopSnapshot`] prints the same rows once as a table.

use std::cmp::Ordering;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use serde::Serialize;
use serde_json::Value;

use crate::ui::output::Render;
use vcctl_core::serve::timeline::describe;

/// One live call as the view shows it (from serve's `/calls` snapshot).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallRow {
    pub id: String,
    pub caller: String,
    pub extension: String,
    pub profile: String,
    pub age_seconds: f64,
    /// When the call started (Unix s), for sorting by age: ages are computed at each
    /// call's own snapshot time, up to a refresh apart.
    pub started: Option<f64>,
    pub state: String,
    /// `caller`, `agent`, `both` or `none`; empty when serve does not say.
    pub speaking: String,
    pub in_dbfs: Option<f64>,
    pub out_dbfs: Option<f64>,
    /// Asterisk -> serve (serve's count).
    pub loss_in: Option<i64>,
    /// Asterisk -> phone (the phone's RTCP, via Asterisk's RTP statistics).
    pub loss_out: Option<i64>,
    pub jitter_in_ms: Option<f64>,
    pub jitter_out_ms: Option<f64>,
    /// RTP playout: times the queue ran dry mid-speech (the agent's audio late, or its
    /// response over without being marked), and of them the gaps the caller heard: silence
    /// between two pieces of agent audio, with their 20 ms frames.
    pub underflows: Option<u64>,
    pub gaps: Option<u64>,
    pub gap_frames: Option<u64>,
    pub last_response_ms: Option<f64>,
    pub barge_ins: Option<u64>,
    /// E-model MOS of the caller's leg each way (phone -> Asterisk, Asterisk -> phone), from
    /// Asterisk's figures as serve last read them.
    pub mos_in: Option<f64>,
    pub mos_out: Option<f64>,
}

impl CallRow {
    pub fn from_snapshot(v: &Value) -> CallRow {
        let s = |x: &Value| match x {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let m = &v["media"];
        let leg = &v["caller_leg"];
        CallRow {
            id: s(&v["id"]),
            caller: s(&v["caller"]),
            extension: s(&v["extension"]),
            profile: s(&v["profile"]),
            age_seconds: v["age_seconds"].as_f64().unwrap_or(0.0),
            started: v["started"].as_f64(),
            state: s(&v["state"]),
            speaking: s(&v["speaking"]),
            in_dbfs: m["caller_level_dbfs"].as_f64(),
            out_dbfs: m["agent_level_dbfs"].as_f64(),
            // The caller's audio crosses two hops: phone -> Asterisk (Asterisk's count) and
            // Asterisk -> serve (serve's): losses add up, the larger jitter shows.
            loss_in: match (m["rtp_in_lost"].as_i64(), leg["rx_lost"].as_i64()) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0).max(0) + b.unwrap_or(0).max(0)),
            },
            loss_out: leg["tx_lost"].as_i64(),
            jitter_in_ms: match (m["rtp_in_jitter_ms"].as_f64(), leg["rx_jitter_ms"].as_f64()) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            jitter_out_ms: leg["tx_jitter_ms"].as_f64(),
            underflows: m["playout"]["underflows"].as_u64(),
            gaps: m["playout"]["gaps"].as_u64(),
            gap_frames: m["playout"]["gap_frames"].as_u64(),
            last_response_ms: v["last_response_ms"].as_f64(),
            barge_ins: m["interruptions"].as_u64(),
            mos_in: leg_mos(leg, "rx"),
            mos_out: leg_mos(leg, "tx"),
        }
    }
}

/// The MOS of one direction (`rx`, `tx`) of the caller leg in a snapshot's `caller_leg`.
fn leg_mos(leg: &Value, dir: &str) -> Option<f64> {
    vcctl_core::media::call_rtp::live_leg_mos(
        leg[format!("{dir}_packets")].as_i64()?,
        leg[format!("{dir}_lost")].as_i64().unwrap_or(0),
        leg[format!("{dir}_jitter_ms")].as_f64(),
        leg["rtt_ms"].as_f64(),
    )
}

/// Columns, in order; also the sort keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Caller,
    Extension,
    Profile,
    Age,
    State,
    Speaking,
    In,
    Out,
    Loss,
    Jitter,
    /// Gaps heard / underflows: the holes the caller heard beside every time the playout ran
    /// dry, so "the agent ran dry at the end" (underflows, no gaps) reads apart from "the
    /// caller heard holes".
    Gaps,
    Response,
    BargeIns,
    Mos,
}

pub const COLUMNS: [Column; 14] = [
    Column::Caller,
    Column::Extension,
    Column::Profile,
    Column::Age,
    Column::State,
    Column::Speaking,
    Column::In,
    Column::Out,
    Column::Loss,
    Column::Jitter,
    Column::Gaps,
    Column::Response,
    Column::BargeIns,
    Column::Mos,
];

impl Column {
    pub fn title(self) -> &'static str {
        match self {
            Column::Caller => "CALLER",
            Column::Extension => "EXT",
            Column::Profile => "PROFILE",
            Column::Age => "AGE",
            Column::State => "STATE",
            Column::Speaking => "TALK",
            Column::In => "IN dBFS",
            Column::Out => "OUT dBFS",
            Column::Loss => "LOSS in/out",
            Column::Jitter => "JIT ms in/out",
            Column::Gaps => "GAP/UFL",
            Column::Response => "RESP ms",
            Column::BargeIns => "BARGE",
            Column::Mos => "MOS in/out",
        }
    }

    /// Titles of the piped table (narrower: it has the id column too).
    pub fn short_title(self) -> &'static str {
        match self {
            Column::In => "IN dB",
            Column::Out => "OUT dB",
            Column::Loss => "LOSS i/o",
            Column::Jitter => "JIT i/o",
            Column::Response => "RESP",
            Column::Mos => "MOS i/o",
            other => other.title(),
        }
    }

    /// A cell of the piped table: levels as numbers, no meters.
    fn plain_cell(self, r: &CallRow) -> String {
        let level = |d: Option<f64>| {
            d.map(|d| format!("{:.0}", d.max(-99.0)))
                .unwrap_or("-".into())
        };
        match self {
            Column::In => level(r.in_dbfs),
            Column::Out => level(r.out_dbfs),
            other => other.cell(r),
        }
    }

    fn width(self) -> u16 {
        match self {
            Column::Caller => 14,
            Column::Extension => 8,
            Column::Profile => 10,
            Column::Age => 7,
            Column::State => 10,
            Column::Speaking => 6,
            Column::In | Column::Out => 11,
            Column::Loss => 11,
            Column::Jitter => 13,
            Column::Gaps => 7,
            Column::Response => 7,
            Column::BargeIns => 5,
            Column::Mos => 10,
        }
    }

    fn cell(self, r: &CallRow) -> String {
        let opt = |x: Option<String>| x.unwrap_or_else(|| "-".into());
        match self {
            Column::Caller => r.caller.clone(),
            Column::Extension => r.extension.clone(),
            Column::Profile => r.profile.clone(),
            Column::Age => age(r.age_seconds),
            Column::State => r.state.clone(),
            Column::Speaking => match r.speaking.as_str() {
                "" => "-".into(),
                s => s.into(),
            },
            Column::In => meter(r.in_dbfs),
            Column::Out => meter(r.out_dbfs),
            Column::Loss => format!(
                "{}/{}",
                opt(r.loss_in.map(|x| x.to_string())),
                opt(r.loss_out.map(|x| x.to_string()))
            ),
            Column::Jitter => format!(
                "{}/{}",
                opt(r.jitter_in_ms.map(|x| format!("{x:.1}"))),
                opt(r.jitter_out_ms.map(|x| format!("{x:.1}")))
            ),
            Column::Gaps => format!(
                "{}/{}",
                opt(r.gaps.map(|x| x.to_string())),
                opt(r.underflows.map(|x| x.to_string()))
            ),
            Column::Response => opt(r.last_response_ms.map(|x| format!("{x:.0}"))),
            Column::BargeIns => opt(r.barge_ins.map(|x| x.to_string())),
            Column::Mos => format!(
                "{}/{}",
                opt(r.mos_in.map(|x| format!("{x:.1}"))),
                opt(r.mos_out.map(|x| format!("{x:.1}")))
            ),
        }
    }

    fn compare(self, a: &CallRow, b: &CallRow) -> Ordering {
        let f = |x: Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
        let cmp = |x: f64, y: f64| x.partial_cmp(&y).unwrap_or(Ordering::Equal);
        match self {
            Column::Caller => a.caller.cmp(&b.caller),
            Column::Extension => a.extension.cmp(&b.extension),
            Column::Profile => a.profile.cmp(&b.profile),
            Column::Age => match (a.started, b.started) {
                (Some(x), Some(y)) => cmp(y, x),
                _ => cmp(a.age_seconds, b.age_seconds),
            },
            Column::State => a.state.cmp(&b.state),
            Column::Speaking => a.speaking.cmp(&b.speaking),
            Column::In => cmp(f(a.in_dbfs), f(b.in_dbfs)),
            Column::Out => cmp(f(a.out_dbfs), f(b.out_dbfs)),
            Column::Loss => (a.loss_in.unwrap_or(0) + a.loss_out.unwrap_or(0))
                .cmp(&(b.loss_in.unwrap_or(0) + b.loss_out.unwrap_or(0))),
            Column::Jitter => cmp(
                f(a.jitter_in_ms).max(f(a.jitter_out_ms)),
                f(b.jitter_in_ms).max(f(b.jitter_out_ms)),
            ),
            // Holes heard first; among equals, the playout that ran dry more often.
            Column::Gaps => (a.gaps, a.underflows).cmp(&(b.gaps, b.underflows)),
            Column::Response => cmp(f(a.last_response_ms), f(b.last_response_ms)),
            Column::BargeIns => a.barge_ins.cmp(&b.barge_ins),
            // The worse direction decides.
            Column::Mos => cmp(f(a.mos_in).min(f(a.mos_out)), f(b.mos_in).min(f(b.mos_out))),
        }
    }
}

/// `1:05`, `1:02:03`.
pub fn age(s: f64) -> String {
    let s = s.max(0.0) as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A five-step level meter with the level: `███░░ -23` (-60 dBFS and below is empty).
pub fn meter(dbfs: Option<f64>) -> String {
    match dbfs {
        None => "-".into(),
        Some(d) => {
            let steps = (((d + 60.0) / 12.0).ceil()).clamp(0.0, 5.0) as usize;
            format!(
                "{}{} {:>3.0}",
                "█".repeat(steps),
                "░".repeat(5 - steps),
                d.max(-99.0)
            )
        }
    }
}

/// A key press, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Up,
    Down,
    Enter,
    Esc,
    CtrlC,
}

/// What the key asks the caller of [`TopState::key`] to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    Quit,
    Hangup(String),
    Bundle(String),
}

/// Everything the view shows.
#[derive(Debug, Clone)]
pub struct TopState {
    pub serve: String,
    rows: Vec<CallRow>,
    totals: Value,
    /// The selected call (followed by id across refreshes).
    selected: Option<String>,
    sort: Column,
    descending: bool,
    detail: bool,
    /// Waiting for y/n to hang this call up.
    confirm_hangup: Option<String>,
    /// Timeline of the selected call: (call, entries).
    timeline: Option<(String, Vec<Value>)>,
    pub status: String,
    pub error: Option<String>,
    color: bool,
}

/// Timeline entries kept per selected call in the view.
const TIMELINE_KEEP: usize = 500;

impl TopState {
    /// `color`: false under NO_COLOR (only bold/reverse are used then).
    pub fn new(serve: &str, color: bool) -> TopState {
        TopState {
            serve: serve.to_string(),
            rows: Vec::new(),
            totals: Value::Null,
            selected: None,
            sort: Column::Age,
            descending: true,
            detail: false,
            confirm_hangup: None,
            timeline: None,
            status: String::new(),
            error: None,
            color,
        }
    }

    /// New data from serve.
    pub fn update(&mut self, calls: &[Value], totals: Value) {
        self.rows = calls.iter().map(CallRow::from_snapshot).collect();
        self.totals = totals;
        self.error = None;
        self.sort_rows();
        if let Some(id) = self.selected.clone() {
            if !self.rows.iter().any(|r| r.id == id) {
                // The call ended: select its neighbour.
                self.selected = None;
                self.detail = false;
                if self.confirm_hangup.as_deref() == Some(id.as_str()) {
                    self.confirm_hangup = None;
                }
            }
        }
        if self.selected.is_none() {
            self.selected = self.rows.first().map(|r| r.id.clone());
        }
        if self.timeline.as_ref().map(|(c, _)| c) != self.selected.as_ref() {
            self.timeline = None;
        }
    }

    /// More timeline entries of `call` as serve streams them; an entry already shown (a
    /// stream resumed after a break sends some again) is skipped by its `seq`.
    pub fn add_timeline(&mut self, call: &str, entries: Vec<Value>) {
        match &mut self.timeline {
            Some((c, v)) if c == call => {
                let last = v.last().and_then(|e| e["seq"].as_u64()).unwrap_or(0);
                v.extend(
                    entries
                        .into_iter()
                        .filter(|e| e["seq"].as_u64().is_none_or(|s| s > last)),
                )
            }
            _ => self.timeline = Some((call.to_string(), entries)),
        }
        if let Some((_, v)) = &mut self.timeline {
            if v.len() > TIMELINE_KEEP {
                v.drain(..v.len() - TIMELINE_KEEP);
            }
        }
    }

    pub fn rows(&self) -> &[CallRow] {
        &self.rows
    }

    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// The call whose timeline the view wants (the selected one, in the detail view).
    pub fn wants_timeline(&self) -> Option<&str> {
        self.detail.then_some(self.selected.as_deref()).flatten()
    }

    pub fn sort_column(&self) -> Column {
        self.sort
    }

    fn sort_rows(&mut self) {
        let (col, desc) = (self.sort, self.descending);
        self.rows.sort_by(|a, b| {
            let o = col.compare(a, b).then_with(|| a.id.cmp(&b.id));
            if desc {
                o.reverse()
            } else {
                o
            }
        });
    }

    fn index(&self) -> Option<usize> {
        let id = self.selected.as_ref()?;
        self.rows.iter().position(|r| &r.id == id)
    }

    fn select_offset(&mut self, d: isize) {
        if self.rows.is_empty() {
            return;
        }
        let i = self.index().unwrap_or(0) as isize + d;
        let i = i.clamp(0, self.rows.len() as isize - 1) as usize;
        self.selected = Some(self.rows[i].id.clone());
    }

    /// Handle a key.
    pub fn key(&mut self, k: Key) -> Action {
        if let Some(id) = self.confirm_hangup.take() {
            return match k {
                Key::Char('y') | Key::Char('Y') => {
                    self.status = format!("hanging up {id}");
                    Action::Hangup(id)
                }
                Key::CtrlC => Action::Quit,
                _ => {
                    self.status = "hang-up cancelled".into();
                    Action::None
                }
            };
        }
        match k {
            Key::Char('q') | Key::CtrlC => return Action::Quit,
            Key::Esc => self.detail = false,
            Key::Up | Key::Char('k') => self.select_offset(-1),
            Key::Down | Key::Char('j') => self.select_offset(1),
            Key::Enter => self.detail = !self.detail && self.selected.is_some(),
            Key::Char('s') => {
                let i = COLUMNS.iter().position(|c| *c == self.sort).unwrap_or(0);
                self.sort = COLUMNS[(i + 1) % COLUMNS.len()];
                self.sort_rows();
                self.status = format!("sorted by {}", self.sort.title());
            }
            Key::Char('r') => {
                self.descending = !self.descending;
                self.sort_rows();
            }
            Key::Char('h') => {
                if let Some(id) = self.selected.clone() {
                    self.status = format!("hang up call {id}? y/n");
                    self.confirm_hangup = Some(id);
                }
            }
            Key::Char('b') => {
                if let Some(id) = self.selected.clone() {
                    self.status = format!("writing the bundle of {id}");
                    return Action::Bundle(id);
                }
            }
            _ => {}
        }
        Action::None
    }

    fn style(&self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    fn header_line(&self) -> Line<'static> {
        let t = &self.totals;
        let num = |k: &str| t[k].as_u64().map(|x| x.to_string()).unwrap_or("-".into());
        let rate = t["success_rate"]
            .as_f64()
            .map(|r| format!("{:.0}%", r * 100.0))
            .unwrap_or_else(|| "-".into());
        let errors = t["agent_errors"].as_u64().unwrap_or(0);
        Line::from(vec![
            Span::styled("vcctl top ", Style::default().add_modifier(Modifier::BOLD)),
            Span::raw(format!("{}  ", self.serve)),
            Span::raw(format!("calls up {}  ", self.rows.len())),
            Span::raw(format!("{}/min  ", num("calls_per_min"))),
            Span::raw(format!("success {rate}  ")),
            Span::styled(
                format!("agent errors {errors}  "),
                if errors > 0 {
                    self.style(Color::Red)
                } else {
                    Style::default()
                },
            ),
            Span::raw(format!(
                "sort {} {}",
                self.sort.title(),
                if self.descending { "desc" } else { "asc" }
            )),
        ])
    }

    /// Draw the whole view.
    pub fn render(&self, f: &mut Frame) {
        let area = f.area();
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        f.render_widget(Paragraph::new(self.header_line()), head);
        let (table_area, detail_area) = if self.detail {
            let [a, b] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(body);
            (a, Some(b))
        } else {
            (body, None)
        };
        self.render_table(f, table_area);
        if let Some(d) = detail_area {
            self.render_detail(f, d);
        }
        let foot_text = match (&self.error, self.status.is_empty()) {
            (Some(e), _) => Line::from(Span::styled(e.clone(), self.style(Color::Red))),
            (None, false) => Line::from(self.status.clone()),
            (None, true) => Line::from(
                "↑↓ select  Enter details  s sort  r reverse  h hang up  b bundle  q quit",
            ),
        };
        f.render_widget(Paragraph::new(foot_text), foot);
    }

    fn render_table(&self, f: &mut Frame, area: Rect) {
        let header = Row::new(COLUMNS.iter().map(|c| {
            let mut title = c.title().to_string();
            if *c == self.sort {
                title.push(if self.descending { '↓' } else { '↑' });
            }
            Cell::from(title)
        }))
        .style(Style::default().add_modifier(Modifier::BOLD));
        let rows = self.rows.iter().map(|r| {
            Row::new(COLUMNS.iter().map(|c| {
                let text = c.cell(r);
                let style = match c {
                    Column::Speaking if r.speaking == "caller" => self.style(Color::Cyan),
                    Column::Speaking if r.speaking == "agent" => self.style(Color::Green),
                    Column::Speaking if r.speaking == "both" => self.style(Color::Yellow),
                    Column::Loss if r.loss_in.unwrap_or(0) + r.loss_out.unwrap_or(0) > 0 => {
                        self.style(Color::Yellow)
                    }
                    // An underflow the agent's audio did not resume from ended its response
                    // (or is still open): only gaps were heard as holes.
                    Column::Gaps if r.gaps.unwrap_or(0) > 0 => self.style(Color::Yellow),
                    _ => Style::default(),
                };
                Cell::from(text).style(style)
            }))
        });
        let widths = COLUMNS.iter().map(|c| Constraint::Length(c.width()));
        let title = if self.rows.is_empty() {
            " no live calls ".to_string()
        } else {
            format!(" {} live calls ", self.rows.len())
        };
        let table = Table::new(rows, widths)
            .header(header)
            .block(Block::default().borders(Borders::TOP).title(title))
            .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
        let mut state = TableState::default().with_selected(self.index());
        f.render_stateful_widget(table, area, &mut state);
    }

    fn render_detail(&self, f: &mut Frame, area: Rect) {
        let Some(row) = self.index().map(|i| &self.rows[i]) else {
            return;
        };
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(area);
        let entries: &[Value] = match &self.timeline {
            Some((c, v)) if *c == row.id => v,
            _ => &[],
        };
        let t0 = entries.first().and_then(|e| e["t"].as_f64());
        let visible = left.height.saturating_sub(1) as usize;
        let lines: Vec<Line> = entries
            .iter()
            .skip(entries.len().saturating_sub(visible))
            .map(|e| {
                let at = match (e["t"].as_f64(), t0) {
                    (Some(t), Some(t0)) => format!("{:>7.2}s ", t - t0),
                    _ => "         ".into(),
                };
                let style = match e["kind"].as_str() {
                    Some("turn") => self.style(Color::Cyan),
                    Some("ari") => self.style(Color::Blue),
                    Some("media") => self.style(Color::Magenta),
                    _ => Style::default(),
                };
                Line::from(vec![Span::raw(at), Span::styled(describe(e), style)])
            })
            .collect();
        f.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(format!(" timeline of {} ", row.id)),
            ),
            left,
        );
        let fig = |x: Option<f64>, unit: &str| {
            x.map(|v| format!("{v:.1} {unit}"))
                .unwrap_or_else(|| "-".into())
        };
        let mut text = vec![
            Line::from(Span::styled(
                "latency",
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Line::from(format!(
                "  last response  {}",
                fig(row.last_response_ms, "ms")
            )),
            Line::from(format!(
                "  barge-ins      {}",
                row.barge_ins.map(|b| b.to_string()).unwrap_or("-".into())
            )),
            Line::from(Span::styled(
                "RTP",
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Line::from(format!(
                "  in  (phone->serve) lost {}  jitter {}",
                row.loss_in.map(|x| x.to_string()).unwrap_or("-".into()),
                fig(row.jitter_in_ms, "ms")
            )),
            Line::from(format!(
                "  out (Asterisk->phone) lost {}  jitter {}",
                row.loss_out.map(|x| x.to_string()).unwrap_or("-".into()),
                fig(row.jitter_out_ms, "ms")
            )),
            Line::from(format!(
                "  MOS caller leg in {}  out {}",
                row.mos_in.map(|x| format!("{x:.2}")).unwrap_or("-".into()),
                row.mos_out.map(|x| format!("{x:.2}")).unwrap_or("-".into())
            )),
            Line::from(format!(
                "  playout underflows {}, gaps heard {}",
                row.underflows.map(|x| x.to_string()).unwrap_or("-".into()),
                match (row.gaps, row.gap_frames) {
                    (Some(g), Some(f)) if g > 0 => format!("{g} ({} ms of silence)", f * 20),
                    (g, _) => g.map(|x| x.to_string()).unwrap_or("-".into()),
                }
            )),
        ];
        text.push(Line::from(format!(
            "  caller {}  agent {}",
            meter(row.in_dbfs),
            meter(row.out_dbfs)
        )));
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::TOP).title(" figures ")),
            right,
        );
    }
}

/// One snapshot of serve's live calls, for a pipe (`vcctl top` without a terminal).
#[derive(Debug, Clone, Serialize)]
pub struct TopSnapshot {
    pub serve: String,
    pub totals: Value,
    pub calls: Vec<CallRow>,
}

impl Render for TopSnapshot {
    fn render_text(&self) -> String {
        let t = &self.totals;
        let mut s = format!(
            "serve {}: {} calls up, {} started in the last minute, success {}, agent errors {}\n",
            self.serve,
            self.calls.len(),
            t["calls_per_min"].as_u64().unwrap_or(0),
            t["success_rate"]
                .as_f64()
                .map(|r| format!("{:.0}%", r * 100.0))
                .unwrap_or_else(|| "-".into()),
            t["agent_errors"].as_u64().unwrap_or(0),
        );
        if self.calls.is_empty() {
            s.push_str("no live calls\n");
            return s;
        }
        let mut table = crate::ui::output::table(
            std::iter::once("ID").chain(COLUMNS.iter().map(|c| c.short_title())),
        );
        for r in &self.calls {
            table.add_row(
                std::iter::once(r.id.clone()).chain(COLUMNS.iter().map(|c| c.plain_cell(r))),
            );
        }
        s.push_str(&table.to_string());
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use serde_json::json;

    fn call(id: &str, caller: &str, age: f64, resp: Option<f64>) -> Value {
        json!({
            "id": id, "caller": caller, "extension": "test", "profile": "default",
            "age_seconds": age, "started": 1000.0 - age, "state": "bridged", "speaking": "agent",
            "last_response_ms": resp,
            "media": {"caller_level_dbfs": -30.0, "agent_level_dbfs": -12.0, "rtp_in_lost": 2,
                      "rtp_in_jitter_ms": 1.25, "playout": {"underflows": 3, "gaps": 1, "gap_frames": 2},
                      "interruptions": 3},
            "caller_leg": {"rx_packets": 500, "rx_lost": 1, "rx_jitter_ms": 0.5,
                           "tx_packets": 450, "tx_lost": 50, "tx_jitter_ms": 4.0, "rtt_ms": 20.0}
        })
    }

    fn screen(state: &TopState, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| state.render(f)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut s = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    #[test]
    fn rows_and_totals_are_on_screen() {
        let mut s = TopState::new("http://127.0.0.1:8000", true);
        s.update(
            &[
                call("1.1", "+15550001", 65.0, Some(420.0)),
                call("1.2", "alice", 3.0, None),
            ],
            json!({"calls_per_min": 7, "success_rate": 0.9, "agent_errors": 1}),
        );
        let text = screen(&s, 160, 12);
        assert!(text.contains("calls up 2"), "{text}");
        assert!(text.contains("7/min"), "{text}");
        assert!(text.contains("success 90%"), "{text}");
        assert!(text.contains("agent errors 1"), "{text}");
        assert!(text.contains("+15550001"), "{text}");
        assert!(text.contains("1:05"), "{text}");
        // Loss in: serve's 2 from Asterisk plus Asterisk's 1 from the phone.
        assert!(text.contains("3/50"), "loss in/out: {text}");
        let mos =
            |p, l, j| vcctl_core::media::call_rtp::live_leg_mos(p, l, Some(j), Some(20.0)).unwrap();
        let (mi, mo) = (mos(500, 1, 0.5), mos(450, 50, 4.0));
        assert!(mi > 4.0 && mo < 3.5, "{mi} {mo}");
        assert!(
            text.contains(&format!("{mi:.1}/{mo:.1}")),
            "MOS in/out: {text}"
        );
        assert!(text.contains("1.2/4.0"), "jitter in/out: {text}");
        assert!(text.contains("420"), "{text}");
        assert!(text.contains("agent"), "{text}");
        // Oldest first by default (age, descending): the first data row is the 65 s call.
        let first = text.lines().position(|l| l.contains("+15550001")).unwrap();
        let second = text.lines().position(|l| l.contains("alice")).unwrap();
        assert!(first < second, "{text}");
        s.update(&[], json!({}));
        assert!(screen(&s, 160, 12).contains("no live calls"));
    }

    #[test]
    fn keys_select_sort_and_ask_before_hanging_up() {
        let mut s = TopState::new("x", false);
        s.update(
            &[call("a", "c1", 10.0, None), call("b", "c2", 20.0, None)],
            json!({}),
        );
        assert_eq!(
            s.selected(),
            Some("b"),
            "the oldest call is first and selected"
        );
        s.key(Key::Down);
        assert_eq!(s.selected(), Some("a"));
        s.key(Key::Down);
        assert_eq!(s.selected(), Some("a"), "stays on the last row");
        s.key(Key::Char('r'));
        assert_eq!(s.rows()[0].id, "a");
        assert_eq!(
            s.selected(),
            Some("a"),
            "the selection follows the call, not the row"
        );
        s.key(Key::Char('s'));
        assert_eq!(s.sort_column(), Column::State);
        assert_eq!(s.key(Key::Char('h')), Action::None);
        assert!(s.status.contains("y/n"));
        assert_eq!(s.key(Key::Char('n')), Action::None);
        assert_eq!(s.status, "hang-up cancelled");
        s.key(Key::Char('h'));
        assert_eq!(s.key(Key::Char('y')), Action::Hangup("a".into()));
        assert_eq!(s.key(Key::Char('b')), Action::Bundle("a".into()));
        assert_eq!(s.key(Key::Char('q')), Action::Quit);
        assert_eq!(s.key(Key::CtrlC), Action::Quit);
        // The selected call ends: the selection moves to one that is still there.
        s.update(&[call("b", "c2", 21.0, None)], json!({}));
        assert_eq!(s.selected(), Some("b"));
        let mut empty = TopState::new("x", false);
        assert_eq!(empty.key(Key::Char('h')), Action::None);
        assert_eq!(empty.key(Key::Char('b')), Action::None);
    }

    #[test]
    fn the_detail_view_shows_the_timeline_and_figures() {
        let mut s = TopState::new("x", true);
        s.update(&[call("a", "c1", 10.0, Some(512.0))], json!({}));
        assert_eq!(s.wants_timeline(), None);
        s.key(Key::Enter);
        assert_eq!(s.wants_timeline(), Some("a"));
        s.add_timeline(
            "a",
            vec![
                json!({"t": 100.0, "kind": "ari", "event": {"type": "StasisStart", "channel": {"name": "PJSIP/alice-1"}}}),
                json!({"t": 101.5, "kind": "turn", "role": "caller", "text": "hello there"}),
            ],
        );
        s.add_timeline(
            "a",
            vec![json!({"t": 102.0, "kind": "media", "what": "barge-in"})],
        );
        let text = screen(&s, 160, 30);
        assert!(text.contains("timeline of a"), "{text}");
        assert!(text.contains("ARI StasisStart PJSIP/alice-1"), "{text}");
        assert!(text.contains("1.50s turn caller: hello there"), "{text}");
        assert!(text.contains("media barge-in"), "{text}");
        assert!(text.contains("last response  512.0 ms"), "{text}");
        assert!(
            text.contains("playout underflows 3, gaps heard 1 (40 ms of silence)"),
            "{text}"
        );
        s.key(Key::Esc);
        assert_eq!(s.wants_timeline(), None);
    }

    #[test]
    fn gaps_heard_show_beside_underflows_sort_first_and_alone_are_highlighted() {
        let with = |id: &str, underflows: u64, gaps: u64| {
            let mut v = call(id, id, 10.0, None);
            v["media"]["playout"] =
                json!({"underflows": underflows, "gaps": gaps, "gap_frames": gaps * 3});
            v
        };
        // "Ran dry at the end" (5 underflows, no gap) and "heard holes" (2 gaps of 2).
        let mut s = TopState::new("x", true);
        s.update(&[with("dry", 5, 0), with("holes", 2, 2)], json!({}));
        let mut t = Terminal::new(TestBackend::new(200, 8)).unwrap();
        t.draw(|f| s.render(f)).unwrap();
        let buf = t.backend().buffer().clone();
        let lines: Vec<Vec<String>> = (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect();
        let text: String = lines.iter().map(|l| l.concat() + "\n").collect();
        assert!(text.contains("GAP/UFL"), "{text}");
        // The column of `needle` on the row of call `id`, and that cell's colour.
        let cell = |id: &str, needle: &str| {
            let y = lines.iter().position(|l| l.concat().contains(id)).unwrap();
            let x = (0..lines[y].len())
                .find(|&x| lines[y][x..].concat().starts_with(needle))
                .unwrap_or_else(|| panic!("{needle} not on {id}'s row: {text}"));
            buf[(x as u16, y as u16)].fg
        };
        // Only the call whose caller heard holes is highlighted in that column.
        assert_eq!(cell("holes", "2/2"), Color::Yellow);
        assert_eq!(cell("dry", "0/5"), Color::Reset);
        // Sorted by the column, most holes first: the call with gaps leads although the
        // other's playout ran dry more often.
        while s.sort_column() != Column::Gaps {
            s.key(Key::Char('s'));
        }
        assert_eq!(s.rows()[0].id, "holes");
        // The piped table and its JSON carry both figures.
        let snap = TopSnapshot {
            serve: "http://s".into(),
            totals: json!({}),
            calls: s.rows().to_vec(),
        };
        let piped = snap.render_text();
        let row = |id: &str| piped.lines().find(|l| l.contains(id)).unwrap().to_string();
        assert!(
            row("holes").contains(" 2/2 ") && row("dry").contains(" 0/5 "),
            "{piped}"
        );
        let v = serde_json::to_value(&snap).unwrap();
        let first = &v["calls"][0];
        assert_eq!(
            (&first["gaps"], &first["gap_frames"], &first["underflows"]),
            (&json!(2), &json!(6), &json!(2))
        );
        // A WebSocket call has no playout of serve's: dashes, not zeros.
        let mut ws = call("ws", "ws", 1.0, None);
        ws["media"].as_object_mut().unwrap().remove("playout");
        assert_eq!(Column::Gaps.cell(&CallRow::from_snapshot(&ws)), "-/-");
    }

    #[test]
    fn a_resumed_stream_does_not_show_an_entry_twice() {
        let mut s = TopState::new("x", false);
        s.update(&[call("a", "c1", 10.0, None)], json!({}));
        s.key(Key::Enter);
        let turn = |seq: u64, text: &str| json!({"seq": seq, "t": 100.0, "kind": "turn", "role": "agent", "text": text});
        s.add_timeline("a", vec![turn(1, "first line"), turn(2, "second line")]);
        s.add_timeline("a", vec![turn(2, "second line"), turn(3, "third line")]);
        let text = screen(&s, 160, 30);
        assert_eq!(text.matches("second line").count(), 1, "{text}");
        assert!(text.contains("third line"), "{text}");
    }

    #[test]
    fn no_color_draws_without_colors_and_small_terminals_do_not_panic() {
        let mut s = TopState::new("x", false);
        s.update(&[call("a", "c1", 10.0, None)], json!({"agent_errors": 3}));
        s.key(Key::Enter);
        let mut t = Terminal::new(TestBackend::new(120, 20)).unwrap();
        t.draw(|f| s.render(f)).unwrap();
        let buf = t.backend().buffer();
        assert!(buf
            .content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
        let mut colored = s.clone();
        colored.color = true;
        let mut t = Terminal::new(TestBackend::new(120, 20)).unwrap();
        t.draw(|f| colored.render(f)).unwrap();
        assert!(t
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset));
        for (w, h) in [(1, 1), (10, 3), (40, 5)] {
            screen(&s, w, h);
        }
    }

    #[test]
    fn meters_ages_and_the_piped_table() {
        assert_eq!(meter(Some(0.0)), "█████   0");
        assert_eq!(meter(Some(-30.0)), "███░░ -30");
        assert_eq!(meter(Some(-120.0)), "░░░░░ -99");
        assert_eq!(meter(None), "-");
        assert_eq!(age(65.4), "1:05");
        assert_eq!(age(3723.0), "1:02:03");
        let snap = TopSnapshot {
            serve: "http://s".into(),
            totals: json!({"calls_per_min": 2, "success_rate": 1.0}),
            calls: vec![CallRow::from_snapshot(&call("9.9", "bob", 5.0, None))],
        };
        let text = snap.render_text();
        assert!(
            text.contains("1 calls up, 2 started in the last minute, success 100%"),
            "{text}"
        );
        assert!(text.contains("9.9") && text.contains("bob"), "{text}");
        let v = serde_json::to_value(&snap).unwrap();
        // Both hops of the caller's audio: serve's 2 and Asterisk's 1.
        assert_eq!(v["calls"][0]["loss_in"], 3);
        assert!(v["calls"][0]["mos_out"].as_f64().unwrap() < 3.5, "{v}");
        assert!(text.contains("MOS"), "{text}");
    }
}
