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

/// A table with vcctl's look; the width follows the terminal when there is one.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
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
    fn kv_table_lists_each_row() {
        let s = kv_table(&[("id", "1.2".into()), ("state", "Up".into())]);
        assert!(s.contains("id"));
        assert!(s.contains("1.2"));
        assert!(s.lines().any(|l| l.contains("state") && l.contains("Up")));
    }
}
