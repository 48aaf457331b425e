//! A small strict parser of the Prometheus text exposition format 0.0.4: every line valid,
//! `# TYPE` before samples, samples belong to their family, no duplicate series, counters not
//! negative, histograms cumulative with `+Inf` equal to `_count`. Used by the tests of the
//! metrics registry, the HTTP API and the end-to-end tests of `/metrics`.

use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

fn name_ok(n: &str, metric: bool) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || (metric && c == ':'))
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_' || (metric && c == ':'))
}

fn parse_value(s: &str) -> Result<f64, String> {
    match s {
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => s.parse::<f64>().map_err(|_| format!("bad value '{s}'")),
    }
}

fn parse_labels(s: &str) -> Result<(BTreeMap<String, String>, &str), String> {
    // s starts just after '{'
    let mut labels = BTreeMap::new();
    let mut rest = s;
    loop {
        if let Some(r) = rest.strip_prefix('}') {
            return Ok((labels, r));
        }
        let eq = rest.find('=').ok_or("label without '='")?;
        let name = &rest[..eq];
        if !name_ok(name, false) {
            return Err(format!("bad label name '{name}'"));
        }
        rest = rest[eq + 1..]
            .strip_prefix('"')
            .ok_or("label value not quoted")?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next().ok_or("unterminated label value")? {
                (_, '\\') => match chars.next().ok_or("dangling escape")?.1 {
                    '\\' => value.push('\\'),
                    '"' => value.push('"'),
                    'n' => value.push('\n'),
                    c => return Err(format!("bad escape '\\{c}'")),
                },
                (i, '"') => break i,
                (_, '\n') => return Err("raw newline in label value".into()),
                (_, c) => value.push(c),
            }
        };
        if labels.insert(name.to_string(), value).is_some() {
            return Err(format!("duplicate label '{name}'"));
        }
        rest = &rest[end + 1..];
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else if !rest.starts_with('}') {
            return Err("expected ',' or '}' after a label".into());
        }
    }
}

/// Parse and check: every line valid, TYPE before samples, samples belong to their
/// family, no duplicate series, histograms cumulative with +Inf equal to _count.
pub fn parse(text: &str) -> Result<Vec<Sample>, String> {
    if !text.is_empty() && !text.ends_with('\n') {
        return Err("output must end with a newline".into());
    }
    let mut types: HashMap<String, String> = HashMap::new();
    let mut helps: HashMap<String, ()> = HashMap::new();
    let mut samples = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut current: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let err = |m: String| format!("line {}: {m}: {line:?}", n + 1);
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let kw = parts.next().unwrap_or("");
            let name = parts.next().ok_or_else(|| err("no name".into()))?;
            if !name_ok(name, true) {
                return Err(err("bad metric name".into()));
            }
            match kw {
                "HELP" => {
                    let help = parts.next().unwrap_or("");
                    let mut it = help.chars();
                    while let Some(c) = it.next() {
                        if c == '\\' && !matches!(it.next(), Some('\\' | 'n')) {
                            return Err(err("bad escape in HELP".into()));
                        }
                    }
                    if helps.insert(name.into(), ()).is_some() {
                        return Err(err("second HELP".into()));
                    }
                }
                "TYPE" => {
                    let t = parts.next().ok_or_else(|| err("no type".into()))?;
                    if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&t) {
                        return Err(err("unknown type".into()));
                    }
                    if types.insert(name.into(), t.into()).is_some() {
                        return Err(err("second TYPE".into()));
                    }
                    current = Some(name.to_string());
                }
                _ => return Err(err("comment that is not HELP or TYPE".into())),
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            return Err(err("empty or malformed comment line".into()));
        }
        let name_end = line
            .find(['{', ' '])
            .ok_or_else(|| err("no value".into()))?;
        let name = &line[..name_end];
        if !name_ok(name, true) {
            return Err(err("bad metric name".into()));
        }
        let (labels, rest) = if line[name_end..].starts_with('{') {
            parse_labels(&line[name_end + 1..]).map_err(err)?
        } else {
            (BTreeMap::new(), &line[name_end..])
        };
        let rest = rest
            .strip_prefix(' ')
            .ok_or_else(|| err("no space before value".into()))?;
        let mut fields = rest.split(' ');
        let value = parse_value(fields.next().unwrap_or("")).map_err(err)?;
        if let Some(ts) = fields.next() {
            ts.parse::<i64>().map_err(|_| err("bad timestamp".into()))?;
        }
        if fields.next().is_some() {
            return Err(err("trailing fields".into()));
        }
        let fam = current
            .as_deref()
            .ok_or_else(|| err("sample before TYPE".into()))?;
        let ty = &types[fam];
        let belongs = if ty == "histogram" {
            [
                format!("{fam}_bucket"),
                format!("{fam}_sum"),
                format!("{fam}_count"),
            ]
            .contains(&name.to_string())
        } else {
            name == fam
        };
        if !belongs {
            return Err(err(format!("sample does not belong to family {fam}")));
        }
        if name.ends_with("_bucket") && ty == "histogram" && !labels.contains_key("le") {
            return Err(err("bucket without le".into()));
        }
        if ty == "counter" && (value < 0.0 || value.is_nan()) {
            return Err(err("negative counter".into()));
        }
        if !seen.insert((name.to_string(), labels.clone())) {
            return Err(err("duplicate series".into()));
        }
        samples.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    check_histograms(&types, &samples)?;
    Ok(samples)
}

