//! The samplers: grid, random and Bayesian (GP + expected improvement). A [`Sampler`] holds no
//! state between calls; a trial's params are a function of its id, the spec and (for `bayes`)
//! what has been observed so far, which is what lets a sweep resume and run in parallel.
//!
//! The Bayesian sampler's Gaussian process is fitted to a bounded set of trials, the best
//! [`BAYES_FIT_BEST`] and the latest [`BAYES_FIT_RECENT`] finished ones and the latest
//! [`BAYES_FIT_PENDING`] running ones, since a fit to all n trials costs O(n³).

use super::gp::{expected_improvement, Gp};
use super::space;
use super::spec::{Domain, Goal, Method, Param, SweepSpec};
use super::Params;
use crate::config::Config;
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde_json::Value;
use std::collections::BTreeSet;

/// Random candidates scored by expected improvement for each Bayesian suggestion.
pub const BAYES_CANDIDATES: usize = 2000;
/// Extra candidates perturbed around the best trials so far.
pub const BAYES_LOCAL_CANDIDATES: usize = 500;
/// How many of the best trials the local candidates start from.
const BAYES_LOCAL_PARENTS: usize = 5;
/// Standard deviation of a local perturbation in the [0, 1] encoding.
const BAYES_LOCAL_STEP: f64 = 0.08;
/// The Gaussian process is fitted to at most this many of the best finished trials…
pub const BAYES_FIT_BEST: usize = 50;
/// …plus this many of the latest ones (the last in the order given: the coordinator gives them
/// by id)…
pub const BAYES_FIT_RECENT: usize = 50;
/// …plus this many running trials (the latest handed out), so a fit costs O(150³) at most
/// however long the sweep has run and however many workers it has: fitting all n trials costs
/// O(n³) per candidate setting, about 100 ms per suggestion at 150–200 trials natively, and in
/// the page the coordinator runs on the main thread.
pub const BAYES_FIT_PENDING: usize = 50;
/// EI's margin, in standard deviations of the observed metric.
const EI_XI: f64 = 0.01;
/// Keeps the candidate stream apart from the random-trial stream.
const CANDIDATE_SEED: u64 = 0xB4E5_CA5D_1DA7_E5ED;

/// A finished trial as the sampler sees it: its params and its metric (`None` if it failed).
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    pub params: Params,
    pub value: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct Sampler {
    method: Method,
    goal: Goal,
    seed: u64,
    base: Config,
    params: Vec<Param>,
    grid: Vec<Params>,
}

impl Sampler {
    pub fn from_spec(spec: &SweepSpec) -> Sampler {
        Sampler::new(
            spec.method,
            spec.goal,
            spec.seed,
            spec.base.clone(),
            spec.parameters.clone(),
            spec.max_trials,
        )
    }

    /// A sampler over any parameters: paths need not be config fields (the conditions of
    /// [`space::Context`] apply to those that are), so a synthetic objective can be optimised
    /// without training anything. `max_trials` truncates the grid.
    pub fn new(
        method: Method,
        goal: Goal,
        seed: u64,
        base: Config,
        mut params: Vec<Param>,
        max_trials: usize,
    ) -> Sampler {
        params.sort_by(|a, b| a.path.cmp(&b.path));
        let mut s = Sampler {
            method,
            goal,
            seed,
            base,
            params,
            grid: Vec::new(),
        };
        if method == Method::Grid {
            s.grid = s.build_grid(max_trials);
        }
        s
    }

    pub fn method(&self) -> Method {
        self.method
    }

    /// The grid's distinct points in order (empty unless the method is grid).
    pub fn grid(&self) -> &[Params] {
        &self.grid
    }

    /// Trial `id`'s parameters, or `None` once a grid is exhausted. `observations` are the
    /// finished trials and `pending` the params of running ones (both used by `bayes` only).
    pub fn suggest(
        &self,
        id: usize,
        observations: &[Observation],
        pending: &[Params],
    ) -> Option<Params> {
        match self.method {
            Method::Grid => self.grid.get(id).cloned(),
            Method::Random => Some(self.random(id)),
            Method::Bayes => Some(self.bayes(id, observations, pending)),
        }
    }

    /// How many trials `bayes` draws at random before fitting the GP.
    pub fn initial_random_trials(&self) -> usize {
        5.max(self.params.len() + 1)
    }

