//! RFC 3550 reception statistics of one RTP source, the one implementation that every live
//! receiver uses: serve's media engine (`call_media`: the loss and jitter of the caller's
//! stream in the call record and metrics) and the test caller (`caller_media`, and
//! `rtcp::RtcpSession` for its report blocks). Appendix A.1 (sequence numbers, without
//! probation), A.3 (expected and lost packets) and A.8 (interarrival jitter).
//!
//! Offline analysis of captures is `analysis::rtp_stats`, which computes what Wireshark
//! computes (its jitter from wall-clock arrival in seconds, its own sequence error rules), so
//! its figures can be compared with tshark's; that is a different definition on purpose.

use std::time::Duration;

use crate::media::rtcp::ReportBlock;

const RTP_SEQ_MOD: u32 = 1 << 16;
const MAX_DROPOUT: u16 = 3000;
const MAX_MISORDER: u16 = 100;

/// An arrival time in RTP timestamp units (`elapsed` since any fixed origin, the same for
/// every packet of the stream, at `clock_rate` Hz), as [`ReceptionStats::on_packet`] takes it.
/// It wraps like an RTP timestamp; only differences between arrivals matter.
/// Integer arithmetic, so whole milliseconds give whole units (no 159.999... floored to 159).
pub fn arrival_units(elapsed: Duration, clock_rate: u32) -> u32 {
    (elapsed.as_nanos() * clock_rate as u128 / 1_000_000_000) as u32
}

/// Reception statistics of one source (RFC 3550 A.1 without probation, A.3, A.8).
#[derive(Debug, Clone, PartialEq)]
pub struct ReceptionStats {
    ssrc: u32,
    max_seq: u16,
    cycles: u32,
    base_seq: u32,
    bad_seq: u32,
    received: u32,
    expected_prior: u32,
    received_prior: u32,
    /// Interarrival jitter in timestamp units (the A.8 estimator, unscaled).
    jitter: f64,
    transit: Option<i64>,
}

impl ReceptionStats {
    /// A source whose first packet has sequence number `seq` (that packet is then given to
    /// [`ReceptionStats::on_packet`] like every other).
    pub fn new(ssrc: u32, seq: u16) -> ReceptionStats {
        ReceptionStats {
            ssrc,
            max_seq: seq,
            cycles: 0,
            base_seq: seq as u32,
            bad_seq: RTP_SEQ_MOD + 1,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            jitter: 0.0,
            transit: None,
        }
    }