type LabelKey = Vec<(String, String)>;

fn check_histograms(types: &HashMap<String, String>, samples: &[Sample]) -> Result<(), String> {
    for (fam, _) in types.iter().filter(|(_, t)| *t == "histogram") {
        let mut groups: BTreeMap<LabelKey, Vec<(f64, f64)>> = BTreeMap::new();
        for s in samples.iter().filter(|s| s.name == format!("{fam}_bucket")) {
            let le = parse_value(&s.labels["le"])?;
            let key = s
                .labels
                .iter()
                .filter(|(k, _)| *k != "le")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            groups.entry(key).or_default().push((le, s.value));
        }
        for (key, buckets) in groups {
            let les: Vec<f64> = buckets.iter().map(|b| b.0).collect();
            if !les.windows(2).all(|w| w[0] < w[1]) || les.last() != Some(&f64::INFINITY) {
                return Err(format!("{fam}{key:?}: buckets not increasing or no +Inf"));
            }
            if !buckets.windows(2).all(|w| w[0].1 <= w[1].1) {
                return Err(format!("{fam}{key:?}: bucket counts not cumulative"));
            }
            let labels: BTreeMap<String, String> = key.into_iter().collect();
            let count = samples
                .iter()
                .find(|s| s.name == format!("{fam}_count") && s.labels == labels)
                .ok_or(format!("{fam}: no _count"))?;
            if !samples
                .iter()
                .any(|s| s.name == format!("{fam}_sum") && s.labels == labels)
            {
                return Err(format!("{fam}: no _sum"));
            }
            if buckets.last().map(|b| b.1) != Some(count.value) {
                return Err(format!("{fam}: +Inf bucket differs from _count"));
            }
        }
    }
    Ok(())
}

/// The value of the sample `name` whose labels are exactly `labels`, if there is one.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| {
            s.name == name
                && s.labels.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_found_by_name_and_exact_labels() {
        let text = "# TYPE x_total counter\nx_total{a=\"1\"} 2\nx_total{a=\"1\",b=\"2\"} 3\n";
        let s = parse(text).unwrap();
        assert_eq!(value(&s, "x_total", &[("a", "1")]), Some(2.0));
        assert_eq!(value(&s, "x_total", &[("a", "1"), ("b", "2")]), Some(3.0));
        assert_eq!(value(&s, "x_total", &[]), None);
    }
}
