//! Settings: flags > environment > `.env` in the working directory > defaults.
//!
//! Resolution is a pure function over the three layers ([`Layers`]) so the precedence rules
//! are unit-tested without touching the process environment.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use url::Url;
use vcctl_core::ari::cluster::{nodes_from_url_list, parse_nodes_file, NodeSpec, NodesError};

/// A secret (ARI password, API key). Its `Debug` and `Display` never show the value.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The value, for the one place that needs it (an Authorization header).
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Why settings could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the ARI URL '{url}' is not valid ({reason}); use a form like http://127.0.0.1:8088")]
    BadUrl { url: String, reason: String },
    #[error("the ARI URL must start with http:// or https://, not {0}://")]
    BadScheme(String),
    #[error("ASTERISK_ARI_PORT '{0}' is not a port number")]
    BadPort(String),
    #[error("could not read {path}: {reason}")]
    DotEnv { path: PathBuf, reason: String },
    #[error("could not read the nodes file {path}: {reason}")]
    NodesFile { path: PathBuf, reason: String },
    #[error(transparent)]
    Nodes(#[from] NodesError),
    /// A one-node command was given several nodes.
    #[error("this command talks to one Asterisk, but {count} nodes are configured ({names}); name one with --ari-url URL")]
    SeveralNodes { count: usize, names: String },
}

impl ConfigError {
    /// A one-node command given these nodes.
    pub fn several<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        let names: Vec<&str> = names.collect();
        ConfigError::SeveralNodes {
            count: names.len(),
            names: names.join(", "),
        }
    }
}

/// The environment and `.env` layers as plain maps.
#[derive(Debug, Default, Clone)]
pub struct Layers {
    pub env: HashMap<String, String>,
    pub dotenv: HashMap<String, String>,
}

impl Layers {
    /// Read the process environment and `./.env` (missing file is fine).
    pub fn load() -> Result<Self, ConfigError> {
        Self::load_from(Path::new(".env"))
    }

