//! What goes into `vcctl calls bundle`: redaction of secrets and (on request) phone numbers
//! in every text file, and the README.txt that says what each file is. The files themselves
//! are gathered and packed by `io::call_bundle`.
//!
//! Sans-IO: text in, text out.

use std::collections::BTreeMap;

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// Query parameters whose values are credentials (signed URLs, API keys).
const SECRET_PARAMS: &[&str] = &[
    "token",
    "conversation_signature",
    "signature",
    "api_key",
    "xi-api-key",
    "xi_api_key",
    "password",
    "secret",
    "key",
];

/// Whether an environment variable of this name holds a secret (its value must never appear
/// in a bundle): passwords, tokens, secrets and keys.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
    ]
    .iter()
    .any(|w| n.contains(w))
        || n.ends_with("_KEY")
}

/// Replaces secrets everywhere and, when asked, phone numbers and caller names consistently
/// (the same number becomes the same `caller-N` in every file of a bundle).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Exact secret strings (passwords, keys, tokens), longest first.
    secrets: Vec<String>,
    /// Number or name -> its replacement.
    callers: BTreeMap<String, String>,
    redact_callers: bool,
}

impl Redactor {
    /// `secrets`: values that must never appear (empty and very short ones are ignored: they
    /// would match everywhere and protect nothing).
    pub fn new<I, S>(secrets: I, redact_callers: bool) -> Redactor
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .map(Into::into)
            .filter(|s| s.len() >= 4)
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor {
            secrets,
            callers: BTreeMap::new(),
            redact_callers,
        }
    }

    /// Note a phone number (or caller name) to replace; numbers are numbered in the order
    /// they are first noted. Ignored unless callers are redacted, or shorter than 3 characters.
    pub fn note_caller(&mut self, number: &str) {
        let n = number.trim();
        if !self.redact_callers || n.len() < 3 || self.callers.contains_key(n) {
            return;
        }
        let label = format!("caller-{}", self.callers.len() + 1);
        self.callers.insert(n.to_string(), label);
    }

    /// Every caller noted so far with its replacement.
    pub fn callers(&self) -> &BTreeMap<String, String> {
        &self.callers
    }

    /// `text` with secrets, credential query parameters and noted callers replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), REDACTED);
            }
        }
        out = redact_params(&out);
        if self.redact_callers {
            let mut by_len: Vec<(&String, &String)> = self.callers.iter().collect();
            by_len.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
            for (number, label) in by_len {
                out = replace_token(&out, number, label);
            }
        }
        out
    }

    /// Whether `bytes` (any file, text or not) still holds a secret.
    pub fn leaks(&self, bytes: &[u8]) -> bool {
        self.secrets
            .iter()
            .any(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes()))
    }
}

