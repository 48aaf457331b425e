//! Asterisk `.conf` files: sections, `key = value` and `key => value`, `;` comments and
//! `;-- block --;` comments, `#include` / `#tryinclude` (resolved relative to the config
//! directory, textually, so an include inside a section adds to that section), templates
//! `[name](!)` and inheritance `[name](tmpl1,tmpl2)`, and `[name](+)` additions.
//!
//! Pure: files are read through a caller-supplied function, so tests use in-memory maps.
//! On top of the parser: the settings check-firewall and doctor need from `pjsip.conf`
//! (transports), `rtp.conf` (port range, STUN) and `http.conf` (ARI bind, TLS).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// One section after includes and templates are applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub name: String,
    /// Keys in file order (inherited ones first); repeated keys stay repeated.
    pub entries: Vec<(String, String)>,
}

impl Section {
    /// The last value of `key` (case-insensitive), as Asterisk uses for single-valued keys.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed configuration file: its non-template sections in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConfFile {
    pub sections: Vec<Section>,
    /// `#include` targets that were missing (not for `#tryinclude`) or looped.
    pub problems: Vec<String>,
}

impl ConfFile {
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Sections whose `type` is `ty` (pjsip.conf objects).
    pub fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections
            .iter()
            .filter(move |s| s.get("type").is_some_and(|t| t.eq_ignore_ascii_case(ty)))
    }
}

#[derive(Debug, Default)]
struct RawSection {
    name: String,
    is_template: bool,
    parents: Vec<String>,
    entries: Vec<(String, String)>,
}

const MAX_INCLUDE_DEPTH: usize = 16;

/// Parse `file` (relative paths are taken from `dir`), reading files with `read`.
/// Returns `None` when `file` itself cannot be read.
pub fn parse_file(
    dir: &Path,
    file: &str,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Option<ConfFile> {
    let path = resolve(dir, file);
    let text = read(&path)?;
    let mut raw: Vec<RawSection> = Vec::new();
    let mut problems = Vec::new();
    let mut in_block_comment = false;
    feed(
        &text,
        dir,
        read,
        0,
        &mut raw,
        &mut problems,
        &mut in_block_comment,
    );
    Some(resolve_templates(raw, problems))
}

/// Parse text with no includes available (tests, and content already in memory).
pub fn parse_str(text: &str) -> ConfFile {
    let mut raw = Vec::new();
    let mut problems = Vec::new();
    let mut in_block = false;
    feed(
        text,
        Path::new("."),
        &|_| None,
        0,
        &mut raw,
        &mut problems,
        &mut in_block,
    );
    resolve_templates(raw, problems)
}

fn resolve(dir: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

fn feed(
    text: &str,
    dir: &Path,
    read: &dyn Fn(&Path) -> Option<String>,
    depth: usize,
    out: &mut Vec<RawSection>,
    problems: &mut Vec<String>,
    in_block: &mut bool,
) {
    for raw_line in text.lines() {
        let line = strip_comments(raw_line, in_block);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            let (directive, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let arg = arg
                .trim()
                .trim_matches('"')
                .trim_matches('<')
                .trim_matches('>');
            let optional = match directive {
                "include" => false,
                "tryinclude" => true,
                _ => continue, // #exec and friends are not followed
            };
            if depth >= MAX_INCLUDE_DEPTH {
                problems.push(format!("#include nested too deep at {arg}"));
                continue;
            }
            let path = resolve(dir, arg);
            match read(&path) {
                Some(t) => feed(&t, dir, read, depth + 1, out, problems, in_block),
                None if optional => {}
                None => problems.push(format!("#include {} not found", path.display())),
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some((name, after)) = rest.split_once(']') else {
                continue;
            };
            let mut sec = RawSection {
                name: name.trim().to_string(),
                ..Default::default()
            };
            let mut add_to_existing = false;
            if let Some(opts) = after
                .trim()
                .strip_prefix('(')
                .and_then(|o| o.split_once(')'))
                .map(|(o, _)| o)
            {
                for o in opts.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                    match o {
                        "!" => sec.is_template = true,
                        "+" => add_to_existing = true,
                        t => sec.parents.push(t.to_string()),
                    }
                }
            }
            if add_to_existing {
                if let Some(pos) = out.iter().rposition(|s| s.name == sec.name) {
                    // Later keys go to the existing section: move it to the end.
                    let existing = out.remove(pos);
                    out.push(existing);
                    continue;
                }
            }
            out.push(sec);
            continue;
        }
        let (k, v) = if let Some((k, v)) = line.split_once("=>") {
            (k, v)
        } else if let Some((k, v)) = line.split_once('=') {
            (k, v)
        } else {
            continue;
        };
        let k = k.trim().to_string();
        let v = v.trim().to_string();
        match out.last_mut() {
            Some(s) => s.entries.push((k, v)),
            None => out.push(RawSection {
                name: String::new(),
                entries: vec![(k, v)],
                ..Default::default()
            }),
        }
    }
}

/// Remove `;` comments (`\;` is a literal semicolon) and `;-- ... --;` block comments.
fn strip_comments(line: &str, in_block: &mut bool) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        if *in_block {
            match rest.find("--;") {
                Some(i) => {
                    rest = &rest[i + 3..];
                    *in_block = false;
                }
                None => return out,
            }
        }
        let bytes = rest.as_bytes();
        let mut i = 0;
        let mut cut = None;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b';') => {
                    out.push(';');
                    i += 2;
                    continue;
                }
                b';' => {
                    cut = Some(i);
                    break;
                }
                _ => {}
            }
            let ch_len = rest[i..].chars().next().map(char::len_utf8).unwrap_or(1);
            out.push_str(&rest[i..i + ch_len]);
            i += ch_len;
        }
        match cut {
            None => return out,
            Some(i) if rest[i..].starts_with(";--") => {
                *in_block = true;
                rest = &rest[i + 3..];
            }
            Some(_) => return out,
        }
    }
}

