//! The report as a text table.

use core::fmt;
use core::time::Duration;

use super::{LockStats, StatsReport, Timing};

const HEADERS: [&str; 6] =
    ["acquired", "contended", "wait p99", "wait max", "hold p99", "hold max"];

pub(super) fn write(report: &StatsReport, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if report.levels.is_empty() {
        return writeln!(f, "no lock has been taken yet");
    }
    let rows: Vec<(String, String, &LockStats)> = report
        .levels
        .iter()
        .flat_map(|level| {
            let total = (level.level.to_string(), level.locks.join(", "), &level.stats);
            let sites = level
                .sites
                .iter()
                .map(|site| (String::new(), format!("  {}", site.location), &site.stats));
            core::iter::once(total).chain(sites)
        })
        .collect();
    let label_width =
        rows.iter().map(|(_, label, _)| label.chars().count()).max().unwrap_or(0).max(16);

    write!(f, "{:>5}  {:<label_width$}", "level", "lock / call site")?;
    for header in HEADERS {
        write!(f, "  {header:>9}")?;
    }
    writeln!(f)?;
    for (level, label, stats) in rows {
        write!(f, "{level:>5}  {label:<label_width$}")?;
        write!(f, "  {:>9}  {:>9}", stats.acquisitions, stats.contended)?;
        for cell in [p99(&stats.wait), max(&stats.wait), p99(&stats.hold), max(&stats.hold)] {
            write!(f, "  {cell:>9}")?;
        }
        writeln!(f)?;
    }
    Ok(())
}

fn p99(timing: &Timing) -> String {
    if timing.count == 0 { "-".to_owned() } else { short(timing.p99) }
}

fn max(timing: &Timing) -> String {
    if timing.count == 0 { "-".to_owned() } else { short(timing.max) }
}

/// A duration in four significant characters or so: `850ns`, `12.3µs`, `4.5ms`, `1.20s`.
fn short(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    match nanos {
        0..1_000 => format!("{nanos}ns"),
        1_000..1_000_000 => format!("{:.1}µs", nanos as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}ms", nanos as f64 / 1e6),
        _ => format!("{:.2}s", duration.as_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_in_a_readable_unit() {
        assert_eq!(short(Duration::from_nanos(850)), "850ns");
        assert_eq!(short(Duration::from_nanos(12_340)), "12.3µs");
        assert_eq!(short(Duration::from_micros(4_500)), "4.5ms");
        assert_eq!(short(Duration::from_millis(1_200)), "1.20s");
    }
}