    pub fn load_from(dotenv_path: &Path) -> Result<Self, ConfigError> {
        let env = std::env::vars().collect();
        let mut dotenv = HashMap::new();
        if dotenv_path.exists() {
            let iter = dotenvy::from_path_iter(dotenv_path).map_err(|e| ConfigError::DotEnv {
                path: dotenv_path.to_path_buf(),
                reason: e.to_string(),
            })?;
            for item in iter {
                let (k, v) = item.map_err(|e| ConfigError::DotEnv {
                    path: dotenv_path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                dotenv.insert(k, v);
            }
        }
        Ok(Layers { env, dotenv })
    }

    /// A variable from the environment, else from `.env`. Empty values count as unset.
    pub fn get(&self, key: &str) -> Option<String> {
        self.env
            .get(key)
            .filter(|v| !v.is_empty())
            .or_else(|| self.dotenv.get(key).filter(|v| !v.is_empty()))
            .cloned()
    }

    fn layer(&self, dot: bool) -> &HashMap<String, String> {
        if dot {
            &self.dotenv
        } else {
            &self.env
        }
    }
}

pub const DEFAULT_ARI_URL: &str = "http://127.0.0.1:8088";
pub const DEFAULT_APP: &str = "voiceclone-app";
pub const DEFAULT_USER: &str = "voiceclone";

/// ARI flags as given on the command line (all optional).
#[derive(Debug, Default, Clone)]
pub struct AriFlags {
    pub url: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub app: Option<String>,
    pub ca_cert: Option<PathBuf>,
    /// A file naming the nodes of a cluster, `NAME URL` a line (`--nodes`).
    pub nodes: Option<PathBuf>,
}

/// One Asterisk of a cluster: its name (the NODE column) and how to reach its ARI.
#[derive(Debug, Clone)]
pub struct AriNode {
    pub name: String,
    pub settings: AriSettings,
}

/// Where the list of nodes comes from, before any file is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodesSource {
    /// A nodes file (`--nodes`, else `VCCTL_ARI_NODES`).
    File(PathBuf),
    /// One URL or a comma-separated list of them (`--ari-url`, `VCCTL_ARI_URL`, ...).
    Urls(String),
}

impl NodesSource {
    /// The flag beats the environment beats `.env`; within a layer a nodes file beats a URL.
    pub fn resolve(flags: &AriFlags, layers: &Layers) -> Result<Self, ConfigError> {
        if let Some(f) = &flags.nodes {
            return Ok(NodesSource::File(f.clone()));
        }
        if let Some(u) = &flags.url {
            return Ok(NodesSource::Urls(u.clone()));
        }
        for dot in [false, true] {
            let map = layers.layer(dot);
            if let Some(f) = map.get("VCCTL_ARI_NODES").filter(|v| !v.is_empty()) {
                return Ok(NodesSource::File(PathBuf::from(f)));
            }
            if let Some(u) = url_from_layer(map)? {
                return Ok(NodesSource::Urls(u));
            }
        }
        Ok(NodesSource::Urls(DEFAULT_ARI_URL.to_string()))
    }
}

/// Every configured node with its settings: the URLs (or the nodes file's text, read by the
/// caller) plus the shared user, password, app and CA. A URL's own `user:password@` wins for
/// that node.
pub fn resolve_nodes(
    flags: &AriFlags,
    layers: &Layers,
    nodes_file_text: Option<&str>,
) -> Result<Vec<AriNode>, ConfigError> {
    let specs: Vec<NodeSpec> = match (NodesSource::resolve(flags, layers)?, nodes_file_text) {
        (NodesSource::File(_), Some(text)) => parse_nodes_file(text)?,
        (NodesSource::File(path), None) => {
            return Err(ConfigError::NodesFile {
                path,
                reason: "it was not read".into(),
            })
        }
        (NodesSource::Urls(list), _) => nodes_from_url_list(&list)?,
    };
    specs
        .into_iter()
        .map(|spec| {
            let one = AriFlags {
                url: Some(spec.url),
                nodes: None,
                ..flags.clone()
            };
            Ok(AriNode {
                name: spec.name,
                settings: AriSettings::resolve(&one, layers)?,
            })
        })
        .collect()
}

/// Resolved ARI connection settings.
#[derive(Debug, Clone)]
pub struct AriSettings {
    /// Base URL without credentials, e.g. `http://127.0.0.1:8088`.
    pub url: Url,
    pub user: String,
    pub password: Secret,
    pub app: String,
    pub ca_cert: Option<PathBuf>,
}

impl AriSettings {
    pub fn resolve(flags: &AriFlags, layers: &Layers) -> Result<Self, ConfigError> {
        // The URL: a flag, else the first layer (env, then .env) naming one, else the default.
        let raw_url = match &flags.url {
            Some(u) => u.clone(),
            None => [false, true]
                .into_iter()
                .find_map(|dot| url_from_layer(layers.layer(dot)).transpose())
                .transpose()?
                .unwrap_or_else(|| DEFAULT_ARI_URL.to_string()),
        };
        let several = nodes_from_url_list(&raw_url)?;
        if several.len() > 1 {
            return Err(ConfigError::several(
                several.iter().map(|n| n.name.as_str()),
            ));
        }
        let (url, url_user, url_password) = parse_base_url(raw_url.trim())?;
        let user = flags
            .user
            .clone()
            .or(url_user)
            .or_else(|| layers.get("ASTERISK_ARI_USERNAME"))
            .unwrap_or_else(|| DEFAULT_USER.to_string());
        let password = flags
            .password
            .clone()
            .or(url_password)
            .or_else(|| layers.get("ASTERISK_ARI_PASSWORD"))
            .unwrap_or_default();
        let app = flags
            .app
            .clone()
            .or_else(|| layers.get("ASTERISK_ARI_APP"))
            .unwrap_or_else(|| DEFAULT_APP.to_string());
        let ca_cert = flags
            .ca_cert
            .clone()
            .or_else(|| layers.get("VCCTL_CA_CERT").map(PathBuf::from));
        Ok(AriSettings {
            url,
            user,
            password: Secret::new(password),
            app,
            ca_cert,
        })
    }

