//! Reports of `check-firewall` and `doctor`: one row per check with its status, evidence
//! and fix; a summary line; `--json` gives the same rows.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ui::output::{table, Render};
pub use vcctl_core::checks::verdicts::Summary;
use vcctl_core::checks::verdicts::{worst, CheckRow, Status};

/// A checklist.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// `check-firewall` or `doctor`.
    pub command: String,
    /// The worst status of the rows.
    pub status: Status,
    pub summary: Summary,
    /// Facts the checks used (interface, ruleset sources, public address...).
    pub context: BTreeMap<String, String>,
    pub rows: Vec<CheckRow>,
}

impl CheckReport {
    pub fn new(command: &str, context: BTreeMap<String, String>, rows: Vec<CheckRow>) -> Self {
        CheckReport {
            command: command.to_string(),
            status: worst(&rows),
            summary: Summary::of(&rows),
            context,
            rows,
        }
    }

    /// `firewall on sip 5060/udp` for each failing row, for the error sentence.
    pub fn failures(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.status == Status::Fail)
            .map(|r| format!("{} on {}", r.check, r.target))
            .collect()
    }
}

impl Render for CheckReport {
    fn render_text(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.context {
            out.push_str(&format!("{k}: {v}\n"));
        }
        let mut t = table(["status", "check", "target", "evidence", "fix"]);
        for r in &self.rows {
            t.add_row([
                r.status.to_string(),
                r.check.clone(),
                r.target.clone(),
                r.evidence.clone(),
                r.fix.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
        out.push_str(&format!("{}: {}\n", self.command, self.summary.line()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_counts_and_renders_every_row() {
        let rows = vec![
            CheckRow::new("firewall", "sip 5060/udp", Status::Fail, "DROP by x")
                .with_fix("nft insert rule inet filter input udp dport 5060 accept"),
            CheckRow::new("listening", "sip 5060/udp", Status::Pass, "asterisk"),
            CheckRow::new(
                "reachable",
                "sip 5060/udp",
                Status::Skip,
                "not checked: no --peer",
            ),
        ];
        let mut ctx = BTreeMap::new();
        ctx.insert("interface".to_string(), "eth0".to_string());
        let r = CheckReport::new("check-firewall", ctx, rows);
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.summary.line(), "1 FAIL, 1 PASS, 1 not checked");
        let text = r.render_text();
        assert!(text.starts_with("interface: eth0\n"));
        assert!(text.contains("FAIL") && text.contains("not checked: no --peer"));
        assert!(text
            .trim_end()
            .ends_with("check-firewall: 1 FAIL, 1 PASS, 1 not checked"));
        assert_eq!(r.failures(), vec!["firewall on sip 5060/udp"]);
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["rows"][0]["status"], "FAIL");
        assert_eq!(j["summary"]["skip"], 1);
    }
}
