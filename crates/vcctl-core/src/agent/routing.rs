//! Agent profiles and call routing: which ElevenLabs agent answers a call.
//!
//! A profile names an agent and optional per-call overrides (voice, first message, language,
//! dynamic variables), and two patterns that select calls: one on the dialed extension and
//! one on the caller's number. Profiles are tried in routing order (`position`, 1 first);
//! the first whose both patterns match wins. When none matches, the fallback profile built
//! from `ELEVENLABS_AGENT_ID` serves the call (see [`default_profile`]), if that is set.
//!
//! # Patterns
//! Deliberately small, glob style, case-sensitive, matched against the whole text:
//! - `*` any run of characters (also none), `?` exactly one character;
//! - `\` makes the next character literal (`\*97` matches the feature code `*97`);
//! - everything else matches itself; an empty or absent pattern matches anything.
//!
//! Examples: `1001` (exactly 1001), `9*` (starts with 9), `+4930*` (Berlin callers),
//! `10??` (1000..1099 and any other four characters starting with 10).
//!
//! The API key is never stored: a profile names the environment variable that holds it
//! ([`AgentProfile::api_key_env`]), and validation refuses anything that looks like a key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Name of the fallback profile built from the environment. Reserved: no stored profile may use it.
pub const DEFAULT_PROFILE_NAME: &str = "default";
/// The environment variable naming the fallback agent.
pub const DEFAULT_AGENT_ID_ENV: &str = "ELEVENLABS_AGENT_ID";
/// The environment variable holding the API key when a profile names none.
pub const DEFAULT_API_KEY_ENV: &str = "ELEVENLABS_API_KEY";

/// One routing rule and the agent it sends calls to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    /// Unique name, `[A-Za-z0-9._-]`, at most 64 characters.
    pub name: String,
    /// Routing order, 1 is tried first. Stored profiles are numbered 1..=n without gaps.
    pub position: i64,
    /// The ElevenLabs agent id.
    pub agent_id: String,
    /// NAME of the environment variable holding the API key (never the key itself);
    /// `None` means [`DEFAULT_API_KEY_ENV`]. Public agents need no key at all.
    pub api_key_env: Option<String>,
    /// Voice override for the conversation.
    pub voice_id: Option<String>,
    /// First-message override.
    pub first_message: Option<String>,
    /// Language override, e.g. `en`, `de`.
    pub language: Option<String>,
    /// Dynamic variables sent when the conversation starts.
    #[serde(default)]
    pub dynamic_variables: BTreeMap<String, String>,
    /// Pattern on the dialed extension; `None` or empty matches any.
    pub extension_pattern: Option<String>,
    /// Pattern on the caller's number; `None` or empty matches any.
    pub caller_pattern: Option<String>,
}

impl AgentProfile {
    /// A profile for `agent_id` with no overrides that matches every call.
    pub fn new(name: impl Into<String>, agent_id: impl Into<String>) -> Self {
        AgentProfile {
            name: name.into(),
            position: 0,
            agent_id: agent_id.into(),
            api_key_env: None,
            voice_id: None,
            first_message: None,
            language: None,
            dynamic_variables: BTreeMap::new(),
            extension_pattern: None,
            caller_pattern: None,
        }
    }

    /// Whether this profile takes a call to `extension` from `caller`.
    pub fn matches(&self, extension: &str, caller: &str) -> bool {
        pattern_matches(self.extension_pattern.as_deref().unwrap_or(""), extension)
            && pattern_matches(self.caller_pattern.as_deref().unwrap_or(""), caller)
    }

    /// The environment variable to read the API key from.
    pub fn api_key_var(&self) -> &str {
        self.api_key_env.as_deref().unwrap_or(DEFAULT_API_KEY_ENV)
    }

