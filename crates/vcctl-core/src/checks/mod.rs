//! The checks of `doctor` and `check-firewall`: verdicts from evidence (`verdicts`), and the
//! evidence's pure parsers: sockets from `/proc/net` (`procnet`), STUN (`stun`), Asterisk's
//! host-name lookup and /etc/hosts (`host_name`).

pub mod host_name;
pub mod procnet;
pub mod stun;
pub mod verdicts;