    /// Trial `id`'s random draw (inactive parameters dropped), the same however often it is
    /// asked for.
    pub fn random(&self, id: usize) -> Params {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(id as u64);
        self.draw(&mut rng)
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> Params {
        let raw = self
            .params
            .iter()
            .map(|p| (p.path.clone(), sample(&p.domain, rng)))
            .collect();
        space::active(&self.base, raw)
    }

    fn build_grid(&self, max_trials: usize) -> Vec<Params> {
        let axes: Vec<(u128, &Param)> = self
            .params
            .iter()
            .map(|p| {
                let n = match &p.domain {
                    Domain::Values(v) => v.len() as u128,
                    Domain::Range { min, max, .. } => (max - min) as u128 + 1,
                };
                (n, p)
            })
            .collect();
        let total = axes.iter().fold(1u128, |t, (n, _)| t.saturating_mul(*n));
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut i: u128 = 0;
        while i < total && out.len() < max_trials {
            let mut rest = i;
            let mut raw = Params::new();
            for (n, p) in axes.iter().rev() {
                let k = rest % n;
                rest /= n;
                let v = match &p.domain {
                    Domain::Values(v) => v[k as usize].clone(),
                    Domain::Range { min, .. } => int_value(min + k as f64),
                };
                raw.insert(p.path.clone(), v);
            }
            let point = space::active(&self.base, raw);
            if seen.insert(Value::from(serde_json::Map::from_iter(point.clone())).to_string()) {
                out.push(point);
            }
            i += 1;
        }
        out
    }

    /// The params as a point of [0, 1]^d: one coordinate per range or numeric value list, one
    /// per choice (one-hot) for other lists; inactive parameters at 0.5 (all-zero one-hot).
    pub fn encode(&self, params: &Params) -> Vec<f64> {
        let mut x = Vec::new();
        for p in &self.params {
            let v = params.get(&p.path);
            match &p.domain {
                Domain::Range { .. } => x.push(v.map_or(0.5, |v| to_unit(&p.domain, v))),
                Domain::Values(vs) if vs.iter().all(Value::is_number) => {
                    let mut order: Vec<f64> = vs.iter().filter_map(Value::as_f64).collect();
                    order.sort_by(f64::total_cmp);
                    let pos = v
                        .and_then(Value::as_f64)
                        .and_then(|f| order.iter().position(|o| *o == f));
                    x.push(match pos {
                        Some(i) if order.len() > 1 => i as f64 / (order.len() - 1) as f64,
                        _ => 0.5,
                    });
                }
                Domain::Values(vs) => {
                    x.extend(vs.iter().map(|c| if Some(c) == v { 1.0 } else { 0.0 }))
                }
            }
        }
        x
    }

    /// The points the Gaussian process is fitted to for a suggestion (`None` while the first
    /// trials are still random): the best [`BAYES_FIT_BEST`] and the latest [`BAYES_FIT_RECENT`]
    /// of `observations` (failed ones at the worst value seen), and the latest
    /// [`BAYES_FIT_PENDING`] of `pending` at the mean.
    pub fn bayes_fit_points(
        &self,
        observations: &[Observation],
        pending: &[Params],
    ) -> Option<usize> {
        self.fit_set(observations, pending).map(|f| f.xs.len())
    }

    fn fit_set<'a>(
        &self,
        observations: &'a [Observation],
        pending: &[Params],
    ) -> Option<FitSet<'a>> {
        let loss = |o: &Observation| {
            o.value
                .filter(|v| v.is_finite())
                .map(|v| self.goal.as_loss(v))
        };
        let scored: Vec<(&Params, f64)> = observations
            .iter()
            .filter_map(|o| loss(o).map(|y| (&o.params, y)))
            .collect();
        if scored.len() < self.initial_random_trials() {
            return None;
        }
        let worst = scored
            .iter()
            .map(|(_, y)| *y)
            .fold(f64::NEG_INFINITY, f64::max);
        // Which observations are fitted: the best (by index, ties to the earlier) and the latest.
        let mut by_loss: Vec<(usize, f64)> = observations
            .iter()
            .enumerate()
            .filter_map(|(i, o)| loss(o).map(|y| (i, y)))
            .collect();
        by_loss.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let mut keep: BTreeSet<usize> = by_loss
            .iter()
            .take(BAYES_FIT_BEST)
            .map(|(i, _)| *i)
            .collect();
        keep.extend(observations.len().saturating_sub(BAYES_FIT_RECENT)..observations.len());

