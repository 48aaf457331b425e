//! The host firewall for incoming traffic: the netfilter model, its evaluation, the
//! `nft` and `iptables-save` readers and the commands that open a port (`model`).

pub mod model;