    /// One packet: its sequence number, RTP timestamp and arrival time in timestamp units
    /// (any origin, the same for every packet: see [`arrival_units`]).
    pub fn on_packet(&mut self, seq: u16, rtp_ts: u32, arrival: u32) {
        let udelta = seq.wrapping_sub(self.max_seq);
        if udelta < MAX_DROPOUT {
            if seq < self.max_seq {
                self.cycles += RTP_SEQ_MOD;
            }
            self.max_seq = seq;
        } else if udelta as u32 <= RTP_SEQ_MOD - MAX_MISORDER as u32 {
            // A large jump: accept it after two sequential packets (the source restarted).
            if seq as u32 == self.bad_seq {
                *self = ReceptionStats::new(self.ssrc, seq);
            } else {
                self.bad_seq = (seq as u32 + 1) & (RTP_SEQ_MOD - 1);
                return;
            }
        }
        // else: duplicate or reordered, counted.
        self.received += 1;
        // A.8: transit in timestamp units; the 32-bit wrap of either clock cancels out in
        // the wrapping difference.
        let transit = arrival.wrapping_sub(rtp_ts) as i32 as i64;
        if let Some(prev) = self.transit {
            let d = (transit - prev).abs() as f64;
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.transit = Some(transit);
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    /// The highest sequence number received, extended with the count of wraps.
    pub fn extended_max(&self) -> u32 {
        self.cycles + self.max_seq as u32
    }

    /// Packets expected: from the first sequence number to the highest (A.3).
    pub fn expected(&self) -> u32 {
        self.extended_max()
            .wrapping_sub(self.base_seq)
            .wrapping_add(1)
    }

    /// Packets received, duplicates included.
    pub fn received(&self) -> u32 {
        self.received
    }

    /// Cumulative packets lost: expected - received (A.3); negative when duplicates
    /// outnumber losses.
    pub fn lost(&self) -> i64 {
        self.expected() as i64 - self.received as i64
    }

    /// Interarrival jitter in timestamp units.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// Interarrival jitter in milliseconds, for a stream whose timestamps run at
    /// `clock_rate` Hz.
    pub fn jitter_ms(&self, clock_rate: u32) -> f64 {
        self.jitter / clock_rate as f64 * 1000.0
    }

    /// The report block about this source, with `lsr`/`dlsr` from its last SR; starts a new
    /// interval for the fraction lost.
    pub fn report_block(&mut self, lsr: u32, dlsr: u32) -> ReportBlock {
        let expected = self.expected();
        let lost = self.lost();
        let expected_interval = expected.wrapping_sub(self.expected_prior);
        let received_interval = self.received.wrapping_sub(self.received_prior);
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = expected_interval as i64 - received_interval as i64;
        let fraction = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / expected_interval as i64).min(255) as u8
        };
        ReportBlock {
            ssrc: self.ssrc,
            fraction_lost: fraction,
            cumulative_lost: lost.clamp(-0x80_0000, 0x7f_ffff) as i32,
            highest_seq: self.extended_max(),
            jitter: self.jitter as u32,
            lsr,
            dlsr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reception_statistics_count_loss_wrap_and_jitter() {
        let mut s = ReceptionStats::new(42, 65533);
        // 65533, 65534, (65535 lost), 0, 1 ... 4: sequence wraps once.
        for (i, seq) in [65533u16, 65534, 0, 1, 2, 3, 4].iter().enumerate() {
            let ts = seq.wrapping_sub(65533) as u32 * 160;
            // Arrivals on time except the sixth (seq 3), 8 samples late.
            let late = if i == 5 { 8 } else { 0 };
            s.on_packet(*seq, ts, ts.wrapping_add(1000 + late));
        }
        assert_eq!(s.extended_max(), 65536 + 4);
        assert_eq!(s.expected(), 8);
        assert_eq!(s.received(), 7);
        assert_eq!(s.lost(), 1);
        let b = s.report_block(0x1234_5678, 0x100);
        assert_eq!(b.cumulative_lost, 1);
        assert_eq!(b.fraction_lost, 32); // 1/8 of 256
        assert_eq!(b.highest_seq, 0x0001_0004);
        assert_eq!((b.lsr, b.dlsr), (0x1234_5678, 0x100));
        // Jitter: |D| = 8 then 8 again: 8/16 + (8 - 0.5)/16 = 0.96875.
        assert!((s.jitter() - 0.96875).abs() < 1e-9, "{}", s.jitter());
        assert_eq!(b.jitter, 0);
        // Next interval: nothing lost.
        s.on_packet(5, 8 * 160, 8 * 160 + 1000);
        assert_eq!(s.report_block(0, 0).fraction_lost, 0);
        // A duplicate counts as received: cumulative loss can go negative.
        s.on_packet(5, 8 * 160, 8 * 160 + 1000);
        s.on_packet(5, 8 * 160, 8 * 160 + 1000);
        assert_eq!(s.report_block(0, 0).cumulative_lost, -1);
        assert_eq!(s.lost(), -1);
    }

    #[test]
    fn jitter_follows_the_a8_estimator_step_by_step() {
        // Arrival offsets (in timestamp units) of 20 ms packets at 8 kHz; the transit
        // differences D(i-1, i) are 0, 40, -40+16 = 24 (abs), 16, 0, 80.
        let late = [0u32, 0, 40, 16, 0, 0, 80];
        let mut s = ReceptionStats::new(7, 100);
        let mut want = 0.0f64;
        let mut prev_transit: Option<i64> = None;
        for (i, l) in late.iter().enumerate() {
            let ts = i as u32 * 160;
            let arrival = 5000 + ts + l;
            s.on_packet(100 + i as u16, ts, arrival);
            // The RFC's formula written out: J += (|D| - J) / 16.
            let transit = arrival as i64 - ts as i64;
            if let Some(p) = prev_transit {
                want += ((transit - p).abs() as f64 - want) / 16.0;
            }
            prev_transit = Some(transit);
            assert!((s.jitter() - want).abs() < 1e-12, "packet {i}");
        }
        // Worked out by hand: 0, 2.5, 3.84375, 4.603515625, 4.31579589..., 9.0460586...
        let by_hand = {
            let mut j = 0.0f64;
            for d in [0.0, 40.0, 24.0, 16.0, 0.0, 80.0] {
                j += (d - j) / 16.0;
            }
            j
        };
        assert!((s.jitter() - by_hand).abs() < 1e-12);
        assert!(by_hand > 8.9 && by_hand < 9.1, "{by_hand}");
        // 8 kHz: units / 8 = ms.
        assert!((s.jitter_ms(8000) - by_hand / 8.0).abs() < 1e-12);
        assert_eq!(s.lost(), 0);
    }

    #[test]
    fn jitter_is_unaffected_by_timestamp_and_arrival_wraps() {
        // Timestamps and arrival clock both cross 2^32 during the stream: a steady stream
        // has zero jitter, and one 8-unit late packet gives 8/16 then decays.
        let mut s = ReceptionStats::new(1, 0);
        let ts0 = u32::MAX - 320;
        let arr0 = u32::MAX - 100;
        for i in 0..6u32 {
            s.on_packet(
                i as u16,
                ts0.wrapping_add(i * 160),
                arr0.wrapping_add(i * 160),
            );
        }
        assert_eq!(s.jitter(), 0.0);
        s.on_packet(6, ts0.wrapping_add(6 * 160), arr0.wrapping_add(6 * 160 + 8));
        assert!((s.jitter() - 0.5).abs() < 1e-12, "{}", s.jitter());
    }

    #[test]
    fn a_reordered_packet_is_counted_without_moving_the_highest() {
        let mut s = ReceptionStats::new(9, 10);
        for seq in [10u16, 12, 11, 13] {
            s.on_packet(seq, seq as u32 * 160, seq as u32 * 160);
        }
        assert_eq!(s.extended_max(), 13);
        assert_eq!((s.expected(), s.received(), s.lost()), (4, 4, 0));
        // A reordered packet from before the wrap does not count a cycle.
        let mut s = ReceptionStats::new(9, 65534);
        for seq in [65534u16, 0, 65535, 1] {
            s.on_packet(seq, 0, 0);
        }
        assert_eq!(s.extended_max(), 65536 + 1);
        assert_eq!((s.expected(), s.lost()), (4, 0));
    }

    #[test]
    fn a_restarted_source_is_accepted_after_two_sequential_packets() {
        let mut s = ReceptionStats::new(1, 100);
        s.on_packet(100, 0, 0);
        s.on_packet(20000, 0, 0);
        assert_eq!(s.received(), 1, "one far jump is ignored");
        s.on_packet(20001, 160, 160);
        assert_eq!((s.received(), s.expected()), (1, 1));
    }

    #[test]
    fn arrival_units_count_the_clock_rate() {
        assert_eq!(arrival_units(Duration::from_millis(20), 8000), 160);
        assert_eq!(arrival_units(Duration::from_millis(20), 16000), 320);
        // Past 2^32 units (6 days at 8 kHz) it wraps like a timestamp.
        let d = Duration::from_nanos((1u64 << 32) * 125_000) + Duration::from_millis(1);
        assert_eq!(arrival_units(d, 8000), 8);
        // Whole units for every whole millisecond (no float rounding down).
        for ms in 0..10_000u64 {
            assert_eq!(
                arrival_units(Duration::from_millis(ms), 8000),
                ms as u32 * 8
            );
        }
    }
}