fn resolve_templates(raw: Vec<RawSection>, mut problems: Vec<String>) -> ConfFile {
    // Templates can be used by any later section; look them up by name (last wins).
    let by_name: BTreeMap<&str, &RawSection> = raw.iter().map(|s| (s.name.as_str(), s)).collect();
    fn inherited(
        s: &RawSection,
        by_name: &BTreeMap<&str, &RawSection>,
        depth: usize,
        problems: &mut Vec<String>,
    ) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for p in &s.parents {
            match by_name.get(p.as_str()) {
                Some(parent) if depth < MAX_INCLUDE_DEPTH => {
                    v.extend(inherited(parent, by_name, depth + 1, problems));
                }
                Some(_) => problems.push(format!("template chain too deep at [{p}]")),
                None => problems.push(format!("[{}] uses the unknown template [{p}]", s.name)),
            }
        }
        v.extend(s.entries.iter().cloned());
        v
    }
    let sections = raw
        .iter()
        .filter(|s| !s.is_template && !s.name.is_empty())
        .map(|s| Section {
            name: s.name.clone(),
            entries: inherited(s, &by_name, 0, &mut problems),
        })
        .collect();
    ConfFile { sections, problems }
}

// ---------------------------------------------------------------------------------------
// What the checks need
// ---------------------------------------------------------------------------------------

/// A PJSIP transport (`type=transport`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PjsipTransport {
    pub name: String,
    pub protocol: String,
    /// `bind`, default `0.0.0.0:5060` (port 5061 for tls).
    pub bind: String,
    pub external_media_address: Option<String>,
    pub external_signaling_address: Option<String>,
    pub local_net: Vec<String>,
}

impl PjsipTransport {
    /// Port of `bind` (default 5060, 5061 for TLS).
    pub fn bind_port(&self) -> u16 {
        let default = if self.protocol.eq_ignore_ascii_case("tls") {
            5061
        } else {
            5060
        };
        split_host_port(&self.bind).1.unwrap_or(default)
    }

    pub fn bind_host(&self) -> String {
        split_host_port(&self.bind).0
    }
}