    /// Check everything an operator typed; the error is one sentence and never echoes a
    /// value that might be a secret.
    pub fn validate(&self) -> Result<(), ProfileError> {
        validate_name(&self.name)?;
        if self.name == DEFAULT_PROFILE_NAME {
            return Err(ProfileError::ReservedName);
        }
        if self.agent_id.trim().is_empty() || self.agent_id.chars().any(char::is_whitespace) {
            return Err(ProfileError::BadAgentId);
        }
        if let Some(var) = &self.api_key_env {
            validate_env_name(var)?;
        }
        for (field, v) in [("voice id", &self.voice_id), ("language", &self.language)] {
            if let Some(v) = v {
                if v.is_empty() || v.chars().any(char::is_whitespace) {
                    return Err(ProfileError::BadField {
                        field,
                        reason: "it must be non-empty without spaces",
                    });
                }
            }
        }
        if self.first_message.as_deref() == Some("") {
            return Err(ProfileError::BadField {
                field: "first message",
                reason: "leave it out instead of giving an empty one",
            });
        }
        for k in self.dynamic_variables.keys() {
            let ok = !k.is_empty()
                && k.len() <= 64
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !ok {
                return Err(ProfileError::BadVariable(k.clone()));
            }
        }
        for (field, p) in [
            ("extension", &self.extension_pattern),
            ("caller", &self.caller_pattern),
        ] {
            if let Some(p) = p {
                validate_pattern(p).map_err(|reason| ProfileError::BadPattern {
                    field,
                    pattern: p.clone(),
                    reason,
                })?;
            }
        }
        Ok(())
    }
}

/// Why a profile was refused. Display is one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("the profile name '{0}' is not valid; use 1-64 letters, digits, '.', '_' or '-'")]
    BadName(String),
    #[error("the name 'default' is reserved for the fallback profile built from ELEVENLABS_AGENT_ID; choose another name")]
    ReservedName,
    #[error("the agent id must be non-empty and without spaces (it looks like agent_0123...)")]
    BadAgentId,
    #[error("that looks like an API key, not the name of an environment variable; vcctl never stores keys: put the key in the environment or .env (e.g. MY_AGENT_KEY=...) and pass --api-key-env MY_AGENT_KEY")]
    LooksLikeApiKey,
    #[error("'{0}' is not an environment variable name; use letters, digits and '_' (e.g. ELEVENLABS_API_KEY_SALES)")]
    BadEnvName(String),
    #[error("the {field} is not valid: {reason}")]
    BadField {
        field: &'static str,
        reason: &'static str,
    },
    #[error(
        "the dynamic variable name '{0}' is not valid; use 1-64 letters, digits, '_', '-' or '.'"
    )]
    BadVariable(String),
    #[error("the {field} pattern '{pattern}' is not valid: {reason}")]
    BadPattern {
        field: &'static str,
        pattern: String,
        reason: &'static str,
    },
}

/// Profile names: 1-64 of `[A-Za-z0-9._-]`.
pub fn validate_name(name: &str) -> Result<(), ProfileError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ProfileError::BadName(name.to_string()))
    }
}

/// An environment variable name, and not something that looks like an API key.
pub fn validate_env_name(var: &str) -> Result<(), ProfileError> {
    if looks_like_api_key(var) {
        return Err(ProfileError::LooksLikeApiKey);
    }
    let mut chars = var.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && var.len() <= 128;
    if ok {
        Ok(())
    } else if var.len() >= 24 {
        // Long and not a variable name: more likely a key than a typo; do not echo it.
        Err(ProfileError::LooksLikeApiKey)
    } else {
        Err(ProfileError::BadEnvName(var.to_string()))
    }
}

/// ElevenLabs keys are `sk_` followed by hex (older ones: 32 bare hex digits). Variable names
/// are conventionally upper case, so a long run of lower-case hex is treated as a key too.
pub fn looks_like_api_key(s: &str) -> bool {
    let s = s.trim();
    let hexish = |t: &str| t.len() >= 24 && t.chars().all(|c| c.is_ascii_hexdigit());
    s.starts_with("sk_")
        || s.starts_with("xi-")
        || hexish(s)
        || (s.len() >= 32
            && s.chars().any(|c| c.is_ascii_lowercase())
            && s.chars().filter(|c| c.is_ascii_digit()).count() >= 8)
}