/// Values of credential query parameters (`?token=...`, `&api_key=...`) replaced.
fn redact_params(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(eq) = rest.find('=') {
        let (before, after) = rest.split_at(eq);
        for p in SECRET_PARAMS {
            if before.len() >= p.len() && before[before.len() - p.len()..].eq_ignore_ascii_case(p) {
                let start = before.len() - p.len();
                let sep = before[..start].chars().last();
                if matches!(sep, Some('?') | Some('&')) {
                    let value_len = after[1..]
                        .find(|c: char| {
                            matches!(c, '&' | '"' | '\'' | ' ' | '\n' | '<' | '>' | '#' | '\\')
                        })
                        .unwrap_or(after.len() - 1);
                    out.push_str(before);
                    out.push('=');
                    if value_len > 0 {
                        out.push_str(REDACTED);
                    }
                    rest = &after[1 + value_len..];
                    continue 'scan;
                }
            }
        }
        out.push_str(before);
        out.push('=');
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

/// Replace `needle` where it stands alone (not inside a longer run of letters or digits: the
/// number 100 is not replaced inside 1000 or a Unix time).
fn replace_token(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() || !text.contains(needle) {
        return text.to_string();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    // A '.' between digits joins them (channel ids such as 1764421000.100).
    let joined_before = |head: &str| {
        let mut it = head.chars().rev();
        let c = it.next();
        word(c) || (c == Some('.') && it.next().is_some_and(|d| d.is_ascii_digit()))
    };
    let joined_after = |tail: &str| {
        let mut it = tail.chars();
        let c = it.next();
        word(c) || (c == Some('.') && it.next().is_some_and(|d| d.is_ascii_digit()))
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(off) = text[i..].find(needle) {
        let at = i + off;
        let end = at + needle.len();
        out.push_str(&text[i..at]);
        if joined_before(&text[..at]) || joined_after(&text[end..]) {
            out.push_str(needle);
        } else {
            out.push_str(with);
        }
        i = end;
    }
    out.push_str(&text[i..]);
    out
}

/// One file of a bundle, for its README.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleFile {
    pub name: String,
    pub about: String,
}

/// The README.txt of a bundle.
pub fn readme(
    call_id: &str,
    version: &str,
    created: &str,
    files: &[BundleFile],
    notes: &[String],
) -> String {
    let mut s = format!(
        "vcctl call bundle\n=================\n\nCall: {call_id}\nMade by: vcctl {version}, {created}\n\n\
         Secrets (ARI password, agent API keys, signed URL tokens, serve's API token) are\n\
         replaced by {REDACTED} in every text file.\n\nFiles\n-----\n"
    );
    let w = files.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for f in files {
        s.push_str(&format!("{:w$}  {}\n", f.name, f.about));
    }
    if !notes.is_empty() {
        s.push_str("\nNotes\n-----\n");
        for n in notes {
            s.push_str(&format!("- {n}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_credential_parameters_are_replaced() {
        let r = Redactor::new(["s3cret-ari-pass", "xi-key-0123456789", "ab"], false);
        let text = r#"{"ari":"http://u:s3cret-ari-pass@h","key":"xi-key-0123456789",
            "url":"wss://x/v1/convai?agent_id=a1&token=eyJhbGciOi.J9&x=1","n":"ab"}"#;
        let out = r.redact(text);
        assert!(!out.contains("s3cret-ari-pass"), "{out}");
        assert!(!out.contains("xi-key-0123456789"), "{out}");
        assert!(!out.contains("eyJhbGciOi"), "{out}");
        assert!(out.contains("agent_id=a1&token=[redacted]&x=1"), "{out}");
        // Too short to be a secret worth matching.
        assert!(out.contains(r#""n":"ab""#), "{out}");
        assert!(r.leaks(b"..s3cret-ari-pass.."));
        assert!(!r.leaks(out.as_bytes()));
        // Parameters named like secrets only after ? or &.
        assert_eq!(
            redact_params("monkey=1 a?key=v b"),
            "monkey=1 a?key=[redacted] b"
        );
        assert_eq!(redact_params("x?token=&y=2"), "x?token=&y=2");
    }

    #[test]
    fn callers_become_the_same_label_everywhere_and_only_when_asked() {
        let mut r = Redactor::new(Vec::<String>::new(), true);
        r.note_caller("+15551234567");
        r.note_caller("100");
        r.note_caller("+15551234567");
        r.note_caller("7"); // too short
        let out =
            r.redact("from +15551234567 to 100. At 1764421000.100, again +15551234567; x1001");
        assert_eq!(
            out,
            "from caller-1 to caller-2. At 1764421000.100, again caller-1; x1001"
        );
        assert_eq!(r.callers().len(), 2);
        let mut keep = Redactor::new(Vec::<String>::new(), false);
        keep.note_caller("+15551234567");
        assert_eq!(keep.redact("+15551234567"), "+15551234567");
    }

    #[test]
    fn secret_names_are_recognized() {
        for n in [
            "ASTERISK_ARI_PASSWORD",
            "ELEVENLABS_API_KEY",
            "VCCTL_API_TOKEN",
            "xi_secret",
            "SUPPORT_KEY",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "ASTERISK_ARI_USERNAME",
            "ELEVENLABS_AGENT_ID",
            "HOME",
            "KEYBOARD",
            "VCCTL_API_TOKEN_FILE_X",
        ] {
            assert!(!is_secret_name(n) || n.contains("TOKEN"), "{n}");
        }
        assert!(!is_secret_name("ELEVENLABS_AGENT_ID"));
        assert!(!is_secret_name("KEYBOARD"));
    }

    #[test]
    fn the_readme_lists_every_file() {
        let files = vec![
            BundleFile {
                name: "record.json".into(),
                about: "the call record".into(),
            },
            BundleFile {
                name: "capture.pcap".into(),
                about: "RTP both ways".into(),
            },
        ];
        let s = readme(
            "c1",
            "0.1.0",
            "2026-01-01T00:00:00Z",
            &files,
            &["no recording".into()],
        );
        assert!(s.contains("Call: c1"));
        assert!(s.contains("record.json   the call record"), "{s}");
        assert!(s.contains("capture.pcap  RTP both ways"), "{s}");
        assert!(s.contains("- no recording"));
    }
}
