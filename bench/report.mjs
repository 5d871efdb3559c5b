// The bench page's results as a report: one table row per case (every engine's examples/s and
// the ratios, all from this one run), the targets, and RESULTS.md. Used by bench/run.mjs; the
// quick check (bench/check.mjs) reads the same rows back.

/** Engine (and page-worker count) → the table column holding its examples/s. */
export function column(engine, workers = 1) {
  const base = { mlplab: 'mlplab', 'mlplab-relaxed': 'mlplabRelaxed', 'tfjs-wasm': 'tfjsWasm', 'tfjs-wasm-threads': 'tfjsWasmThreads', 'tfjs-cpu': 'tfjsCpu' }[engine];
  if (!base) throw new Error(`unknown engine ${engine}`);
  return workers === 1 ? base : `${base}${workers}w`;
}

const ratio = (a, b) => (a != null && b ? a / b : null);

/** One row per case: examples/s per column, `missing` (column → why), and the ratios. */
export function tableRows(plan, results) {
  return plan.cases.map((c) => {
    const row = { case: c.name, widths: c.widths.join('-'), batch: c.batch, missing: {} };
    for (const t of results.training.filter((t) => t.case === c.name && t.batch === c.batch && t.widths.join('-') === row.widths)) {
      const col = column(t.engine, t.workers);
      row[col] = t.examplesPerSecond ?? null;
      if (t.error) row.missing[col] = t.error.split('\n')[0];
    }
    row.vsWasm = ratio(row.mlplab, row.tfjsWasm);
    row.vsWasmThreads = ratio(row.mlplab, row.tfjsWasmThreads);
    row.vsCpu = ratio(row.mlplab, row.tfjsCpu);
    for (const w of (c.workers ?? [1]).filter((w) => w > 1)) row[`workersGain${w}w`] = ratio(row[column('mlplab', w)], row.mlplab);
    if ('mlplabRelaxed' in row) row.relaxedGain = ratio(row.mlplabRelaxed, row.mlplab);
    return row;
  });
}

/** The targets of issues #2 and #14, each with its measured value (null when not measured). */
export function targets(plan, results, rows, size) {
  const out = [];
  const target = (name, value, goal, ok, digits = null) => out.push({ name, value: value ?? null, goal, met: value != null && ok(value), digits });
  for (const r of rows) {
    if (r.case === 'mnist') {
      target(`MNIST batch ${r.batch} vs TF.js wasm`, r.vsWasm, '≥ 5×', (v) => v >= 5);
      target(`MNIST batch ${r.batch} vs TF.js cpu`, r.vsCpu, '≥ 20×', (v) => v >= 20);
      if ('mlplab2w' in r) {
        const goal = r.batch >= 128 ? 1.8 : 1;
        target(`MNIST batch ${r.batch}: 2 page workers vs 1`, r.workersGain2w, r.batch >= 128 ? '≥ 1.8×' : '≥ 1× (not slower)', (v) => v >= goal);
      }
      if (r.batch === 512 && 'mlplab2w' in r) {
        const tf = Math.max(r.tfjsWasm ?? 0, r.tfjsWasmThreads ?? 0) || null;
        target('MNIST batch 512, 2 page workers vs the faster TF.js wasm (threads where isolated)', ratio(r.mlplab2w, tf), '≥ 18×', (v) => v >= 18);
      }
    } else if (r.case === 'wide') {
      target('wide 784-1024-1024-10 vs TF.js wasm', r.vsWasm, '≥ 10×', (v) => v >= 10);
    } else if (r.case === 'tiny') {
      const best = Math.max(r.tfjsWasm ?? 0, r.tfjsWasmThreads ?? 0, r.tfjsCpu ?? 0) || null;
      target('tiny 2-8-8-1 vs the fastest TF.js backend', ratio(r.mlplab, best), '≥ 3×', (v) => v >= 3);
    }
  }
  const k0 = results.kernels?.sizes?.[0];
  if (k0) {
    results.kernels.products.forEach((p, i) =>
      target(`${p} ${k0.batch}×${k0.inputs}·${k0.units} in the worker`, k0.gflops[i], '≥ 25 GFLOP/s', (v) => v >= 25),
    );
  }
  const mem = results.memory?.snapshots;
  if (mem) {
    const first = mem.find((s) => s.epoch === 1);
    const last = mem.find((s) => s.epoch === Math.max(...plan.memory.checkpoints));
    if (first && last) target(`wasm memory growth, epoch 1 → ${last.epoch} (bytes)`, last.wasmBytes - first.wasmBytes, '0 B', (v) => v === 0, 0);
  }
  target('wasm size (gzip -9, bytes)', size.gzip, '≤ 300 KB', (v) => v <= 300 * 1024, 0);
  return out;
}