/// `host:port`, `[v6]:port`, `host` or `v6` -> (host, port).
pub fn split_host_port(s: &str) -> (String, Option<u16>) {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((h, after)) = rest.split_once(']') {
            let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
            return (h.to_string(), port);
        }
    }
    match s.rsplit_once(':') {
        // One colon: host:port. More: a bare IPv6 address.
        Some((h, p)) if !h.contains(':') => (h.to_string(), p.parse().ok()),
        _ => (s.to_string(), None),
    }
}

fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Transports of a parsed `pjsip.conf`.
pub fn pjsip_transports(conf: &ConfFile) -> Vec<PjsipTransport> {
    conf.of_type("transport")
        .map(|s| {
            let protocol = s.get("protocol").unwrap_or("udp").to_ascii_lowercase();
            PjsipTransport {
                name: s.name.clone(),
                bind: non_empty(s.get("bind")).unwrap_or_else(|| {
                    if protocol == "tls" {
                        "0.0.0.0:5061".into()
                    } else {
                        "0.0.0.0:5060".into()
                    }
                }),
                protocol,
                external_media_address: non_empty(s.get("external_media_address")),
                external_signaling_address: non_empty(s.get("external_signaling_address")),
                local_net: s
                    .entries
                    .iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("local_net"))
                    .flat_map(|(_, v)| v.split(','))
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect(),
            }
        })
        .collect()
}

/// Asterisk's own defaults when rtp.conf does not set the range (res_rtp_asterisk).
pub const ASTERISK_DEFAULT_RTP_START: u16 = 5000;
pub const ASTERISK_DEFAULT_RTP_END: u16 = 31000;

/// `rtp.conf` `[general]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RtpConf {
    pub start: u16,
    pub end: u16,
    /// True when rtpstart/rtpend were set (else Asterisk's defaults apply).
    pub range_set: bool,
    /// `stunaddr`, when set and not empty.
    pub stunaddr: Option<String>,
    pub icesupport: Option<String>,
}

pub fn rtp_conf(conf: &ConfFile) -> RtpConf {
    let g = conf.section("general");
    let num = |k: &str| {
        g.and_then(|s| s.get(k))
            .and_then(|v| v.trim().parse::<u16>().ok())
    };
    let start = num("rtpstart");
    let end = num("rtpend");
    RtpConf {
        range_set: start.is_some() || end.is_some(),
        start: start.unwrap_or(ASTERISK_DEFAULT_RTP_START),
        end: end.unwrap_or(ASTERISK_DEFAULT_RTP_END),
        stunaddr: non_empty(g.and_then(|s| s.get("stunaddr"))),
        icesupport: non_empty(g.and_then(|s| s.get("icesupport"))),
    }
}

/// `http.conf` `[general]`: where ARI listens, and whether with TLS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpConf {
    pub enabled: bool,
    pub bindaddr: Option<String>,
    pub bindport: u16,
    pub tls_enabled: bool,
    /// `tlsbindaddr` (host:port, default port 8089).
    pub tls_bind: Option<String>,
}

impl HttpConf {
    /// Port of the TLS listener when TLS is on.
    pub fn tls_port(&self) -> Option<u16> {
        if !self.tls_enabled {
            return None;
        }
        Some(
            self.tls_bind
                .as_deref()
                .and_then(|b| split_host_port(b).1)
                .unwrap_or(8089),
        )
    }
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "y" | "t" | "1" | "on"
    )
}

