//! SVG coordinates as attribute text, for the timeline and the resource lanes.

/// A coordinate with one decimal, as SVG attributes want it.
pub fn fmt(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{}", r as i64) } else { format!("{r:.1}") }
}
