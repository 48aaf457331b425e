//! Asterisk's REST Interface and configuration: ARI data models (`model`), the app liveness
//! probe's wire format and verdict (`app_probe`), Asterisk `.conf` files (`asterisk_conf`),
//! several nodes seen as one: nodes file, names, labelled merge (`cluster`).

pub mod app_probe;
pub mod asterisk_conf;
pub mod cluster;
pub mod model;