/// A pattern is valid unless it ends in a lone `\` or is absurdly long.
pub fn validate_pattern(p: &str) -> Result<(), &'static str> {
    if p.len() > 256 {
        return Err("it is longer than 256 characters");
    }
    let mut escaped = false;
    for c in p.chars() {
        escaped = !escaped && c == '\\';
    }
    if escaped {
        return Err("it ends with a lone '\\'");
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Lit(char),
    One,
    Any,
}

fn tokens(p: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => Tok::Lit(chars.next().unwrap_or('\\')),
            '*' => Tok::Any,
            '?' => Tok::One,
            c => Tok::Lit(c),
        });
    }
    out
}

/// Glob match of the whole `text` (see the module docs). Empty pattern matches anything.
pub fn pattern_matches(pattern: &str, text: &str) -> bool {
    if pattern.is_empty() {
        return true;
    }
    let pat = tokens(pattern);
    let text: Vec<char> = text.chars().collect();
    // Iterative glob with single backtrack point: linear-ish, no recursion.
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some(Tok::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Tok::One) => {
                p += 1;
                t += 1;
            }
            Some(Tok::Lit(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|t| *t == Tok::Any)
}

/// The fallback profile for `ELEVENLABS_AGENT_ID` (pass its value; `None` or empty: no fallback).
/// It is named `default`, reads its key from `ELEVENLABS_API_KEY`, has no overrides, and sorts
/// after every stored profile.
pub fn default_profile(agent_id: Option<&str>) -> Option<AgentProfile> {
    let id = agent_id.map(str::trim).filter(|s| !s.is_empty())?;
    let mut p = AgentProfile::new(DEFAULT_PROFILE_NAME, id);
    p.api_key_env = Some(DEFAULT_API_KEY_ENV.to_string());
    p.position = i64::MAX;
    Some(p)
}

/// The first profile (lowest `position`; equal positions keep slice order) matching the call.
pub fn route<'a>(
    profiles: &'a [AgentProfile],
    extension: &str,
    caller: &str,
) -> Option<&'a AgentProfile> {
    profiles
        .iter()
        .filter(|p| p.matches(extension, caller))
        .min_by_key(|p| p.position)
}

/// Stored profiles plus the environment fallback: what serve consults for every call.
#[derive(Debug, Clone, Default)]
pub struct RoutingTable {
    pub profiles: Vec<AgentProfile>,
    pub fallback: Option<AgentProfile>,
}

impl RoutingTable {
    /// `default_agent_id` is the value of `ELEVENLABS_AGENT_ID`, if any.
    pub fn new(mut profiles: Vec<AgentProfile>, default_agent_id: Option<&str>) -> Self {
        profiles.sort_by_key(|p| p.position);
        RoutingTable {
            profiles,
            fallback: default_profile(default_agent_id),
        }
    }

    /// The profile serving a call, and whether it is the fallback. `None`: refuse the call.
    pub fn route(&self, extension: &str, caller: &str) -> Option<Routed<'_>> {
        if let Some(p) = route(&self.profiles, extension, caller) {
            return Some(Routed {
                profile: p,
                fallback: false,
            });
        }
        self.fallback.as_ref().map(|p| Routed {
            profile: p,
            fallback: true,
        })
    }
}