        let mut xs: Vec<Vec<f64>> = Vec::new();
        let mut ys: Vec<f64> = Vec::new();
        for &i in &keep {
            let o = &observations[i];
            xs.push(self.encode(&o.params));
            ys.push(loss(o).unwrap_or(worst));
        }
        let mean = ys.iter().sum::<f64>() / ys.len() as f64;
        let sd = (ys.iter().map(|y| (y - mean) * (y - mean)).sum::<f64>() / ys.len() as f64).sqrt();
        let sd = if sd > 1e-12 { sd } else { 1.0 };
        let mut ys: Vec<f64> = ys.iter().map(|y| (y - mean) / sd).collect();
        // The best trial is always among those fitted.
        let best = (by_loss[0].1 - mean) / sd;
        // Running trials as if they came out average (a constant liar), so workers spread out.
        for p in &pending[pending.len().saturating_sub(BAYES_FIT_PENDING)..] {
            xs.push(self.encode(p));
            ys.push(0.0);
        }
        Some(FitSet {
            scored,
            xs,
            ys,
            best,
        })
    }

    fn bayes(&self, id: usize, observations: &[Observation], pending: &[Params]) -> Params {
        let Some(FitSet {
            scored,
            xs,
            ys,
            best,
        }) = self.fit_set(observations, pending)
        else {
            return self.random(id);
        };
        let Some(gp) = Gp::fit(xs, &ys) else {
            return self.random(id);
        };

        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ CANDIDATE_SEED);
        rng.set_stream(id as u64);
        let mut parents: Vec<&(&Params, f64)> = scored.iter().collect();
        parents.sort_by(|a, b| a.1.total_cmp(&b.1));
        parents.truncate(BAYES_LOCAL_PARENTS);
        let mut best_candidate: Option<(f64, Params)> = None;
        for c in 0..BAYES_CANDIDATES + BAYES_LOCAL_CANDIDATES {
            let candidate = if c < BAYES_CANDIDATES {
                self.draw(&mut rng)
            } else {
                self.perturb(parents[c % parents.len()].0, &mut rng)
            };
            let (mu, s) = gp.predict(&self.encode(&candidate));
            let ei = expected_improvement(mu, s, best, EI_XI);
            if best_candidate.as_ref().is_none_or(|(b, _)| ei > *b) {
                best_candidate = Some((ei, candidate));
            }
        }
        best_candidate.map_or_else(|| self.random(id), |(_, p)| p)
    }

    /// A neighbour of `params`: ranges moved a little in the [0, 1] encoding, now and then one
    /// choice changed; parameters `params` lacks (inactive there) are drawn afresh.
    fn perturb(&self, params: &Params, rng: &mut ChaCha8Rng) -> Params {
        let flip = 1.0 / self.params.len().max(1) as f64;
        let mut raw = Params::new();
        for p in &self.params {
            let v = match (params.get(&p.path), &p.domain) {
                (Some(v), Domain::Range { .. }) => {
                    let step: f64 = StandardNormal.sample(rng);
                    let u = (to_unit(&p.domain, v) + BAYES_LOCAL_STEP * step).clamp(0.0, 1.0);
                    from_unit(&p.domain, u)
                }
                (Some(v), Domain::Values(_)) if rng.random::<f64>() >= flip => v.clone(),
                _ => sample(&p.domain, rng),
            };
            raw.insert(p.path.clone(), v);
        }
        space::active(&self.base, raw)
    }
}

/// What a Bayesian suggestion fits: the scored trials (for the local candidates' parents), the
/// GP's points and standardised values, and the best standardised value.
struct FitSet<'a> {
    scored: Vec<(&'a Params, f64)>,
    xs: Vec<Vec<f64>>,
    ys: Vec<f64>,
    best: f64,
}

fn int_value(x: f64) -> Value {
    if x >= 0.0 {
        Value::from(x as u64)
    } else {
        Value::from(x as i64)
    }
}

/// One draw from a domain: a uniform choice, or uniform / log-uniform / integer in [min, max].
pub fn sample<R: Rng + ?Sized>(domain: &Domain, rng: &mut R) -> Value {
    match domain {
        Domain::Values(vs) => vs[rng.random_range(0..vs.len())].clone(),
        Domain::Range { min, max, log, int } => {
            let u: f64 = rng.random();
            match (*log, *int) {
                (false, false) => float_value(min + (max - min) * u, *min, *max),
                (true, false) => {
                    float_value((min.ln() + (max.ln() - min.ln()) * u).exp(), *min, *max)
                }
                (false, true) => int_value(rng.random_range(*min as i64..=*max as i64) as f64),
                // Log-uniform over [min, max + 1), floored: each integer weighted by its width.
                (true, true) => {
                    let x = (min.ln() + ((max + 1.0).ln() - min.ln()) * u).exp().floor();
                    int_value(x.clamp(*min, *max))
                }
            }
        }
    }
}

/// A range value's position in [0, 1] (log ranges in log space).
fn to_unit(domain: &Domain, v: &Value) -> f64 {
    let Domain::Range { min, max, log, .. } = domain else {
        return 0.5;
    };
    let Some(x) = v.as_f64() else { return 0.5 };
    let (lo, hi, x) = if *log {
        (min.ln(), max.ln(), x.max(*min).ln())
    } else {
        (*min, *max, x)
    };
    if hi > lo {
        ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.5
    }
}

/// The inverse of [`to_unit`] (rounded for int ranges).
fn from_unit(domain: &Domain, u: f64) -> Value {
    let Domain::Range { min, max, log, int } = domain else {
        return Value::Null;
    };
    let x = if *log {
        (min.ln() + (max.ln() - min.ln()) * u).exp()
    } else {
        min + (max - min) * u
    };
    if *int {
        int_value(x.clamp(*min, *max).round())
    } else {
        float_value(x, *min, *max)
    }
}

/// Significant digits a drawn float keeps: plenty for a hyper-parameter, and few enough that
/// its JSON text reads back as exactly the same number (so a resumed trial has the same params).
const FLOAT_DIGITS: usize = 10;

/// `x` rounded to [`FLOAT_DIGITS`] significant digits and kept in [min, max].
fn float_value(x: f64, min: f64, max: f64) -> Value {
    let rounded: f64 = format!("{:.*e}", FLOAT_DIGITS - 1, x).parse().unwrap_or(x);
    Value::from(rounded.clamp(min, max))
}
