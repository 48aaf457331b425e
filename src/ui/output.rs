//! Output for people (tables, lines) and scripts (`--json`), written to any writer.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::error::{Error, Result};

/// Something a command prints: a text form for people and a JSON form for scripts.
pub trait Render: Serialize {
    fn render_text(&self) -> String;
}

/// Print `value` to stdout as text or pretty JSON. A closed pipe (`| head`) is not an error.
pub fn emit<T: Render>(value: &T, json: bool) -> Result<()> {
    let text = if json {
        serde_json::to_string_pretty(value).map_err(|e| Error::Other(e.to_string()))?
    } else {
        value.render_text()
    };
    write_stdout(&text)
}

/// Write `text` (plus a newline if missing) to stdout, mapping a broken pipe to success.
pub fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let r = out
        .write_all(text.as_bytes())
        .and_then(|_| {
            if text.ends_with('\n') {
                Ok(())
            } else {
                out.write_all(b"\n")
            }
        })
        .and_then(|_| out.flush());
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("writing to stdout", e)),
    }
}

/// Width of tables when stdout is not a terminal and `COLUMNS` does not say otherwise: wide
/// enough for five columns of evidence, narrow enough to read in a log or a mail.
pub const PIPED_WIDTH: u16 = 120;

/// The width tables wrap to: `None` on a terminal (comfy-table follows the terminal's
/// width), else `COLUMNS` when it is a usable number, else [`PIPED_WIDTH`].
pub fn table_width(stdout_tty: bool, columns: Option<&str>) -> Option<u16> {
    if stdout_tty {
        return None;
    }
    let given = columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c >= 40);
    Some(given.unwrap_or(PIPED_WIDTH))
}

/// A table with vcctl's look; the width follows the terminal when there is one, else
/// [`table_width`]: long cells wrap instead of making lines of hundreds of characters.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    let columns = std::env::var("COLUMNS").ok();
    if let Some(w) = table_width(crate::ui::progress::stdout_is_tty(), columns.as_deref()) {
        t.set_width(w);
    }
    t
}

/// Two-column key/value table for `show` commands.
pub fn kv_table(rows: &[(&str, String)]) -> String {
    let mut t = table(["field", "value"]);
    for (k, v) in rows {
        t.add_row([k.to_string(), v.clone()]);
    }
    t.to_string()
}

/// Text shown in place of an empty table.
pub fn none_line(what: &str) -> String {
    format!("no {what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piped_tables_wrap_to_columns_or_a_sensible_width() {
        assert_eq!(table_width(true, Some("300")), None);
        assert_eq!(table_width(false, None), Some(PIPED_WIDTH));
        assert_eq!(table_width(false, Some("200")), Some(200));
        assert_eq!(table_width(false, Some("abc")), Some(PIPED_WIDTH));
        assert_eq!(table_width(false, Some("5")), Some(PIPED_WIDTH));
        // A row of a few hundred characters wraps within the width.
        let mut t = table(["status", "evidence"]);
        t.set_width(80);
        t.add_row(["PASS".to_string(), "word ".repeat(80)]);
        let text = t.to_string();
        assert!(text.lines().count() > 5, "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }

    #[test]
    fn kv_table_lists_each_row() {
        let s = kv_table(&[("id", "1.2".into()), ("state", "Up".into())]);
        assert!(s.contains("id"));
        assert!(s.contains("1.2"));
        assert!(s.lines().any(|l| l.contains("state") && l.contains("Up")));
    }
}
