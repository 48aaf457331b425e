//! Whether each service listens where the peers can reach it (`judge_listening`).

use super::*;

/// What a connection to an HTTP port showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireProtocol {
    /// Answered plain HTTP.
    PlainHttp,
    /// Answered with TLS.
    Tls,
    /// Something else, or nothing.
    Unknown(String),
}

pub(super) fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_private() || a.is_link_local() || a.is_loopback(),
        IpAddr::V6(a) => {
            let seg = a.segments()[0];
            a.is_loopback() || (seg & 0xfe00) == 0xfc00 || (seg & 0xffc0) == 0xfe80
        }
    }
}

pub(super) fn list(listeners: &[Listener]) -> String {
    let v: Vec<String> = listeners.iter().map(Listener::describe).collect();
    v.join(", ")
}

/// Who listens on the port (or in the range), on which address, and whether that suits.
pub fn judge_listening(
    service: Service,
    spec: &PortSpec,
    listeners: &[Listener],
    expect: Expect,
    wire: Option<&WireProtocol>,
) -> CheckRow {
    let target = target_label(service, spec);
    let row = |s, e: String| CheckRow::new("listening", target.clone(), s, e);
    if listeners.is_empty() {
        return match service {
            Service::Sip => row(
                Status::Fail,
                format!("nothing listens on {spec}; is Asterisk running, with a PJSIP transport bound to this port?"),
            )
            .with_fix(
                "start Asterisk (systemctl start asterisk, or docker compose -f docker/docker-compose.yml up -d asterisk) and check bind= of the transport in pjsip.conf",
            ),
            Service::Rtp => row(
                Status::Skip,
                format!("not checked: nothing listens in {spec} now (Asterisk opens RTP ports per call)"),
            ),
            Service::Ari => row(
                Status::Fail,
                format!("nothing listens on {spec}; Asterisk's HTTP server (ARI) is off or bound elsewhere"),
            )
            .with_fix(format!(
                "set enabled=yes and bindport={} in http.conf (ASTERISK_ARI_PORT in docker/.env) and restart Asterisk",
                spec.lo
            )),
            Service::Api => row(
                Status::Fail,
                format!("nothing listens on {spec}; is vcctl serve running?"),
            )
            .with_fix("start vcctl serve (docker compose -f docker/docker-compose.yml up -d vcctl)"),
        };
    }
    let all_loopback = listeners.iter().all(|l| l.socket.is_loopback());
    if service.carries_calls() {
        if all_loopback && expect.external_callers {
            let fix = match service {
                Service::Sip => "bind the PJSIP transport to all addresses: bind=0.0.0.0:PORT in pjsip.conf (ASTERISK_BIND_ADDR=0.0.0.0 in docker/.env), then restart Asterisk",
                _ => "let Asterisk bind RTP to all addresses: remove media_address/bind_rtp_to_media_address from the endpoint, or bind the transport to 0.0.0.0, then restart Asterisk",
            };
            if expect.loopback_by_design {
                return row(
                    Status::Warn,
                    format!(
                        "only on loopback: {}; remote phones cannot reach it (ARI is on loopback too, \
                         so this looks intended: a sandbox or demo; --local-only if it is)",
                        list(listeners)
                    ),
                )
                .with_fix(fix.replace("PORT", &spec.lo.to_string()));
            }
            return row(
                Status::Fail,
                format!(
                    "only on loopback: {}; callers on other hosts cannot reach it",
                    list(listeners)
                ),
            )
            .with_fix(fix.replace("PORT", &spec.lo.to_string()));
        }
        return row(Status::Pass, list(listeners));
    }
    // ARI and the HTTP API: exposure without TLS is a security problem, not a call problem.
    let exposed: Vec<&Listener> = listeners
        .iter()
        .filter(|l| l.socket.is_wildcard() || !is_private(l.socket.local.ip()))
        .collect();
    let tls = matches!(wire, Some(WireProtocol::Tls));
    let wire_text = match wire {
        Some(WireProtocol::PlainHttp) => "; it answers plain HTTP",
        Some(WireProtocol::Tls) => "; it answers TLS",
        Some(WireProtocol::Unknown(_)) | None => "",
    };
    if !exposed.is_empty() && !tls {
        let what = if service == Service::Ari {
            "ARI passwords and call control"
        } else {
            "the HTTP API (no authentication)"
        };
        let fix = if service == Service::Ari {
            "bind ARI to loopback or a private address (bindaddr in http.conf, ASTERISK_BIND_ADDR in docker/.env), or enable TLS (tlsenable=yes), and firewall the port"
        } else {
            "bind the HTTP API of vcctl serve to 127.0.0.1 (its default) or a management network, and firewall the port"
        };
        return row(
            Status::Warn,
            format!(
                "{} on every or a public address without TLS{wire_text}: {what} cross the network in clear",
                list(listeners)
            ),
        )
        .with_fix(fix);
    }
    row(Status::Pass, format!("{}{wire_text}", list(listeners)))
}
