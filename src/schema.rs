//! `schema()`: the engine's tables as one JSON document, so the page (and anyone else) builds
//! forms from them instead of copying them. `mlp-lab schema` prints it; the wasm `schema()`
//! returns the same text. Everything here is read from the tables validation uses
//! ([`CONFIG_FIELDS`], [`SPEC_FIELDS`], [`PARAMETERS`], the names): nothing is restated.
//!
//! ```text
//! {"version": 1,
//!  "config": {"fields": [Field…], "limits": {…}, "new_hidden_layer": {units, activation, init}},
//!  "names": {"activations": [Name…], "inits": […], "losses": […], "tasks": […],
//!            "optimizers": […], "regularizations": […], "clip_kinds": […], "lr_schedules": […],
//!            "sweep_methods": […], "metrics": […], "goals": […], "scales": […],
//!            "number_types": […], "early_terminations": […]},
//!  "sweep": {"fields": [Field…], "domain": [Field…], "parameters": [Parameter…], "limits": {…}}}
//!
//! Field: {path ("layers[].units": one per layer), type (integer|number|boolean|name|string|
//!         array|object), label, description, required, names? (a key of "names"), per_unit?,
//!         min?/max? ({value, open}), when? ({field, is: [names]}: applies only then),
//!         default? | default_by? (a name field whose entry's "defaults" holds it),
//!         below? (a field it must stay under), example?, note?}
//! Name:  {name, label, description, fields? (paths that come with it), defaults? ({path: value}),
//!         ranges? ({path: {min, max}} narrower than the field's), output_activation?, task?,
//!         loss?, output_units? (one|class|target), goal?, needs_validation?, for_task?,
//!         hidden? (an activation for hidden layers)}
//! Parameter: {path, field? (the config field whose values it takes), type, names?, min?, max?,
//!         when? ({field, is}, or {field: "hidden_layers", min: 1}), description}
//! ```

use crate::config::fields::{fields_with, Fallback, Field, FieldType, When, CONFIG_FIELDS};
use crate::config::names::{self, NameSet};
use crate::config::range::{Bound, Range};
use crate::config::{
    new_hidden_layer, ActivationSpec, Config, LayerConfig, Task, MAX_EPOCHS, MAX_INIT_SCALE,
    MAX_PARAMETERS, NAG_MOMENTUM,
};
use crate::nn::{Activation, Init, Loss};
use crate::optim::{Hyper, OptimizerKind};
use crate::sweep::space::{Kind, Sweepable, PARAMETERS};
use crate::sweep::spec::{
    Metric, DOMAIN_FIELDS, MAX_GRID_POINTS, MAX_HIDDEN_LAYERS, MAX_TRIALS, MAX_WORKERS, SPEC_FIELDS,
};
use crate::train::history::MAX_HISTOGRAM_EPOCHS;

/// Changes when a key changes meaning or goes; new keys do not change it.
pub const SCHEMA_VERSION: u32 = 1;

/// The schema as compact JSON text: what the wasm `schema()` returns and `mlp-lab schema`
/// prints (indented). Written straight from the tables by a small writer rather than through
/// serde: it is a third of the code, and every byte of it ships in the trainer's wasm.
pub fn schema_json() -> String {
    let mut j = Json::default();
    j.open('{');
    j.key("version");
    j.int(SCHEMA_VERSION as u64);
    j.key("config");
    config(&mut j);
    j.key("names");
    j.open('{');
    for set in NameSet::ALL {
        j.key(set.key());
        names(&mut j, set);
    }
    j.close('}');
    j.key("sweep");
    sweep(&mut j);
    j.close('}');
    j.out
}

fn config(j: &mut Json) {
    j.open('{');
    j.key("fields");
    fields(j, CONFIG_FIELDS);
    j.key("limits");
    j.open('{');
    j.entry_int("max_epochs", MAX_EPOCHS as u64);
    j.key("max_init_scale");
    j.num(MAX_INIT_SCALE);
    j.entry_int("max_parameters", MAX_PARAMETERS as u64);
    j.entry_int("max_histogram_epochs", MAX_HISTOGRAM_EPOCHS as u64);
    j.close('}');
    j.key("new_hidden_layer");
    let layer = new_hidden_layer();
    j.open('{');
    j.entry_int("units", layer.units as u64);
    if let ActivationSpec::Layer(a) = layer.activation {
        j.entry_str("activation", a.name());
    }
    j.entry_str("init", layer.init.name());
    j.close('}');
    j.close('}');
}

fn sweep(j: &mut Json) {
    j.open('{');
    j.key("fields");
    fields(j, SPEC_FIELDS);
    j.key("domain");
    fields(j, DOMAIN_FIELDS);
    j.key("parameters");
    j.open('[');
    PARAMETERS.iter().for_each(|p| parameter(j, p));
    j.close(']');
    j.key("limits");
    j.open('{');
    j.entry_int("max_trials", MAX_TRIALS as u64);
    j.entry_int("max_workers", MAX_WORKERS as u64);
    j.entry_int("max_grid_points", MAX_GRID_POINTS as u64);
    j.entry_int("max_hidden_layers", MAX_HIDDEN_LAYERS);
    j.close('}');
    j.close('}');
}

