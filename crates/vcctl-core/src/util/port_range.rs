//! A UDP port range such as `16384-32768`, and a round-robin cursor over it.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub fn len(&self) -> usize {
        (self.last - self.first) as usize + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn contains(&self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }

    /// The `i`-th port, wrapping around the range.
    pub fn nth_wrapping(&self, i: usize) -> u16 {
        self.first + (i % self.len()) as u16
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

impl FromStr for PortRange {
    type Err = String;

    /// `A-B` (inclusive) or a single port `A`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a port range like 40000-40999");
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let first: u16 = a.trim().parse().map_err(|_| bad())?;
        let last: u16 = b.trim().parse().map_err(|_| bad())?;
        if first == 0 || last < first {
            return Err(bad());
        }
        Ok(PortRange { first, last })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_single_ports() {
        let r: PortRange = "40000-40009".parse().unwrap();
        assert_eq!((r.first, r.last, r.len()), (40000, 40009, 10));
        assert_eq!(r.nth_wrapping(12), 40002);
        assert!(r.contains(40009) && !r.contains(40010));
        assert_eq!("5060".parse::<PortRange>().unwrap().len(), 1);
        assert!("9-1".parse::<PortRange>().is_err());
        assert!("0-10".parse::<PortRange>().is_err());
        assert!("a-b".parse::<PortRange>().is_err());
        assert_eq!(r.to_string(), "40000-40009");
    }
}