    /// `ws://` or `wss://` URL of `/ari/events` for `app` (no credentials in it).
    pub fn events_url(&self, app: &str, subscribe_all: bool) -> Url {
        let mut u = self.url.clone();
        let scheme = if u.scheme() == "https" { "wss" } else { "ws" };
        // Changing http->ws is always allowed by the url crate for special schemes.
        let _ = u.set_scheme(scheme);
        u.set_path(&format!("{}/ari/events", u.path().trim_end_matches('/')));
        u.query_pairs_mut().clear().append_pair("app", app);
        if subscribe_all {
            u.query_pairs_mut().append_pair("subscribeAll", "true");
        }
        u
    }
}

fn url_from_layer(map: &HashMap<String, String>) -> Result<Option<String>, ConfigError> {
    if let Some(u) = map.get("VCCTL_ARI_URL").filter(|v| !v.is_empty()) {
        return Ok(Some(u.clone()));
    }
    let host = map.get("ASTERISK_ARI_HOST").filter(|v| !v.is_empty());
    let port = map.get("ASTERISK_ARI_PORT").filter(|v| !v.is_empty());
    if host.is_none() && port.is_none() {
        return Ok(None);
    }
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| ConfigError::BadPort(p.clone()))?,
        None => 8088,
    };
    let host = host.map(String::as_str).unwrap_or("127.0.0.1");
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Ok(Some(format!("http://{host}:{port}")))
}

