//! Captured packets: link/IP/UDP decoding and synthesis (`net`), the kernel filter of
//! `vcctl capture` as classic BPF (`bpf`), the live capture's counters, cooked headers and
//! rotated names (`live`).

pub mod bpf;
pub mod live;
pub mod net;
