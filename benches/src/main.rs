//! Renders the compile-time scaling plot of `BENCHMARKS.md` from the CSV that
//! `benches/compile-scaling/scaling.py` writes: CPU time (user + system, the
//! steady measure on a shared machine) on the left, wall time on the right.
//!
//! ```sh
//! python3 benches/compile-scaling/scaling.py --levels 10 100 500 1000 --runs 3
//! cargo run -p lockladder-benches --bin plot-compile-scaling -- benches/results/compile-scaling.csv benches/results/compile-scaling.png
//! ```
//!
//! The font is compiled in (Hack, from `epaint_default_fonts`), so the text renders
//! on a machine without any system font.

use std::error::Error;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// One `full` row of the CSV: the number of levels, then median seconds.
struct Point {
    levels: f64,
    ladder: f64,
    tokio: f64,
    ladder_cpu: f64,
    tokio_cpu: f64,
}

/// A line of a panel: its label, its colour and which seconds it shows.
type Series = (&'static str, RGBColor, fn(&Point) -> f64);

fn read_points(csv: &Path) -> Result<Vec<Point>, Box<dyn Error>> {
    let text = std::fs::read_to_string(csv)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty CSV")?.split(',').collect();
    let column = |name: &str| {
        header.iter().position(|h| *h == name).ok_or_else(|| format!("no `{name}` column"))
    };
    let construct = column("construct")?;
    // CSVs written before the study had shapes are all `per-type`.
    let shape = column("shape").ok();
    let columns = ["levels", "ladder_s", "tokio_s", "ladder_cpu_s", "tokio_cpu_s"];
    let columns = columns.map(column);
    let mut points = Vec::new();
    for line in lines.filter(|line| !line.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields[construct] != "full" || shape.is_some_and(|shape| fields[shape] != "per-type") {
            continue;
        }
        let mut values = [0.0; 5];
        for (value, index) in values.iter_mut().zip(&columns) {
            *value = fields[index.clone()?].parse()?;
        }
        let [levels, ladder, tokio, ladder_cpu, tokio_cpu] = values;
        points.push(Point { levels, ladder, tokio, ladder_cpu, tokio_cpu });
    }
    points.sort_by(|a, b| a.levels.total_cmp(&b.levels));
    if points.is_empty() {
        return Err("no `full` rows in the CSV".into());
    }
    Ok(points)
}

fn panel(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    title: &str,
    points: &[Point],
    series: [Series; 2],
) -> Result<(), Box<dyn Error>> {
    let max_n = points.iter().map(|p| p.levels).fold(0.0, f64::max);
    let max_s = points.iter().flat_map(|p| series.map(|(_, _, s)| s(p))).fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..max_n * 1.08, 0.0..max_s * 1.15)?;
    chart
        .configure_mesh()
        .x_desc("levels N (lock sites M = 2N)")
        .y_desc("seconds, median")
        .x_label_formatter(&|n| format!("{n:.0}"))
        .y_label_formatter(&|s| format!("{s:.0}"))
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16))
        .draw()?;
    for (label, color, seconds) in series {
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.levels, seconds(p))),
                color.stroke_width(3),
            ))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], color.stroke_width(3)));
        chart.draw_series(
            points.iter().map(|p| Circle::new((p.levels, seconds(p)), 5, color.filled())),
        )?;
    }
    let [(_, color, ladder), (_, _, tokio)] = series;
    chart.draw_series(points.iter().map(|p| {
        Text::new(
            format!("{:.2}x", ladder(p) / tokio(p)),
            (p.levels - max_n * 0.06, ladder(p) + max_s * 0.05),
            ("sans-serif", 16).into_font().color(&color),
        )
    }))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 16))
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    Ok(())
}

fn plot(points: &[Point], png: &Path) -> Result<(), Box<dyn Error>> {
    plotters::style::register_font(
        "sans-serif",
        FontStyle::Normal,
        epaint_default_fonts::HACK_REGULAR,
    )
    .map_err(|_| "the bundled font does not parse")?;

    let root = BitMapBackend::new(png, (1200, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        "cargo check of one crate: N levels, 2N nested lock sites (ratio = lockladder / tokio)",
        ("sans-serif", 22),
    )?;
    let (left, right) = root.split_horizontally(600);
    let (ladder, tokio) = (RGBColor(200, 60, 40), RGBColor(40, 90, 190));
    let cpu: [Series; 2] =
        [("lockladder", ladder, |p| p.ladder_cpu), ("plain tokio", tokio, |p| p.tokio_cpu)];
    let wall: [Series; 2] =
        [("lockladder", ladder, |p| p.ladder), ("plain tokio", tokio, |p| p.tokio)];
    panel(&left, "CPU time (user + system)", points, cpu)?;
    panel(&right, "wall time", points, wall)?;
    root.present()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let csv = args.next().unwrap_or_else(|| "benches/results/compile-scaling.csv".into());
    let png = args.next().unwrap_or_else(|| "benches/results/compile-scaling.png".into());
    let points = read_points(Path::new(&csv))?;
    plot(&points, Path::new(&png))?;
    println!("wrote {png}");
    Ok(())
}
