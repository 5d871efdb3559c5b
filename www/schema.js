// The engine's schema (src/schema.rs, `mlp-lab schema`): every config field with its type,
// default, range and accepted names, what each name brings (an optimizer's fields and defaults,
// a loss's output activation and task), and the sweep's parameters. The worker sends it with
// 'ready' (www/protocol.js); app/worker-messages.js hands it to setSchema, and the page reads
// names, defaults and ranges only from here. Before the engine is ready every reader answers "nothing".

let current = null;

export function setSchema(schema) {
  current = schema ?? null;
}

/** The whole schema, or null before the engine is ready. */
export function schema() {
  return current;
}

/** The config field at `path` ('optimizer.lr', 'layers[].units'), or undefined. */
export function field(path) {
  return current?.config?.fields?.find((f) => f.path === path);
}

/** The entries of a set of names ('activations', 'optimizers', …): {name, label, description, …}. */
export function namesOf(key) {
  return current?.names?.[key] ?? [];
}

/** The accepted names of a set, in the engine's order. */
export function names(key) {
  return namesOf(key).map((n) => n.name);
}

/** [[name, label]] for a select. */
export function options(key) {
  return namesOf(key).map((n) => [n.name, n.label]);
}

export function nameEntry(key, name) {
  return namesOf(key).find((n) => n.name === name);
}

/** The names a config field takes (its set's names). */
export function fieldNames(path) {
  const key = field(path)?.names;
  return key ? names(key) : [];
}

/** A value at a schema path in a config (`layers[]` is the first layer). */
function valueAt(config, path) {
  let at = config;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = part.endsWith('[]') ? at[part.slice(0, -2)]?.[0] : at[part];
  }
  return at;
}

/**
 * What the engine uses for `path` when `config` leaves it out: the field's default, or the one
 * the deciding name brings ("optimizer.lr" of the config's optimizer, "task" of its loss).
 */
export function defaultOf(path, config = {}) {
  const f = field(path);
  if (!f) return undefined;
  if (f.default_by === undefined) return f.default;
  const decider = field(f.default_by);
  const name = valueAt(config, f.default_by) ?? defaultOf(f.default_by, config);
  return nameEntry(decider?.names, name)?.defaults?.[path];
}

/** The fields that come with a name of a name field ('optimizer.name' → its fields), as paths. */
export function fieldsWith(path, name) {
  const key = field(path)?.names;
  return (key && nameEntry(key, name)?.fields) || [];
}

/** Whether `path` applies with the config's names (layer `layer`'s for a layer field). */
export function applies(path, config, layer = 0) {
  const when = field(path)?.when;
  if (!when) return true;
  const inLayer = when.field.startsWith('layers[].') ? when.field.slice('layers[].'.length) : null;
  const given = inLayer ? config?.layers?.[layer]?.[inLayer] : valueAt(config, when.field);
  return when.is.includes(given ?? defaultOf(when.field, config));
}

/** The task a config trains for: its own, or the one its loss implies. */
export function taskOf(config) {
  return config?.task ?? defaultOf('task', config ?? {});
}

/** Input attributes for a numeric field: min/max where the range is closed, step for whole numbers. */
export function numberAttrs(path) {
  const f = field(path);
  const attrs = { step: f?.type === 'integer' ? 1 : 'any' };
  if (f?.min && !f.min.open) attrs.min = f.min.value;
  if (f?.max && !f.max.open) attrs.max = f.max.value;
  return attrs;
}

/**
 * The output layer data needs, from the engine's pairing of task, loss and output activation:
 * {units, activation, loss, task}. Regression when the data's target is values; binary for two
 * classes; multiclass otherwise.
 */
export function outputFor(summary) {
  if (!summary || !current) return null;
  const task = summary.task_hint === 'regression' ? 'regression' : summary.n_classes === 2 ? 'binary' : 'multiclass';
  const t = nameEntry('tasks', task);
  if (!t) return null;
  const units = { one: 1, class: summary.n_classes, target: summary.k || 1 }[t.output_units];
  return { units, activation: t.output_activation, loss: t.loss, task };
}

/** A hidden layer as the engine adds one ({units, activation, init}). */
export function newHiddenLayer() {
  return { ...(current?.config?.new_hidden_layer ?? {}) };
}
