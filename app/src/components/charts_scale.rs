//! The arithmetic of the charts, in whole `viewBox` units so the browser formats no floats: the
//! top of a scale, bar heights, column widths, which columns get a label, and step-line outlines.

/// `viewBox` width: wide enough that 7, 30 and 90 columns all get whole units.
pub const WIDTH: u64 = 720;
/// `viewBox` height of the plot.
pub const HEIGHT: u64 = 200;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1): the top of the scale.
pub fn nice_ceiling(max: u64) -> u64 {
    let mut step = 1_u64;
    loop {
        for m in [1, 2, 5] {
            let top = step.saturating_mul(m);
            if top >= max {
                return top;
            }
        }
        if step > u64::MAX / 10 {
            return u64::MAX;
        }
        step *= 10;
    }
}

/// The height of `value` on a scale topping out at `top`, rounded; never 0 for a non-zero value.
pub fn bar_height(value: u64, top: u64) -> u64 {
    if value == 0 || top == 0 {
        return 0;
    }
    // A float ratio: native in WASM, unlike 128-bit division.
    let h = (value as f64 * HEIGHT as f64 / top as f64).round() as u64;
    h.clamp(1, HEIGHT)
}

/// The width of one column when `n` columns share the chart.
pub fn slot(n: usize) -> u64 {
    WIDTH / u64::try_from(n.max(1)).unwrap_or(1).max(1)
}

/// Which columns get an axis label: all of a week, about five otherwise.
pub fn labelled_columns(n: usize) -> Vec<usize> {
    let step = if n <= 7 { 1 } else { (n / 4).max(1) };
    (0..n).step_by(step).collect()
}

/// The outline of a step line through `values` (one per column of width `w`) on a scale topping
/// out at `top`: horizontal runs, stepping only where the value changes.
pub fn step_path(values: &[u64], w: u64, top: u64) -> String {
    let y = |v: u64| HEIGHT - bar_height(v, top);
    let mut level = y(values.first().copied().unwrap_or(0));
    let mut path = format!("M0 {level}");
    for (i, v) in values.iter().enumerate().skip(1) {
        if y(*v) != level {
            level = y(*v);
            path.push_str(&format!(" H{} V{level}", w * u64::try_from(i).unwrap_or(0)));
        }
    }
    path.push_str(&format!(
        " H{}",
        w * u64::try_from(values.len()).unwrap_or(0)
    ));
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_top_out_at_one_two_or_five_times_a_power_of_ten() {
        let tops: Vec<u64> = [0, 1, 2, 3, 5, 6, 10, 11, 199, 200, 201, 4_999, 5_001]
            .into_iter()
            .map(nice_ceiling)
            .collect();
        assert_eq!(
            tops,
            [1, 1, 2, 5, 5, 10, 10, 20, 200, 200, 500, 5_000, 10_000]
        );
        assert_eq!(nice_ceiling(u64::MAX), u64::MAX);
    }

    #[test]
    fn bars_are_proportional_and_small_values_stay_visible() {
        assert_eq!(bar_height(0, 10), 0);
        assert_eq!(bar_height(10, 10), HEIGHT);
        assert_eq!(bar_height(5, 10), HEIGHT / 2);
        assert_eq!(bar_height(1, 1_000_000), 1);
        assert_eq!(bar_height(u64::MAX, u64::MAX), HEIGHT);
    }

    #[test]
    fn step_lines_move_only_where_the_value_changes() {
        assert_eq!(
            step_path(&[1, 1, 2, 2, 0], 10, 2),
            "M0 100 H20 V0 H40 V200 H50"
        );
        assert_eq!(step_path(&[0, 0], 10, 1), "M0 200 H20");
        assert_eq!(step_path(&[], 10, 1), "M0 200 H0");
    }

    #[test]
    fn every_window_gets_whole_columns_and_a_few_labels() {
        for n in [7, 30, 90] {
            assert!(slot(n) * n as u64 <= WIDTH && slot(n) >= 8, "{n}");
        }
        assert_eq!(labelled_columns(7), (0..7).collect::<Vec<_>>());
        assert_eq!(labelled_columns(30), [0, 7, 14, 21, 28]);
        assert_eq!(labelled_columns(90), [0, 22, 44, 66, 88]);
    }
}