fn fields(j: &mut Json, table: &[Field]) {
    j.open('[');
    table.iter().for_each(|f| field(j, f));
    j.close(']');
}

fn field(j: &mut Json, f: &Field) {
    j.open('{');
    j.entry_str("path", f.path);
    j.entry_str("type", type_name(f.ty));
    j.entry_str("label", f.label);
    j.entry_str("description", f.description);
    j.key("required");
    j.bool(f.is_required());
    if let Some(set) = f.names {
        j.entry_str("names", set.key());
    }
    if f.per_unit {
        j.key("per_unit");
        j.bool(true);
    }
    range(j, f.range, f.ty == FieldType::Integer);
    if let Some(w) = f.when {
        when(j, w);
    }
    if let Fallback::By(decider) = f.fallback {
        j.entry_str("default_by", decider);
    } else {
        default(j, f);
    }
    if let Some((other, _)) = f.below {
        j.entry_str("below", other);
    }
    if let Some(e) = f.example {
        j.key("example");
        j.number(e, f.ty == FieldType::Integer);
    }
    if let Some(n) = f.note {
        j.entry_str("note", n);
    }
    j.close('}');
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Integer => "integer",
        FieldType::Number => "number",
        FieldType::Boolean => "boolean",
        FieldType::Name => "name",
        FieldType::String => "string",
        FieldType::Array => "array",
        FieldType::Object => "object",
    }
}

/// A field's default: `Config::default()`'s value (a layer's as serde fills it in), or the
/// engine constant the table names.
fn default(j: &mut Json, f: &Field) {
    let mut c = Config::default();
    c.layers.push(LayerConfig {
        init: Init::default(),
        ..new_hidden_layer()
    });
    match (f.fallback, f.ty) {
        (Fallback::Config, FieldType::Boolean) => {
            if let Some(b) = c.bool_at(f.path) {
                j.key("default");
                j.bool(b);
            }
        }
        (Fallback::Config, FieldType::Name) => {
            if let Some(name) = c.name_at(f.path, 0) {
                j.entry_str("default", name);
            }
        }
        (Fallback::Config, ty) => {
            if let Some(x) = c.number_at(f.path, 0) {
                j.key("default");
                j.number(x, ty == FieldType::Integer);
            }
        }
        (Fallback::Number(x), _) => {
            j.key("default");
            j.num(x);
        }
        (Fallback::Count(n), _) => j.entry_int("default", n),
        (Fallback::Name(name), _) => j.entry_str("default", name),
        (Fallback::By(_) | Fallback::Required | Fallback::Absent, _) => {}
    }
}

/// `min` and `max` as `{value, open}`, whole numbers for an integer field.
fn range(j: &mut Json, r: Range, integer: bool) {
    for (key, bound) in [("min", r.min), ("max", r.max)] {
        if let Some(b) = bound {
            j.key(key);
            self::bound(j, b, integer);
        }
    }
}

fn bound(j: &mut Json, b: Bound, integer: bool) {
    j.open('{');
    j.key("value");
    j.number(b.value, integer);
    j.key("open");
    j.bool(b.open);
    j.close('}');
}

fn when(j: &mut Json, w: When) {
    j.key("when");
    j.open('{');
    j.entry_str("field", w.field);
    j.key("is");
    j.open('[');
    w.is.iter().for_each(|name| j.str(name));
    j.close(']');
    j.close('}');
}

/// Every name of a set, with the fields that come with it and what it decides.
fn names(j: &mut Json, set: NameSet) {
    let selector = CONFIG_FIELDS
        .iter()
        .chain(SPEC_FIELDS)
        .find(|f| f.names == Some(set))
        .map_or("", |f| f.path);
    j.open('[');
    for info in set.described() {
        let name = info.name;
        j.open('{');
        j.entry_str("name", name);
        j.entry_str("label", info.label);
        j.entry_str("description", info.description);
        let with = fields_with(selector, name);
        if !with.is_empty() {
            j.key("fields");
            j.open('[');
            with.iter().for_each(|f| j.str(f.path));
            j.close(']');
        }
        extras(j, set, name);
        j.close('}');
    }
    j.close(']');
}

/// What a name decides: an optimizer's defaults, a loss's output activation and task, …
fn extras(j: &mut Json, set: NameSet, name: &str) {
    match set {
        NameSet::Optimizers => {
            if let Some(kind) = OptimizerKind::ALL.into_iter().find(|k| k.name() == name) {
                optimizer(j, kind);
            }
        }
        NameSet::Activations => {
            if let Some(a) = Activation::from_name(name) {
                j.key("hidden");
                j.bool(names::hidden_activation(a));
            }
        }
        NameSet::Losses => {
            if let Some(loss) = Loss::ALL.into_iter().find(|l| l.name() == name) {
                match names::loss_output(loss) {
                    Some(a) => j.entry_str("output_activation", a.name()),
                    None => j.entry_null("output_activation"),
                }
                decides(j, "task", names::loss_task(loss).name());
            }
        }
        NameSet::Tasks => {
            if let Some(task) = Task::ALL.into_iter().find(|t| t.name() == name) {
                let (loss, activation, units) = names::task_output(task);
                j.entry_str("loss", loss.name());
                j.entry_str("output_activation", activation.name());
                j.entry_str("output_units", units);
            }
        }
        NameSet::Metrics => {
            if let Some(metric) = Metric::ALL.into_iter().find(|m| m.name() == name) {
                decides(j, "goal", metric.default_goal().name());
                j.key("needs_validation");
                j.bool(metric.needs_validation());
                match metric.classification() {
                    Some(c) => {
                        j.entry_str("for_task", if c { "classification" } else { "regression" })
                    }
                    None => j.entry_null("for_task"),
                }
            }
        }
        _ => {}
    }
}

