//! The checks of `doctor` and `check-firewall`: verdicts from evidence (`verdicts`, a file per family of checks; doctor's
//! rows from its probes in `doctor`; check-firewall's RTP range, reflector probe outcomes and
//! failure sentence in `firewall`), and the
//! evidence's pure parsers: sockets from `/proc/net` (`procnet`), STUN (`stun`), Asterisk's
//! host-name lookup and /etc/hosts (`host_name`), Kamailio's dispatcher list and
//! its agreement with each node's ARI (`kamailio`).

pub mod doctor;
pub mod firewall;
pub mod host_name;
pub mod kamailio;
pub mod procnet;
pub mod stun;
pub mod verdicts;
