//! Renders the compile-time scaling plot of `BENCHMARKS.md` from the CSV that
//! `benches/compile-scaling/scaling.py` writes.
//!
//! ```sh
//! python3 benches/compile-scaling/scaling.py --levels 10 100 500 1000 --runs 3
//! cargo run -p lockladder-benches --release -- benches/results/compile-scaling.csv benches/results/compile-scaling.png
//! ```
//!
//! The font is compiled in (Hack, from `epaint_default_fonts`), so the text renders
//! on a machine without any system font.

use std::error::Error;
use std::path::Path;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// One `full` row of the CSV: levels, then median seconds for lockladder and tokio.
struct Point {
    levels: f64,
    ladder: f64,
    tokio: f64,
}

/// A line of the plot: its label, its colour and which seconds it shows.
type Series = (&'static str, RGBColor, fn(&Point) -> f64);

fn read_points(csv: &Path) -> Result<Vec<Point>, Box<dyn Error>> {
    let text = std::fs::read_to_string(csv)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty CSV")?.split(',').collect();
    let column = |name: &str| {
        header.iter().position(|h| *h == name).ok_or_else(|| format!("no `{name}` column"))
    };
    let (construct, levels, ladder, tokio) =
        (column("construct")?, column("levels")?, column("ladder_s")?, column("tokio_s")?);
    let mut points = Vec::new();
    for line in lines.filter(|line| !line.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields[construct] != "full" {
            continue;
        }
        points.push(Point {
            levels: fields[levels].parse()?,
            ladder: fields[ladder].parse()?,
            tokio: fields[tokio].parse()?,
        });
    }
    points.sort_by(|a, b| a.levels.total_cmp(&b.levels));
    if points.is_empty() {
        return Err("no `full` rows in the CSV".into());
    }
    Ok(points)
}

fn plot(points: &[Point], png: &Path) -> Result<(), Box<dyn Error>> {
    plotters::style::register_font(
        "sans-serif",
        FontStyle::Normal,
        epaint_default_fonts::HACK_REGULAR,
    )
    .map_err(|_| "the bundled font does not parse")?;

    let max_n = points.iter().map(|p| p.levels).fold(0.0, f64::max);
    let max_s = points.iter().map(|p| p.ladder.max(p.tokio)).fold(0.0, f64::max);

    let root = BitMapBackend::new(png, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("cargo check of one crate: N levels, 2N nested lock sites", ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..max_n * 1.05, 0.0..max_s * 1.15)?;
    chart
        .configure_mesh()
        .x_desc("levels N (call sites M = 2N)")
        .y_desc("seconds (median of runs)")
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()?;

    let ladder_color = RGBColor(200, 60, 40);
    let series: [Series; 2] = [
        ("lockladder", ladder_color, |p| p.ladder),
        ("plain tokio", RGBColor(40, 90, 190), |p| p.tokio),
    ];
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
    chart.draw_series(points.iter().map(|p| {
        Text::new(
            format!("{:.2}x", p.ladder / p.tokio),
            (p.levels, p.ladder + max_s * 0.03),
            ("sans-serif", 16).into_font().color(&ladder_color),
        )
    }))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 18))
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
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