export function buildReport({ machine, size, plan, results, args }) {
  const table = tableRows(plan, results);
  return { machine, size, plan, command: `node bench/run.mjs ${args.join(' ')}`.trim(), results, table, targets: targets(plan, results, table, size) };
}

const fmt = (x, d = 0) => (x == null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

function machineSection({ machine, plan, results, command }) {
  const info = results.info;
  const tfThreads = info.tfjsThreads
    ? info.tfjsThreads.error
      ? `threaded build not measured: ${info.tfjsThreads.error}`
      : `threaded build: ${info.tfjsThreads.threads} threads (WASM_HAS_MULTITHREAD_SUPPORT ${info.tfjsThreads.wasmThreads})`
    : 'threaded build not in this run';
  return [
    '| machine | |', '|---|---|',
    `| CPU | ${machine.nproc} × ${machine.cpu} |`,
    `| browser | headless Chromium ${machine.chromium}, one Web Worker per measurement; page cross-origin isolated: ${info.crossOriginIsolated} |`,
    `| load average (1/5/15 min) | before ${machine.loadBefore.join(' / ')}, after ${machine.loadAfter.join(' / ')}; 1-min during the run: mean ${machine.loadDuring.mean}, max ${machine.loadDuring.max} (${machine.nproc} CPUs) |`,
    `| MLP Lab | ${info.mlplab.version}, ${info.mlplab.gemm}, commit ${machine.git}; browser runs relaxed SIMD: ${info.relaxedSimdSupported} |`,
    `| command | \`${command}\`${plan.quick ? ' (quick: a check that every figure is produced, not a measurement)' : ''} |`,
    `| TensorFlow.js | ${info.tfjs.version}, wasm backend SIMD ${info.tfjs.wasmSimd}, one thread (${info.tfjs.threads}); ${tfThreads} |`,
    `| repeats | median of ${plan.repeats} timed repeats of ≥ ${plan.minRepeatMs} ms after an untimed warm-up |`,
    '',
  ];
}

const TRAINING_NOTE =
  'Adam (lr 0.001), hidden ReLU, softmax + cross-entropy (sigmoid + binary cross-entropy for one output). ' +
  'MLP Lab trains through its page API (`Trainer.step`: shuffling, batch gathering, forward, backward, Adam, epoch ' +
  'bookkeeping) on synthetic MNIST-like images (spirals for the tiny case); TensorFlow.js gets pre-built batch tensors ' +
  'and `optimizer.minimize` on the fused softmax/sigmoid cross-entropy of the logits. Each engine runs in its own worker; ' +
  'the engines\' timed repeats interleave (round r runs every engine once), and the ratios are of medians. ' +
  'Every repeat is in results.json.';

function trainingSection(report) {
  const rows = report.table;
  const has = (col) => rows.some((r) => col in r);
  const cols = [
    ['MLP Lab', 'mlplab', 0], ['MLP Lab 2 workers', 'mlplab2w', 0], ['TF.js wasm', 'tfjsWasm', 0],
    [`TF.js wasm ${report.results.info.tfjsThreads?.threads ?? report.plan.tfjsThreads} threads`, 'tfjsWasmThreads', 0], ['TF.js cpu', 'tfjsCpu', 0],
    ['× TF.js wasm', 'vsWasm', 1], ['× TF.js wasm threads', 'vsWasmThreads', 1], ['× TF.js cpu', 'vsCpu', 1], ['2 workers vs 1', 'workersGain2w', 2],
  ].filter(([, key]) => has(key));
  const md = ['## Training throughput (examples/s)', '', TRAINING_NOTE, ''];
  md.push(`| case | batch | ${cols.map(([h]) => h).join(' | ')} |`, `|---|---:|${cols.map(() => '---:').join('|')}|`);
  for (const r of rows) md.push(`| ${r.case} ${r.widths} | ${r.batch} | ${cols.map(([, k, d]) => fmt(r[k], d)).join(' | ')} |`);
  const missing = rows.flatMap((r) => Object.entries(r.missing).map(([col, why]) => `- ${r.case} ${r.widths} batch ${r.batch}, \`${col}\`: ${why}`));
  if (missing.length) md.push('', 'Not measured:', '', ...missing);
  md.push('');
  if (has('mlplabRelaxed')) {
    md.push('### With relaxed SIMD (`f32x4.relaxed_madd`, a separate build)', '');
    md.push('| case | batch | MLP Lab simd128 | MLP Lab + relaxed-simd | gain |', '|---|---:|---:|---:|---:|');
    for (const r of rows) md.push(`| ${r.case} ${r.widths} | ${r.batch} | ${fmt(r.mlplab)} | ${fmt(r.mlplabRelaxed)} | ${fmt(r.relaxedGain, 2)}× |`);
    md.push('');
  }
  return md;
}

function kernelSection(results) {
  if (!results.kernels) return [];
  const k = results.kernels;
  const md = ['## Matrix products in the worker (GFLOP/s)', '', `A dense layer's three products, batch × inputs → units: ${k.products.join(', ')}.`, ''];
  md.push('| batch × inputs → units | engine | ' + k.products.join(' | ') + ' |', '|---|---|---:|---:|---:|');
  const same = (s) => (x) => x.batch === s.batch && x.inputs === s.inputs && x.units === s.units;
  for (const s of k.sizes) {
    const label = `${s.batch} × ${s.inputs} → ${s.units}`;
    md.push(`| ${label} | MLP Lab | ${s.gflops.map((g) => fmt(g, 1)).join(' | ')} |`);
    const rx = results.kernelsRelaxed?.sizes.find(same(s));
    if (rx) md.push(`| ${label} | MLP Lab + relaxed-simd | ${rx.gflops.map((g) => fmt(g, 1)).join(' | ')} |`);
    const t = results.kernelsTfjs?.sizes.find(same(s));
    if (t) md.push(`| ${label} | TF.js wasm tf.matMul | ${t.gflops.map((g) => fmt(g, 1)).join(' | ')} |`);
  }
  md.push('');
  return md;
}

function memorySection(results) {
  const m = results.memory;
  if (!m) return [];
  const md = [`## Memory over an MNIST-sized run (${m.n} × 784, batch ${m.batch}, MLP Lab)`, ''];
  md.push(`Run on the ${m.thread} (performance.memory, the JS heap figure, exists only there), after a forced GC at each checkpoint. Epoch 0 is after loading the data and building the trainer.`, '');
  md.push('| after epoch | wasm linear memory (B) | JS heap used (B) | seconds |', '|---:|---:|---:|---:|');
  for (const s of m.snapshots) md.push(`| ${s.epoch} | ${fmt(s.wasmBytes)} | ${fmt(s.jsHeapUsed)} | ${fmt(s.seconds, 1)} |`);
  md.push('');
  return md;
}

/** RESULTS.md. */
export function markdown(report) {
  const { machine, size, results } = report;
  const md = ['# MLP Lab benchmark results', '', `Generated by \`node bench/run.mjs\` (\`make bench\`) on ${machine.date}.`, ''];
  md.push(...machineSection(report), ...trainingSection(report), ...kernelSection(results), ...memorySection(results));
  md.push('## Size', '', `\`${size.file}\`: ${fmt(size.raw)} B raw, ${fmt(size.gzip)} B gzip -9.`, '');
  md.push('## Targets', '', '| target | measured | goal | met |', '|---|---:|---|---|');
  for (const t of report.targets) {
    const value = typeof t.value === 'number' ? fmt(t.value, t.digits ?? (Math.abs(t.value) < 100 ? 2 : 0)) : '—';
    md.push(`| ${t.name} | ${value} | ${t.goal} | ${t.met ? 'yes' : '**no**'} |`);
  }
  md.push('');
  return md.join('\n');
}