/// Validate a base URL and take any `user:password@` out of it, so it can be shown safely.
fn parse_base_url(raw: &str) -> Result<(Url, Option<String>, Option<String>), ConfigError> {
    let mut url = Url::parse(raw).map_err(|e| ConfigError::BadUrl {
        url: redact_userinfo(raw),
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "http" | "https" => {}
        "ws" => {
            let _ = url.set_scheme("http");
        }
        "wss" => {
            let _ = url.set_scheme("https");
        }
        other => return Err(ConfigError::BadScheme(other.to_string())),
    }
    let user = Some(url.username().to_string()).filter(|u| !u.is_empty());
    let password = url.password().map(str::to_string);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    // `/ari` is added by the client; accept a URL that already names it.
    let path = url.path().trim_end_matches('/').to_string();
    let path = path.strip_suffix("/ari").unwrap_or(&path).to_string();
    url.set_path(&path);
    url.set_query(None);
    Ok((url, user, password))
}

/// Replace `user:pass@` in something that looks like a URL with `***@`.
pub fn redact_userinfo(raw: &str) -> String {
    match (raw.find("://"), raw.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &raw[..s + 3], &raw[at..]),
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(env: &[(&str, &str)], dot: &[(&str, &str)]) -> Layers {
        let m = |kv: &[(&str, &str)]| {
            kv.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        Layers {
            env: m(env),
            dotenv: m(dot),
        }
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let s = AriSettings::resolve(&AriFlags::default(), &Layers::default()).unwrap();
        assert_eq!(s.url.as_str(), "http://127.0.0.1:8088/");
        assert_eq!(s.user, "voiceclone");
        assert_eq!(s.app, "voiceclone-app");
        assert!(s.password.is_empty());
    }

    #[test]
    fn flag_beats_env_beats_dotenv() {
        let l = layers(
            &[
                ("ASTERISK_ARI_USERNAME", "env-user"),
                ("ASTERISK_ARI_PASSWORD", "envpw"),
            ],
            &[
                ("ASTERISK_ARI_USERNAME", "dot-user"),
                ("ASTERISK_ARI_APP", "dot-app"),
                ("ASTERISK_ARI_PASSWORD", "dotpw"),
            ],
        );
        let s = AriSettings::resolve(&AriFlags::default(), &l).unwrap();
        assert_eq!(s.user, "env-user");
        assert_eq!(s.app, "dot-app");
        assert_eq!(s.password.expose(), "envpw");
        let flags = AriFlags {
            user: Some("flag-user".into()),
            ..Default::default()
        };
        assert_eq!(AriSettings::resolve(&flags, &l).unwrap().user, "flag-user");
    }

    #[test]
    fn deployment_host_and_port_compose_the_url() {
        let l = layers(
            &[],
            &[
                ("ASTERISK_ARI_HOST", "10.0.0.5"),
                ("ASTERISK_ARI_PORT", "8089"),
            ],
        );
        let s = AriSettings::resolve(&AriFlags::default(), &l).unwrap();
        assert_eq!(s.url.as_str(), "http://10.0.0.5:8089/");
        // An environment URL wins over .env host/port.
        let l2 = layers(
            &[("VCCTL_ARI_URL", "https://pbx.example:8089/ari")],
            &l.dotenv_pairs(),
        );
        let s2 = AriSettings::resolve(&AriFlags::default(), &l2).unwrap();
        assert_eq!(s2.url.as_str(), "https://pbx.example:8089/");
        assert_eq!(
            s2.events_url("app", true).as_str(),
            "wss://pbx.example:8089/ari/events?app=app&subscribeAll=true"
        );
    }

    #[test]
    fn credentials_in_url_are_moved_out_of_it() {
        let flags = AriFlags {
            url: Some("http://bob:hunter2@127.0.0.1:8088".into()),
            ..Default::default()
        };
        let s = AriSettings::resolve(&flags, &Layers::default()).unwrap();
        assert_eq!(s.user, "bob");
        assert_eq!(s.password.expose(), "hunter2");
        assert!(!s.url.as_str().contains("hunter2"));
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn bad_values_give_sentences_without_secrets() {
        let flags = AriFlags {
            url: Some("ftp://a:secretpw@x".into()),
            ..Default::default()
        };
        let e = AriSettings::resolve(&flags, &Layers::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the ARI URL must start with http:// or https://, not ftp://"
        );
        let flags = AriFlags {
            url: Some("http://a:secretpw@[::1".into()),
            ..Default::default()
        };
        let e = AriSettings::resolve(&flags, &Layers::default()).unwrap_err();
        assert!(!e.to_string().contains("secretpw"), "{e}");
        let l = layers(&[("ASTERISK_ARI_PORT", "80x")], &[]);
        let e = AriSettings::resolve(&AriFlags::default(), &l).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ASTERISK_ARI_PORT '80x' is not a port number"
        );
    }

    #[test]
    fn a_url_list_gives_one_node_per_url_with_shared_credentials() {
        let flags = AriFlags {
            url: Some("http://127.0.0.2:8088,http://bob:pw2@127.0.0.3:8088".into()),
            ..Default::default()
        };
        let l = layers(&[("ASTERISK_ARI_PASSWORD", "shared")], &[]);
        let nodes = resolve_nodes(&flags, &l, None).unwrap();
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[0].name, "127.0.0.2");
        assert_eq!(nodes[0].settings.url.as_str(), "http://127.0.0.2:8088/");
        assert_eq!(nodes[0].settings.password.expose(), "shared");
        assert_eq!(nodes[1].settings.user, "bob");
        assert_eq!(nodes[1].settings.password.expose(), "pw2");
        // A one-node command refuses the list with a sentence naming the nodes, no secret.
        let e = AriSettings::resolve(&flags, &l).unwrap_err();
        assert_eq!(
            e.to_string(),
            "this command talks to one Asterisk, but 2 nodes are configured (127.0.0.2, \
             127.0.0.3); name one with --ari-url URL"
        );
        // The same list from the environment.
        let l = layers(&[("VCCTL_ARI_URL", "http://a:1, http://b:1")], &[]);
        let nodes = resolve_nodes(&AriFlags::default(), &l, None).unwrap();
        assert_eq!(
            nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn a_nodes_file_names_the_nodes_and_beats_a_url_in_the_same_layer() {
        let l = layers(
            &[
                ("VCCTL_ARI_NODES", "/etc/vcctl/nodes"),
                ("VCCTL_ARI_URL", "http://x:1"),
            ],
            &[],
        );
        assert_eq!(
            NodesSource::resolve(&AriFlags::default(), &l).unwrap(),
            NodesSource::File("/etc/vcctl/nodes".into())
        );
        let text = "node1 http://127.0.0.2:8088\nnode2 https://127.0.0.3:8089/ari\n";
        let nodes = resolve_nodes(&AriFlags::default(), &l, Some(text)).unwrap();
        assert_eq!(nodes[1].name, "node2");
        assert_eq!(nodes[1].settings.url.as_str(), "https://127.0.0.3:8089/");
        // A flag URL beats the environment's file.
        let flags = AriFlags {
            url: Some("http://y:2".into()),
            ..Default::default()
        };
        assert_eq!(
            NodesSource::resolve(&flags, &l).unwrap(),
            NodesSource::Urls("http://y:2".into())
        );
        // One URL is one node, named after its host; nothing set is the default.
        let nodes = resolve_nodes(&AriFlags::default(), &Layers::default(), None).unwrap();
        assert_eq!(nodes.len(), 1);
        assert_eq!(nodes[0].name, "127.0.0.1");
        let e = resolve_nodes(&AriFlags::default(), &l, Some("node1\n")).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    impl Layers {
        fn dotenv_pairs(&self) -> Vec<(&str, &str)> {
            self.dotenv
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        }
    }
}