pub fn http_conf(conf: &ConfFile) -> HttpConf {
    let g = conf.section("general");
    let get = |k: &str| g.and_then(|s| s.get(k));
    HttpConf {
        enabled: get("enabled").is_some_and(truthy),
        bindaddr: non_empty(get("bindaddr")),
        bindport: get("bindport")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(8088),
        tls_enabled: get("tlsenable").is_some_and(truthy),
        tls_bind: non_empty(get("tlsbindaddr")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn files(list: &[(&str, &str)]) -> impl Fn(&Path) -> Option<String> {
        let m: HashMap<PathBuf, String> = list
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        move |p: &Path| m.get(p).cloned()
    }

    #[test]
    fn sections_keys_and_comments() {
        let c = parse_str(
            "; header\n[general]\nrtpstart = 10000 ; trailing\nrtpend=>20000\n\
             ;-- a block\nrtpend=1\n--; icesupport=yes\nfoo=a\\;b\n",
        );
        let g = c.section("general").unwrap();
        assert_eq!(g.get("rtpstart"), Some("10000"));
        assert_eq!(g.get("rtpend"), Some("20000"));
        assert_eq!(g.get("icesupport"), Some("yes"));
        assert_eq!(g.get("foo"), Some("a;b"));
        assert_eq!(g.get("RTPSTART"), Some("10000"));
    }

    #[test]
    fn includes_are_textual_and_relative_to_the_config_dir() {
        let read = files(&[
            ("/etc/asterisk/pjsip.conf", "[transport-udp]\ntype=transport\nprotocol=udp\n#include pjsip_transport_local.conf\n#tryinclude \"missing.conf\"\n#include gone.conf\n[anonymous]\ntype=endpoint\n"),
            ("/etc/asterisk/pjsip_transport_local.conf", "bind=0.0.0.0:5060\nexternal_media_address=203.0.113.7\nexternal_signaling_address=203.0.113.7\nlocal_net=10.0.0.0/8\nlocal_net=192.168.0.0/16\n"),
        ]);
        let c = parse_file(Path::new("/etc/asterisk"), "pjsip.conf", &read).unwrap();
        assert_eq!(
            c.problems,
            vec!["#include /etc/asterisk/gone.conf not found"]
        );
        let t = pjsip_transports(&c);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].name, "transport-udp");
        assert_eq!(t[0].bind_port(), 5060);
        assert_eq!(t[0].bind_host(), "0.0.0.0");
        assert_eq!(t[0].external_media_address.as_deref(), Some("203.0.113.7"));
        assert_eq!(t[0].local_net, vec!["10.0.0.0/8", "192.168.0.0/16"]);
        assert!(parse_file(Path::new("/etc/asterisk"), "nope.conf", &read).is_none());
    }

    #[test]
    fn include_loops_stop() {
        let read = files(&[("/c/a.conf", "[s]\nk=v\n#include a.conf\n")]);
        let c = parse_file(Path::new("/c"), "a.conf", &read).unwrap();
        assert!(c.problems.iter().any(|p| p.contains("too deep")));
    }

    #[test]
    fn templates_are_inherited_and_not_objects() {
        let c = parse_str(
            "[base](!)\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\
             [t1](base)\nexternal_media_address=1.2.3.4\n\
             [t2](base)\nbind=0.0.0.0:5070\n[t2](+)\nexternal_signaling_address=5.6.7.8\n",
        );
        let t = pjsip_transports(&c);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "t1");
        assert_eq!(t[0].bind_port(), 5060);
        assert_eq!(t[1].bind_port(), 5070);
        assert_eq!(t[1].external_signaling_address.as_deref(), Some("5.6.7.8"));
        assert!(c.section("base").is_none());
    }

    #[test]
    fn rtp_and_http_settings_with_defaults() {
        let r = rtp_conf(&parse_str(
            "[general]\nrtpstart=16384\nrtpend=32768\nstunaddr=stun.l.google.com:19302\n",
        ));
        assert_eq!((r.start, r.end, r.range_set), (16384, 32768, true));
        assert_eq!(r.stunaddr.as_deref(), Some("stun.l.google.com:19302"));
        let d = rtp_conf(&parse_str("[general]\nstunaddr=\n"));
        assert_eq!((d.start, d.end, d.range_set), (5000, 31000, false));
        assert_eq!(d.stunaddr, None);
        let h = http_conf(&parse_str(
            "[general]\nenabled=yes\nbindaddr=127.0.0.1\nbindport=8088\ntlsenable=yes\ntlsbindaddr=0.0.0.0:8089\n",
        ));
        assert!(h.enabled && h.tls_enabled);
        assert_eq!(h.tls_port(), Some(8089));
        assert_eq!(h.bindaddr.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn host_port_forms() {
        assert_eq!(split_host_port("1.2.3.4:5"), ("1.2.3.4".into(), Some(5)));
        assert_eq!(split_host_port("[::1]:5060"), ("::1".into(), Some(5060)));
        assert_eq!(split_host_port("::"), ("::".into(), None));
        assert_eq!(split_host_port("host"), ("host".into(), None));
    }
}
