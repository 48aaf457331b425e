//! Renderings of agent profiles and routing decisions (`vcctl agents ...`).

use serde::Serialize;

use crate::ui::output::{kv_table, table, Render};
use vcctl_core::agent::routing::{AgentProfile, DEFAULT_AGENT_ID_ENV};

/// Whether the environment variable named by a profile is set. Never holds the value.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KeyStatus {
    pub var: String,
    pub set: bool,
    /// `environment` or `.env` when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
}

impl KeyStatus {
    pub fn text(&self) -> String {
        match self.source {
            Some(src) => format!("{} (set, from {src})", self.var),
            None => format!(
                "{} (NOT SET: the agent only works if it is public)",
                self.var
            ),
        }
    }
}

fn or_any(p: &Option<String>) -> String {
    p.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "any".into())
}

fn overrides(p: &AgentProfile) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &p.voice_id {
        parts.push(format!("voice {v}"));
    }
    if let Some(l) = &p.language {
        parts.push(format!("language {l}"));
    }
    if p.first_message.is_some() {
        parts.push("first message".to_string());
    }
    match p.dynamic_variables.len() {
        0 => {}
        1 => parts.push("1 variable".into()),
        n => parts.push(format!("{n} variables")),
    }
    parts.join(", ")
}

/// `vcctl agents list`.
#[derive(Debug, Serialize)]
pub struct ProfileList {
    pub database: String,
    pub profiles: Vec<AgentProfile>,
    /// Serves calls no profile matches; from `ELEVENLABS_AGENT_ID`.
    pub fallback: Option<AgentProfile>,
}

impl ProfileList {
    fn fallback_line(&self) -> String {
        match &self.fallback {
            Some(f) => format!(
                "calls no profile matches go to agent {} ({DEFAULT_AGENT_ID_ENV}, key from {})",
                f.agent_id,
                f.api_key_var()
            ),
            None => format!(
                "calls no profile matches cannot be served: {DEFAULT_AGENT_ID_ENV} is not set"
            ),
        }
    }
}

impl Render for ProfileList {
    fn render_text(&self) -> String {
        let mut out = String::new();
        if self.profiles.is_empty() {
            out.push_str(&format!("no agent profiles in {}\n", self.database));
        } else {
            let mut t = table([
                "#",
                "name",
                "extension",
                "caller",
                "agent id",
                "key variable",
                "overrides",
            ]);
            for p in &self.profiles {
                t.add_row([
                    p.position.to_string(),
                    p.name.clone(),
                    or_any(&p.extension_pattern),
                    or_any(&p.caller_pattern),
                    p.agent_id.clone(),
                    p.api_key_var().to_string(),
                    overrides(p),
                ]);
            }
            out.push_str(&t.to_string());
            out.push('\n');
            out.push_str(&format!("(from {})\n", self.database));
        }
        out.push_str(&self.fallback_line());
        out
    }
}

/// `vcctl agents show NAME`.
#[derive(Debug, Serialize)]
pub struct ProfileView {
    #[serde(flatten)]
    pub profile: AgentProfile,
    /// `database`, or `environment` for the `default` fallback.
    pub source: &'static str,
    pub api_key: KeyStatus,
}

fn profile_rows(p: &AgentProfile, source: &str, key: &KeyStatus) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("name", p.name.clone()),
        (
            "position",
            if source == "database" {
                p.position.to_string()
            } else {
                "last (fallback)".into()
            },
        ),
        ("source", source.to_string()),
        ("agent id", p.agent_id.clone()),
        ("api key", key.text()),
        ("extension", or_any(&p.extension_pattern)),
        ("caller", or_any(&p.caller_pattern)),
    ];
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(agent's own)".into());
    rows.push(("voice id", opt(&p.voice_id)));
    rows.push(("language", opt(&p.language)));
    rows.push(("first message", opt(&p.first_message)));
    for (k, v) in &p.dynamic_variables {
        rows.push(("variable", format!("{k}={v}")));
    }
    rows
}

impl Render for ProfileView {
    fn render_text(&self) -> String {
        kv_table(&profile_rows(&self.profile, self.source, &self.api_key))
    }
}

/// `vcctl agents route`.
#[derive(Debug, Serialize)]
pub struct RouteView {
    pub extension: String,
    pub caller: String,
    /// True when no stored profile matched and the `ELEVENLABS_AGENT_ID` fallback serves.
    pub fallback: bool,
    pub profile: AgentProfile,
    pub api_key: KeyStatus,
}

impl Render for RouteView {
    fn render_text(&self) -> String {
        let shown = |s: &str| {
            if s.is_empty() {
                "(none)".to_string()
            } else {
                s.to_string()
            }
        };
        let how = if self.fallback {
            format!("no profile matches, so the fallback from {DEFAULT_AGENT_ID_ENV}")
        } else {
            format!("profile #{}", self.profile.position)
        };
        format!(
            "a call to {} from {} goes to '{}' ({how}): agent {}, API key {}",
            shown(&self.extension),
            shown(&self.caller),
            self.profile.name,
            self.profile.agent_id,
            self.api_key.text()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_never_contain_key_values_and_name_the_fallback() {
        let mut p = AgentProfile::new("sales", "agent_1");
        p.position = 1;
        p.extension_pattern = Some("2*".into());
        p.dynamic_variables.insert("team".into(), "sales".into());
        let list = ProfileList {
            database: "/tmp/x.db".into(),
            profiles: vec![p.clone()],
            fallback: None,
        };
        let text = list.render_text();
        assert!(text.contains("sales") && text.contains("2*") && text.contains("1 variable"));
        assert!(text.contains("ELEVENLABS_AGENT_ID is not set"));
        let key = KeyStatus {
            var: "K".into(),
            set: true,
            source: Some(".env"),
        };
        let view = ProfileView {
            profile: p.clone(),
            source: "database",
            api_key: key.clone(),
        };
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["api_key"]["set"], true);
        assert_eq!(json["name"], "sales");
        assert!(view.render_text().contains("team=sales"));
        let r = RouteView {
            extension: "2001".into(),
            caller: String::new(),
            fallback: false,
            profile: p,
            api_key: key,
        };
        assert!(r.render_text().contains("goes to 'sales' (profile #1)"));
    }
}
