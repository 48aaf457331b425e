//! The file stem of a call's files (serve's per-call capture, recording and logs).

/// `call_id` made safe as a file name: anything but ASCII letters, digits, '.', '-' and '_'
/// becomes '_', leading dots go (no hidden files, no `..`), and an empty result is `call`.
/// The files of one call share this stem: `STEM.pcap`, `STEM.wav`, its logs.
pub fn call_file_stem(call_id: &str) -> String {
    let safe: String = call_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "call".to_string()
    } else {
        safe.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_id_becomes_a_stem_that_stays_in_its_folder() {
        assert_eq!(call_file_stem("1712345678.42"), "1712345678.42");
        assert_eq!(call_file_stem("a-b_c.D9"), "a-b_c.D9");
        assert_eq!(call_file_stem("../etc/x"), "_etc_x");
        assert_eq!(call_file_stem("../../etc/x"), "_.._etc_x");
        assert_eq!(call_file_stem("..."), "call");
        assert_eq!(call_file_stem(""), "call");
        assert_eq!(call_file_stem("a b/ü"), "a_b__");
    }
}