/// The result of [`RoutingTable::route`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Routed<'a> {
    pub profile: &'a AgentProfile,
    /// True when no stored profile matched and the `ELEVENLABS_AGENT_ID` fallback was used.
    pub fallback: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prof(name: &str, pos: i64, ext: Option<&str>, caller: Option<&str>) -> AgentProfile {
        let mut p = AgentProfile::new(name, format!("agent_{name}"));
        p.position = pos;
        p.extension_pattern = ext.map(String::from);
        p.caller_pattern = caller.map(String::from);
        p
    }

    #[test]
    fn patterns_follow_the_documented_rules() {
        let cases = [
            ("", "anything", true),
            ("", "", true),
            ("1001", "1001", true),
            ("1001", "10010", false),
            ("1001", "100", false),
            ("9*", "9", true),
            ("9*", "90123", true),
            ("9*", "8901", false),
            ("*", "", true),
            ("+4930*", "+49301234", true),
            ("+4930*", "+4940123", false),
            ("10??", "1042", true),
            ("10??", "104", false),
            ("10??", "10423", false),
            ("*00", "1200", true),
            ("*00", "1201", false),
            ("1*2*3", "1xx2yy3", true),
            ("1*2*3", "1xx3yy2", false),
            ("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("\\*97", "*97", true),
            ("\\*97", "197", false),
            ("\\?", "?", true),
            ("\\?", "x", false),
            ("\\\\", "\\", true),
            ("sip:ü?", "sip:üx", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(pattern_matches(p, t), want, "pattern {p:?} on {t:?}");
        }
        assert!(validate_pattern("ab\\").is_err());
        assert!(validate_pattern("ab\\\\").is_ok());
    }

    #[test]
    fn first_match_in_position_order_wins() {
        let profiles = vec![
            prof("catchall", 3, None, None),
            prof("sales", 1, Some("2*"), None),
            prof("vip", 2, Some("2*"), Some("+4930*")),
        ];
        assert_eq!(route(&profiles, "2001", "+49301").unwrap().name, "sales");
        assert_eq!(route(&profiles, "1001", "+49301").unwrap().name, "catchall");
        let narrow = vec![prof("vip", 1, Some("2*"), Some("+4930*"))];
        assert!(route(&narrow, "2001", "+4940").is_none());
        assert_eq!(route(&narrow, "2001", "+4930").unwrap().name, "vip");
        // Equal positions keep slice order.
        let tie = vec![prof("a", 1, None, None), prof("b", 1, None, None)];
        assert_eq!(route(&tie, "x", "y").unwrap().name, "a");
    }

    #[test]
    fn fallback_serves_only_when_nothing_matches() {
        let table = RoutingTable::new(vec![prof("sales", 1, Some("2*"), None)], Some("agent_env"));
        let r = table.route("2000", "").unwrap();
        assert_eq!((r.profile.name.as_str(), r.fallback), ("sales", false));
        let r = table.route("1000", "").unwrap();
        assert!(r.fallback);
        assert_eq!(r.profile.name, DEFAULT_PROFILE_NAME);
        assert_eq!(r.profile.agent_id, "agent_env");
        assert_eq!(r.profile.api_key_var(), "ELEVENLABS_API_KEY");
        let none = RoutingTable::new(vec![prof("sales", 1, Some("2*"), None)], Some("  "));
        assert!(none.route("1000", "").is_none());
    }

    #[test]
    fn validation_refuses_keys_and_bad_names_without_echoing_keys() {
        let mut p = AgentProfile::new("sales", "agent_123");
        assert!(p.validate().is_ok());
        p.api_key_env = Some("ELEVENLABS_API_KEY_SALES".into());
        assert!(p.validate().is_ok());
        let key = "sk_0123456789abcdef0123456789abcdef0123456789abcdef";
        for k in [
            key,
            "0123456789abcdef0123456789abcdef",
            "not a var but long enough!!",
        ] {
            p.api_key_env = Some(k.into());
            let e = p.validate().unwrap_err();
            assert_eq!(e, ProfileError::LooksLikeApiKey, "{k}");
            assert!(!e.to_string().contains(k));
        }
        p.api_key_env = Some("1BAD".into());
        assert_eq!(
            p.validate().unwrap_err(),
            ProfileError::BadEnvName("1BAD".into())
        );
        p.api_key_env = None;
        p.name = "default".into();
        assert_eq!(p.validate().unwrap_err(), ProfileError::ReservedName);
        p.name = "has space".into();
        assert!(matches!(p.validate(), Err(ProfileError::BadName(_))));
        p.name = "ok".into();
        p.agent_id = " ".into();
        assert_eq!(p.validate().unwrap_err(), ProfileError::BadAgentId);
        p.agent_id = "a".into();
        p.dynamic_variables.insert("bad key".into(), "v".into());
        assert!(matches!(p.validate(), Err(ProfileError::BadVariable(_))));
        p.dynamic_variables.clear();
        p.extension_pattern = Some("12\\".into());
        assert!(matches!(p.validate(), Err(ProfileError::BadPattern { .. })));
    }
}
