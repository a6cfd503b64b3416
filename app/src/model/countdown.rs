//! How a countdown reads: `2 d 03:04:05`, `1:02:03`, `4:05`, `0:00` once due.

pub fn format_remaining(secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3_600,
        secs % 3_600 / 60,
        secs % 60,
    );
    match (d, h) {
        (0, 0) => format!("{m}:{s:02}"),
        (0, _) => format!("{h}:{m:02}:{s:02}"),
        _ => format!("{d} d {h:02}:{m:02}:{s:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_read_naturally() {
        assert_eq!(format_remaining(0), "0:00");
        assert_eq!(format_remaining(65), "1:05");
        assert_eq!(format_remaining(3_723), "1:02:03");
        assert_eq!(
            format_remaining(2 * 86_400 + 3 * 3_600 + 4 * 60 + 5),
            "2 d 03:04:05"
        );
    }
}
