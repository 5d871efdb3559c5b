//! Every range the schema states is the one validation enforces, checked at its edges from the
//! schema itself: a value just inside each bound is accepted and one just outside refused,
//! naming the field. For config fields, Nesterov's narrower momentum, the sweep's parameters
//! (as listed values and as a range's ends) and the spec's own counts.

mod schema_support;

use schema_support::*;
use serde_json::{json, Value};

/// Each (min or max bound, whether it is the min) of a schema entry.
fn bounds(entry: &Value) -> Vec<(&Value, bool)> {
    [("min", true), ("max", false)]
        .into_iter()
        .filter_map(|(k, is_min)| entry.get(k).map(|b| (b, is_min)))
        .collect()
}

fn is_integer(entry: &Value) -> bool {
    entry["type"] == "integer"
}

#[test]
fn every_config_range_is_enforced_by_validate_at_its_edges() {
    let s = schema();
    let mut checked = 0;
    for f in list(&s, "/config/fields") {
        let path = f["path"].as_str().unwrap();
        for (bound, is_min) in bounds(f) {
            let (inside, outside) = edges(bound, is_min, is_integer(f));
            let mut v = applying(&s, base_config(), f);
            set(&mut v, path, inside.clone());
            if let Some(e) = config_error(&v) {
                panic!("{path} = {inside} is inside {bound} but refused: {e}");
            }
            set(&mut v, path, outside.clone());
            let e = config_error(&v).unwrap_or_else(|| panic!("{path} = {outside} accepted"));
            assert_eq!(e.field(), concrete(path), "{path} = {outside}: {e}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} bounds in the schema");
}

/// nag's entry narrows momentum to (0, 1), as torch.optim.SGD(nesterov=True) does.
#[test]
fn an_optimizers_narrower_range_is_enforced_at_its_edges() {
    let s = schema();
    let mut checked = 0;
    for entry in list(&s, "/names/optimizers") {
        let Some(ranges) = entry["ranges"].as_object() else {
            continue;
        };
        for (path, range) in ranges {
            for (bound, is_min) in bounds(range) {
                let (inside, outside) = edges(bound, is_min, false);
                let mut v = base_config();
                set(&mut v, "optimizer.name", entry["name"].clone());
                set(&mut v, path, inside.clone());
                assert!(config_error(&v).is_none(), "{path} = {inside}");
                set(&mut v, path, outside.clone());
                let e = config_error(&v).unwrap_or_else(|| panic!("{path} = {outside} accepted"));
                assert_eq!(e.field(), path, "{e}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2, "nag's momentum has two bounds");
}

#[test]
fn every_sweep_parameter_range_is_enforced_on_its_values_at_the_edges() {
    let s = schema();
    for p in list(&s, "/sweep/parameters") {
        let path = p["path"].as_str().unwrap();
        let base = applying(&s, base_config(), p);
        for (bound, is_min) in bounds(p) {
            let (inside, outside) = edges(bound, is_min, is_integer(p));
            let ok = spec(base.clone(), json!({ path: {"values": [inside]} }));
            if let Some(e) = spec_error(&ok) {
                panic!("{path} = {inside} is inside {bound} but refused: {e}");
            }
            let bad = spec(base.clone(), json!({ path: {"values": [outside]} }));
            let e = spec_error(&bad).unwrap_or_else(|| panic!("{path} = {outside} accepted"));
            assert_eq!(e.field, format!("parameters.{path}.values[0]"), "{e}");
        }
    }
}

/// A min/max range whose end passes the bound is refused at that end.
#[test]
fn every_sweep_parameter_range_is_enforced_on_a_ranges_ends() {
    let s = schema();
    for p in list(&s, "/sweep/parameters") {
        let path = p["path"].as_str().unwrap();
        let base = applying(&s, base_config(), p);
        for (bound, is_min) in bounds(p) {
            let (inside, outside) = edges(bound, is_min, is_integer(p));
            let (min, max, end) = if is_min {
                (outside, inside, "min")
            } else {
                (inside, outside, "max")
            };
            let (lo, hi) = (min.as_f64().unwrap(), max.as_f64().unwrap());
            if lo >= hi {
                continue; // a closed bound's outside value is past the inside one
            }
            let bad = spec(base.clone(), json!({ path: {"min": min, "max": max} }));
            let e = spec_error(&bad).unwrap_or_else(|| panic!("{path} {min}..{max} accepted"));
            assert_eq!(e.field, format!("parameters.{path}.{end}"), "{e}");
        }
    }
}

#[test]
fn every_spec_count_is_enforced_at_its_edges() {
    let s = schema();
    let mut checked = 0;
    for f in list(&s, "/sweep/fields") {
        let path = f["path"].as_str().unwrap();
        for (bound, is_min) in bounds(f) {
            let (inside, outside) = edges(bound, is_min, is_integer(f));
            let mut v = spec(base_config(), json!({"epochs": {"values": [1, 2]}}));
            if path.starts_with("early_termination.") {
                set(&mut v, "early_termination.kind", json!("asha"));
            }
            set(&mut v, path, inside.clone());
            if let Some(e) = spec_error(&v) {
                panic!("{path} = {inside} is inside {bound} but refused: {e}");
            }
            set(&mut v, path, outside.clone());
            let e = spec_error(&v).unwrap_or_else(|| panic!("{path} = {outside} accepted"));
            assert_eq!(e.field, path, "{e}");
            checked += 1;
        }
    }
    assert!(
        checked >= 6,
        "max_trials, workers and ASHA's counts: {checked} bounds"
    );
}
