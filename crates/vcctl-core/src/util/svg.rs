//! Small SVG pieces shared by the charts (`latency-report --chart`, `load --chart`): text
//! escaping, the document frame, and a stack of line panels over one x axis.

/// Escape text for SVG content.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The opening of a white SVG document with a bold title line.
pub fn open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
        esc(title)
    )
}

/// The end of the document.
pub const CLOSE: &str = "</svg>\n";

/// One panel: a titled line of values (`None`: no data at that x).
pub struct Panel<'a> {
    pub title: &'a str,
    pub ys: Vec<Option<f64>>,
    /// A bound drawn dashed (an SLO).
    pub bound: Option<f64>,
    /// Lowest value of the y scale, if fixed (else the data's).
    pub y_floor: Option<f64>,
}

/// A number as a short label.
fn label(v: f64) -> String {
    if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Panels stacked vertically, each plotting its values against `xs` (drawn at their values
/// on a linear axis, labelled under the last panel).
pub fn document(title: &str, x_title: &str, xs: &[f64], panels: &[Panel<'_>]) -> String {
    const LEFT: f64 = 70.0;
    const PLOT_W: f64 = 600.0;
    const PANEL_H: f64 = 150.0;
    const GAP: f64 = 50.0;
    const TOP: f64 = 50.0;
    let width = LEFT + PLOT_W + 40.0;
    let height = TOP + (PANEL_H + GAP) * panels.len() as f64 + 20.0;
    let mut s = open(width, height, title);
    let x_min = xs.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let x_max = xs.iter().copied().fold(0.0, f64::max).max(x_min + 1.0);
    let x = |v: f64| LEFT + (v - x_min) / (x_max - x_min) * PLOT_W;
    for (k, p) in panels.iter().enumerate() {
        let top = TOP + (PANEL_H + GAP) * k as f64;
        let bottom = top + PANEL_H;
        let vals: Vec<f64> = p.ys.iter().flatten().copied().chain(p.bound).collect();
        let lo = p
            .y_floor
            .unwrap_or_else(|| vals.iter().copied().fold(f64::INFINITY, f64::min));
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if !lo.is_finite() || !hi.is_finite() {
            (0.0, 1.0)
        } else if hi - lo < 1e-9 {
            (lo - 1.0, hi + 1.0)
        } else {
            (lo, hi + (hi - lo) * 0.08)
        };
        let y = |v: f64| bottom - (v - lo) / (hi - lo) * PANEL_H;
        s.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"{:.1}\" font-weight=\"bold\">{}</text>\n\
             <line x1=\"{LEFT}\" y1=\"{top:.1}\" x2=\"{LEFT}\" y2=\"{bottom:.1}\" stroke=\"#444\"/>\n\
             <line x1=\"{LEFT}\" y1=\"{bottom:.1}\" x2=\"{:.1}\" y2=\"{bottom:.1}\" stroke=\"#444\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#666\">{}</text>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#666\">{}</text>\n",
            top - 8.0,
            esc(p.title),
            LEFT + PLOT_W,
            LEFT - 6.0,
            top + 10.0,
            label(hi),
            LEFT - 6.0,
            bottom,
            label(lo),
        ));
        if let Some(b) = p.bound {
            s.push_str(&format!(
                "<line x1=\"{LEFT}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" stroke=\"#d9534f\" \
                 stroke-dasharray=\"6,4\"/>\n<text x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\" \
                 fill=\"#d9534f\">SLO {3}</text>\n",
                y(b),
                LEFT + PLOT_W,
                y(b) - 4.0,
                label(b)
            ));
        }
        let points: Vec<String> = xs
            .iter()
            .zip(&p.ys)
            .filter_map(|(&xv, yv)| yv.map(|yv| format!("{:.1},{:.1}", x(xv), y(yv))))
            .collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#3a7bd5\" stroke-width=\"2\"/>\n",
            points.join(" ")
        ));
        for (&xv, yv) in xs.iter().zip(&p.ys) {
            match yv {
                Some(v) => s.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#3a7bd5\"/>\n\
                     <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{}</text>\n",
                    x(xv),
                    y(*v),
                    x(xv),
                    y(*v) - 7.0,
                    label(*v)
                )),
                None => s.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#888\" \
                     font-style=\"italic\" font-size=\"11\">no data</text>\n",
                    x(xv),
                    bottom - 6.0
                )),
            }
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#666\" \
                 font-size=\"11\">{}</text>\n",
                x(xv),
                bottom + 14.0,
                label(xv)
            ));
        }
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
        LEFT + PLOT_W / 2.0,
        height - 8.0,
        esc(x_title)
    ));
    s.push_str(CLOSE);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_frames() {
        assert_eq!(esc("a<b>&c"), "a&lt;b&gt;&amp;c");
        let s = open(100.0, 50.0, "x & y");
        assert!(s.starts_with("<svg") && s.contains("x &amp; y"));
    }

    #[test]
    fn panels_plot_points_and_mark_missing_data() {
        let svg = document(
            "t",
            "calls",
            &[10.0, 20.0],
            &[Panel {
                title: "p",
                ys: vec![Some(1.5), None],
                bound: None,
                y_floor: Some(0.0),
            }],
        );
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(svg.contains(">1.5<") && svg.contains("no data"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