/// `"defaults": {path: name}` for the one field a name decides.
fn decides(j: &mut Json, path: &str, value: &str) {
    j.key("defaults");
    j.open('{');
    j.entry_str(path, value);
    j.close('}');
}

/// An optimizer's defaults (its config struct's), and the narrower range Nesterov puts on
/// momentum.
fn optimizer(j: &mut Json, kind: OptimizerKind) {
    let hyper = Hyper::defaults(kind);
    j.key("defaults");
    j.open('{');
    for f in fields_with("optimizer.name", kind.name()) {
        if let Some(v) = f.path.strip_prefix("optimizer.").and_then(|k| hyper.get(k)) {
            j.key(f.path);
            j.num(v);
        }
    }
    j.close('}');
    if kind == OptimizerKind::Nag {
        j.key("ranges");
        j.open('{');
        j.key("optimizer.momentum");
        j.open('{');
        range(j, NAG_MOMENTUM, false);
        j.close('}');
        j.close('}');
    }
}

fn parameter(j: &mut Json, p: &Sweepable) {
    let field = p.field.and_then(crate::config::fields::field);
    j.open('{');
    j.entry_str("path", p.path);
    if let Some(f) = p.field {
        j.entry_str("field", f);
    }
    let (ty, r) = match p.kind() {
        Kind::Real(r) => ("number", r),
        Kind::Count(r) => ("integer", r),
        Kind::Bool => ("boolean", Range::ANY),
        Kind::Choice(set) => {
            j.entry_str("names", set.key());
            ("name", Range::ANY)
        }
    };
    j.entry_str("type", ty);
    range(j, r, ty == "integer");
    if p.hidden_only {
        j.key("when");
        j.open('{');
        j.entry_str("field", "hidden_layers");
        j.entry_int("min", 1);
        j.close('}');
    } else if let Some(w) = field.and_then(|f| f.when) {
        when(j, w);
    }
    let description = match (p.description, field) {
        ("", Some(f)) => f.description,
        (d, _) => d,
    };
    j.entry_str("description", description);
    j.close('}');
}

/// Compact JSON, written value by value; a comma goes before any value or key that follows
/// another. Not inlined: each call site stays a call, which is what keeps the writer small.
#[derive(Default)]
struct Json {
    out: String,
    after_value: bool,
}

impl Json {
    #[inline(never)]
    fn comma(&mut self) {
        if self.after_value {
            self.out.push(',');
        }
    }

    #[inline(never)]
    fn open(&mut self, bracket: char) {
        self.comma();
        self.out.push(bracket);
        self.after_value = false;
    }

    #[inline(never)]
    fn close(&mut self, bracket: char) {
        self.out.push(bracket);
        self.after_value = true;
    }

    #[inline(never)]
    fn key(&mut self, key: &str) {
        self.str(key);
        self.out.push(':');
        self.after_value = false;
    }

    #[inline(never)]
    fn str(&mut self, s: &str) {
        self.comma();
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                c if (c as u32) < 0x20 => self.out.push_str(&format!("\\u{:04x}", c as u32)),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
        self.after_value = true;
    }

    /// A finite number (the tables hold no other). Rust's `{:?}` of an f64 is valid JSON and
    /// keeps a fraction or exponent (`0.0`, `1e-8`), so a reader sees a float.
    #[inline(never)]
    fn num(&mut self, x: f64) {
        self.comma();
        self.out.push_str(&format!("{x:?}"));
        self.after_value = true;
    }

    /// A whole number as an integer (a config's counts refuse `1.0`), else a float.
    fn number(&mut self, x: f64, integer: bool) {
        if integer {
            self.int(x as u64);
        } else {
            self.num(x);
        }
    }

    #[inline(never)]
    fn int(&mut self, n: u64) {
        self.comma();
        self.out.push_str(&n.to_string());
        self.after_value = true;
    }

    #[inline(never)]
    fn bool(&mut self, b: bool) {
        self.comma();
        self.out.push_str(if b { "true" } else { "false" });
        self.after_value = true;
    }

    #[inline(never)]
    fn entry_str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.str(value);
    }

    #[inline(never)]
    fn entry_int(&mut self, key: &str, n: u64) {
        self.key(key);
        self.int(n);
    }

    #[inline(never)]
    fn entry_null(&mut self, key: &str) {
        self.key(key);
        self.comma();
        self.out.push_str("null");
        self.after_value = true;
    }
}
