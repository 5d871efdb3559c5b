// Fuzzes the URL-hash run parser (www/hash.js) for a set time: random hashes and mutations of
// valid ones (at the text, base64 and JSON level). decodeRun's contract: it never throws; it
// returns exactly one of {} (no run in the hash), {error: non-empty string} or
// {run: {data: plain object | null, config: plain object}}; encodeRun → decodeRun gives the run
// back. When the engine is built (www/pkg), every decoded config also goes through the page's
// own validation (validate_config), which must answer with a list — valid, or problems that each
// name a message — never throw: that is how the page says an invalid config is invalid.
//
//   node fuzz/hash.fuzz.mjs [--seconds 120] [--seed N]
//   node fuzz/hash.fuzz.mjs --malformed     prints the Markdown rows "malformed hash → answer"
//
// Prints one summary line (JSON) with executions and failures; exits 1 on the first failure,
// after writing the offending hash to fuzz/artifacts/hash/.

import { readFileSync, readdirSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { decodeRun, encodeRun } = await import(join(root, 'www/hash.js'));

const args = process.argv.slice(2);

if (args.includes('--malformed')) {
  const b64 = (text) => Buffer.from(text).toString('base64url');
  const cases = [
    ['`#run=` with nothing after it', '#run='],
    ['`#run=%%%` (not base64)', '#run=%%%'],
    ['`#run=!!!!` (not base64)', '#run=!!!!'],
    ['base64 of bytes that are not UTF-8', `#run=${Buffer.from([0xff, 0xfe, 0x80]).toString('base64url')}`],
    ['base64 of `{"config": ` (cut JSON)', `#run=${b64('{"config": ')}`],
    ['base64 of `[1, 2]` (an array)', `#run=${b64('[1, 2]')}`],
    ['base64 of `{"data": {}}` (no config)', `#run=${b64('{"data": {}}')}`],
    ['base64 of `{"config": [1]}` (config is an array)', `#run=${b64('{"config": [1]}')}`],
    ['200,001 characters of run', `#run=${'A'.repeat(200_001)}`],
    ['`#other=1` (no run)', '#other=1'],
  ];
  for (const [input, hash] of cases) {
    const out = decodeRun(hash);
    const answer = out.error ?? (out.run ? `(a run; config ${JSON.stringify(out.run.config)})` : '(no run: {})');
    console.log(`| URL hash (www/hash.js) | ${input.replace(/\|/g, '\\|')} | ${answer.replace(/\|/g, '\\|')} |`);
  }
  process.exit(0);
}
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const seconds = arg('seconds', 120);
const seed = arg('seed', Date.now() % 2 ** 31);
if (!(seconds > 0) || !Number.isInteger(seed)) {
  console.error('usage: node fuzz/hash.fuzz.mjs [--seconds S > 0] [--seed INTEGER]');
  process.exit(2);
}

// mulberry32: small, seedable, so a failure reproduces with --seed.
let state = seed >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (list) => list[int(list.length)];

let validate = null;
const pkg = join(root, 'www/pkg');
if (existsSync(join(pkg, 'mlp_lab_bg.wasm'))) {
  const engine = await import(join(pkg, 'mlp_lab.js'));
  await engine.default({ module_or_path: readFileSync(join(pkg, 'mlp_lab_bg.wasm')) });
  validate = engine.validate_config;
} else {
  console.error('note: www/pkg is not built (make wasm); decoded configs are not validated by the engine');
}

function validRuns() {
  const dir = join(root, 'www/presets');
  const runs = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .filter((p) => p.config)
    .map((p) => ({ data: { name: p.dataset }, config: p.config }));
  runs.push({ data: null, config: { layers: [{ units: 2, activation: 'softmax' }], note: 'ünïcødé ✓ 😀' } });
  runs.push({ data: { name: 'own', file: 'a&b=c#d.csv' }, config: {} });
  return runs;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NOISE = [...B64, '=', '&', '#', '%', '+', '/', ' ', '%zz', '%00', 'run=', '\u0000', 'é', '😀', '\ud800'];
const JSON_BITS = ['{', '}', '[', ']', '"', ':', ',', 'null', 'true', '1e999', '-0', '"config"', '"data"', '"layers"', '\\u0000', '\\ud800', '__proto__'];

function mutateText(s, alphabet) {
  const chars = [...s];
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const at = int(chars.length + 1);
    switch (int(5)) {
      case 0: chars.splice(at, 1); break;
      case 1: chars.splice(at, 0, pick(alphabet)); break;
      case 2: chars[at] = pick(alphabet); break;
      case 3: chars.length = at; break;
      default: chars.splice(at, int(8), ...chars.slice(int(chars.length), int(chars.length) + int(8)));
    }
  }
  return chars.join('');
}

function toBase64Url(bytes) {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomHash(runs) {
  const run = pick(runs);
  const good = encodeRun(run);
  const json = JSON.stringify(run);
  switch (int(9)) {
    case 0: return good;
    case 1: return mutateText(good, NOISE);
    case 2: return `#run=${toBase64Url(new TextEncoder().encode(mutateText(json, JSON_BITS)))}`;
    case 3: return `#run=${toBase64Url(Uint8Array.from({ length: int(64) }, () => int(256)))}`;
    case 4: return Array.from({ length: int(40) }, () => pick(NOISE)).join('');
    case 5: return `#x=1&${good.slice(1)}&run=${int(2) ? 'AAAA' : ''}`;
    case 6: {
      const depth = 1 + int(20000);
      return `#run=${toBase64Url(new TextEncoder().encode(`{"config":${'['.repeat(depth)}${']'.repeat(int(2) ? depth : 0)}}`))}`;
    }
    case 7: {
      const value = { data: pick([null, 1, 'x', [], { name: 'digits' }]), config: pick([null, 0, 'c', [], {}, run.config]) };
      return `#run=${toBase64Url(new TextEncoder().encode(JSON.stringify(value)))}`;
    }
    default: return `#run=${'A'.repeat(199_990 + int(20))}`;
  }
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Returns what is wrong with decodeRun's answer to `hash`, or null.
function check(hash, runs) {
  let out;
  try {
    out = decodeRun(hash);
  } catch (e) {
    return `decodeRun threw ${e?.name}: ${e?.message}`;
  }
  if (!isPlainObject(out)) return `decodeRun returned ${typeof out}, not an object`;
  const keys = Object.keys(out);
  if (keys.length === 0) return null;
  if (keys.length !== 1) return `decodeRun returned several keys: ${keys.join(', ')}`;
  if (keys[0] === 'error') return typeof out.error === 'string' && out.error.length > 0 ? null : 'an error that is not a non-empty string';
  if (keys[0] !== 'run') return `decodeRun returned an unknown key ${keys[0]}`;
  const { run } = out;
  if (!isPlainObject(run) || !isPlainObject(run.config)) return 'a run without a config object';
  if (!(run.data === null || isPlainObject(run.data))) return 'a run whose data is neither null nor an object';
  const original = runs.find((r) => encodeRun(r) === hash);
  if (original && !isDeepStrictEqual(run, original)) return 'encodeRun → decodeRun did not give the run back';
  if (validate) {
    let problems;
    try {
      problems = validate(run.config);
    } catch (e) {
      return `validate_config threw on a decoded config: ${e?.message}`;
    }
    if (!Array.isArray(problems)) return 'validate_config did not answer with a list';
    if (problems.some((p) => typeof p.message !== 'string' || !p.message)) return 'a config problem without a message';
  }
  return null;
}

const runs = validRuns();
const started = Date.now();
let executions = 0;
let decodedRuns = 0;
let errors = 0;
let failure = null;
while (Date.now() - started < seconds * 1000) {
  const hash = randomHash(runs);
  const problem = check(hash, runs);
  executions++;
  if (problem) {
    failure = { problem, hash };
    break;
  }
  const out = decodeRun(hash);
  if (out.run) decodedRuns++;
  if (out.error) errors++;
}
const summary = {
  target: 'hash',
  seconds: Math.round((Date.now() - started) / 1000),
  seed,
  executions,
  decoded_runs: decodedRuns,
  errors_reported: errors,
  engine_validation: Boolean(validate),
  failures: failure ? 1 : 0,
};
console.log(JSON.stringify(summary));
if (failure) {
  const dir = join(root, 'fuzz/artifacts/hash');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `failure-seed-${seed}.txt`);
  writeFileSync(file, `${failure.problem}\n${failure.hash}\n`);
  console.error(`FAIL: ${failure.problem}\n  hash (${failure.hash.length} chars) written to ${file}`);
  process.exit(1);
}
