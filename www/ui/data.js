// The data panel: named sets (prepared files under data/), the two toy sets the worker generates,
// and the user's own CSV, IDX or CIFAR files (dropped or picked). Shows a summary and, for image
// sets, a grid of samples drawn from the prepared bytes.
import { el, field, select, replace, fmt } from './dom.js';
import { draw as drawSamples } from '../charts/samples.js';
import { fetchPreparedPart } from '../prepared-fetch.js';

export const DATASETS = [
  { id: 'mnist', group: 'Images', label: 'MNIST — handwritten digits (28×28)', file: 'mnist' },
  { id: 'fashion-mnist', group: 'Images', label: 'Fashion-MNIST — clothing (28×28)', file: 'fashion-mnist' },
  {
    id: 'cifar10', group: 'Images', label: 'CIFAR-10 — colour photos (32×32)', file: 'cifar10',
    note: 'Only 1,017 of CIFAR-10’s 10,000 official test images exist here, so data_batch_5 serves as the test split; the partial official test set is not used for the reported numbers.',
  },
  {
    id: 'mnist-full', group: 'Images', label: 'MNIST — all 60,000 training + 10,000 test images', file: 'mnist-full', full: true,
    note: 'The whole of MNIST (about 55 MB to fetch): the set the accuracy targets are measured on.',
  },
  {
    id: 'fashion-mnist-full', group: 'Images', label: 'Fashion-MNIST — all 60,000 + 10,000 images', file: 'fashion-mnist-full', full: true,
    note: 'The whole of Fashion-MNIST (about 55 MB to fetch).',
  },
  {
    id: 'cifar10-full', group: 'Images', label: 'CIFAR-10 — all 50,000 training images', file: 'cifar10-full', full: true,
    note: 'data_batch_1–4 train and data_batch_5 tests (about 155 MB to fetch); only 1,017 of the 10,000 official test images exist here, reported separately.',
  },
  { id: 'digits', group: 'Images', label: 'Digits — scikit-learn 8×8', file: 'digits' },
  { id: 'breast-cancer', group: 'Tables', label: 'Breast cancer — malignant or benign (binary)', file: 'breast-cancer' },
  {
    id: 'breast-cancer-area', group: 'Tables', label: 'Breast cancer — regress `mean area`', file: 'breast-cancer', target: 'mean area',
    note: 'Regression of the `mean area` column from the other 29 features; the diagnosis is left out.',
  },
  { id: 'diabetes', group: 'Tables', label: 'Diabetes — disease progression (regression)', file: 'diabetes' },
  { id: 'iris', group: 'Tables', label: 'Iris — three species', file: 'iris' },
  { id: 'wine', group: 'Tables', label: 'Wine — three cultivars', file: 'wine' },
  { id: 'spirals', group: 'Toy 2-D', label: 'Spirals (generated)', toy: true, defaults: { n: 600, noise: 0.05, seed: 1 } },
  { id: 'circles', group: 'Toy 2-D', label: 'Circles (generated)', toy: true, defaults: { n: 500, noise: 0.08, seed: 1 } },
  { id: 'custom', group: 'Your data', label: 'Your file — CSV, IDX or CIFAR .bin', custom: true },
];
const SAMPLE_COUNT = 24;
const TEST_EXAMPLES = 12;
const MAX_USER_FILE = 256 << 20;

/** A preset file from presets/ ({dataset, title, note, config, data?}). */
export async function loadPreset(file) {
  const res = await fetch(`presets/${encodeURIComponent(file)}`);
  if (!res.ok) throw new Error(`preset ${file}: HTTP ${res.status}`);
  return res.json();
}

// ---------------------------------------------------------------------------------------------
// The prepared binary format ("MLPD" v1, see src/data/prepared.rs)

/** Decodes an MLPD file: {n, d, k, realTargets, feature(i, j), rowFeatures(i), target(i)}. */
export function decodePrepared(buffer) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  if (bytes.length < 16 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'MLPD') throw new Error('not an MLPD file (bad magic)');
  if (bytes[4] !== 1) throw new Error(`MLPD version ${bytes[4]} is not supported`);
  const kind = bytes[5];
  const f32 = (kind & 1) !== 0;
  const real = (kind & 2) !== 0;
  const k = view.getUint16(6, true);
  const n = view.getUint32(8, true);
  const d = view.getUint32(12, true);
  const featBytes = n * d * (f32 ? 4 : 1);
  const tOff = 16 + featBytes;
  const labelWidth = real ? 4 * k : k <= 256 ? 1 : 4;
  if (bytes.length < tOff + n * labelWidth) throw new Error(`MLPD file too short: ${bytes.length} bytes for ${n}×${d}`);
  const feature = f32 ? (i, j) => view.getFloat32(16 + (i * d + j) * 4, true) : (i, j) => bytes[16 + i * d + j] / 255;
  const rowFeatures = (i) => {
    const out = new Float32Array(d);
    for (let j = 0; j < d; j++) out[j] = feature(i, j);
    return out;
  };
  const target = (i) => {
    if (real) return Array.from({ length: k }, (_, c) => view.getFloat32(tOff + (i * k + c) * 4, true));
    return k <= 256 ? bytes[tOff + i] : view.getUint32(tOff + i * 4, true);
  };
  return { n, d, k, real, feature, rowFeatures, target };
}

/** The worker's source for a prepared set; with `target`, the engine regresses that feature column. */
export function preparedSource(spec, train, test, manifest) {
  const source = { kind: 'prepared', name: spec.file, train, test, manifest };
  return spec.target ? { ...source, name: spec.id, file: spec.file, target: spec.target } : source;
}

// ---------------------------------------------------------------------------------------------

export function createDataPanel(app, root) {
  const groups = [...new Set(DATASETS.map((d) => d.group))];
  const datasetSelect = el('select', { testid: 'dataset-select' },
    groups.map((g) => el('optgroup', { label: g }, DATASETS.filter((d) => d.group === g).map((d) => el('option', { value: d.id, text: d.label })))));
  const presetSelect = select([['', '— choose a preset —'], ...app.presets.map((p) => [p.file, p.title])], '', { testid: 'preset-select' });
  const toyBox = el('div', { class: 'fields', hidden: true });
  const customBox = el('div', { hidden: true });
  const status = el('p', { class: 'status-line', testid: 'data-status', role: 'status', 'aria-live': 'polite' });
  const note = el('p', { class: 'note', testid: 'data-note', hidden: true });
  const summaryBox = el('div', { class: 'summary', testid: 'data-summary' });
  const samples = el('canvas', { class: 'samples', testid: 'samples', role: 'img', 'aria-label': 'Sample images from the data set', hidden: true });

  replace(root,
    el('div', { class: 'fields' },
      field('Data set', datasetSelect, { wide: true }),
      field('Preset (a starting point)', presetSelect, { wide: true })),
    toyBox, customBox, note, status, summaryBox, samples);

  const say = (text, bad = false) => {
    replace(status, ...(Array.isArray(text) ? text : [text]));
    status.className = `status-line${bad ? ' bad' : ''}`;
  };

  let sampleData = null;
  new ResizeObserver(() => { if (sampleData && !samples.hidden) drawSamples(samples, sampleData, {}); }).observe(samples);

  const setSamples = (data) => {
    sampleData = data;
    samples.hidden = !data;
    if (data) requestAnimationFrame(() => drawSamples(samples, data, {}));
  };

  // --- presets ---------------------------------------------------------------------------------
  async function applyPreset(file, { switchData = true } = {}) {
    const preset = await loadPreset(file);
    presetSelect.value = file;
    app.setConfig(() => structuredClone(preset.config), { render: true });
    app.emit('run-message', { text: `Preset “${preset.title}”: ${preset.note}`, bad: false });
    if (switchData && preset.dataset && preset.dataset !== app.dataRef?.name) {
      await choose(preset.dataset, { applyPreset: false, toy: preset.data });
    }
    return preset;
  }
  presetSelect.addEventListener('change', () => {
    if (presetSelect.value) applyPreset(presetSelect.value).catch((e) => say(e.message, true));
  });

  datasetSelect.addEventListener('change', () => choose(datasetSelect.value, { applyPreset: true }));

  // --- choosing a set --------------------------------------------------------------------------
  /**
   * Shows and loads the set `id`. A run in progress is stopped first (it is saved, with its
   * weights, as stopped); the last run's readouts and curves go unless `keepRun`.
   */
  async function choose(id, { applyPreset: withPreset = false, toy, keepRun = false } = {}) {
    const spec = DATASETS.find((d) => d.id === id);
    if (!spec) {
      say(`Unknown data set “${id}”.`, true);
      return;
    }
    const gen = app.newDataChoice();
    datasetSelect.value = id;
    toyBox.hidden = !spec.toy;
    customBox.hidden = !spec.custom;
    note.hidden = !spec.note;
    note.textContent = spec.note || '';
    if (withPreset) {
      const preset = app.presets.find((p) => p.dataset === id);
      if (preset) {
        const full = await applyPreset(preset.file, { switchData: false }).catch((e) => say(e.message, true));
        if (full?.data && !toy) toy = full.data;
      } else presetSelect.value = '';
      if (gen !== app.dataGen) return; // another choice came while the preset was fetched
    }
    if (spec.toy) {
      const params = { ...spec.defaults, ...(toy || {}) };
      app.setDataRef({ name: id, ...params });
      renderToy(spec, params);
      await loadToy(id, params, { keepRun });
    } else if (spec.custom) {
      app.setDataRef({ name: 'custom' });
      renderCustom();
      await clearData('Drop a file or pick one: CSV with a header row, an IDX images + labels pair, or CIFAR-10 .bin batches.', false, { keepRun });
    } else {
      app.setDataRef({ name: id });
      await loadPrepared(spec, { keepRun });
    }
  }

  /** No data any more (the user's file is still to come, or was empty): Start waits for data. */
  async function clearData(text, bad, { keepRun = false } = {}) {
    app.newDataChoice(); // empties app.summary
    await app.stopRun('the data set changed');
    app.testExamples = null;
    replace(summaryBox);
    setSamples(null);
    say(text, bad);
    if (!keepRun) app.clearRun();
  }

  /** Restores the data part of a link; unknown names fall back to MNIST. */
  async function restore(ref, { keepRun = false } = {}) {
    const id = ref && typeof ref.name === 'string' && DATASETS.some((d) => d.id === ref.name) ? ref.name : 'mnist';
    const toy = ref && DATASETS.find((d) => d.id === id)?.toy
      ? { n: numberOr(ref.n, undefined), noise: numberOr(ref.noise, undefined), seed: numberOr(ref.seed, undefined) }
      : undefined;
    if (toy) for (const k of Object.keys(toy)) if (toy[k] === undefined) delete toy[k];
    await choose(id, { applyPreset: false, toy, keepRun });
    if (id === 'custom') say('This link was made with a file of its own: drop the same file here to reproduce the run.');
  }

  // --- prepared sets ---------------------------------------------------------------------------
  async function loadPrepared(spec, { keepRun = false } = {}) {
    const seq = app.newDataChoice();
    setSamples(null);
    replace(summaryBox);
    say(`Loading ${spec.label}…`);
    let manifest;
    try {
      const res = await fetch(`data/${spec.file}.json`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      manifest = await res.json();
    } catch {
      if (seq !== app.dataGen) return;
      say([
        `The prepared files for this set are not on the server (data/${spec.file}.json). Add them: run `,
        el('code', { text: 'make serve' }), ' with ../shared/data present, or ',
        el('code', { text: `mlp-lab prepare-data --data-dir DIR${spec.full ? ' --full' : ''}` }),
        ` (writes www/data/${spec.full ? '; the full sets are only written with --full, or by make data FULL=1' : ''}). Meanwhile the toy sets and your own files work.`,
      ], true);
      return;
    }
    try {
      const train = await fetchPreparedPart(manifest.train);
      const test = manifest.test ? await fetchPreparedPart(manifest.test) : null;
      if (seq !== app.dataGen) return;
      const names = manifest.class_names || [];
      const shape = manifest.image_shape || null;
      const layout = manifest.pixel_layout && /chw|planar/i.test(manifest.pixel_layout) ? 'chw' : (shape && shape[2] === 3 ? 'chw' : 'hwc');
      const trainDec = decodePrepared(train);
      const testDec = test ? decodePrepared(test) : null;
      const label = (dec, i) => (dec.real ? fmt(dec.target(i)[0]) : names[dec.target(i)] ?? String(dec.target(i)));
      const from = testDec || trainDec;
      app.testExamples = spec.target ? null : Array.from({ length: Math.min(TEST_EXAMPLES, from.n) }, (_, i) => ({
        features: from.rowFeatures(spreadIndex(i, TEST_EXAMPLES, from.n)),
        label: label(from, spreadIndex(i, TEST_EXAMPLES, from.n)),
      }));
      app.imageLayout = layout;
      if (shape) {
        setSamples({
          images: Array.from({ length: Math.min(SAMPLE_COUNT, trainDec.n) }, (_, i) => {
            const r = spreadIndex(i, SAMPLE_COUNT, trainDec.n);
            return { pixels: trainDec.rowFeatures(r), label: label(trainDec, r) };
          }),
          shape,
          layout,
        });
      }
      const source = preparedSource(spec, train, test || undefined, JSON.stringify(manifest));
      app.pendingManifest = manifest;
      say(`Sending ${spec.label} to the engine…`);
      await sendToWorker(source, [train, ...(test ? [test] : [])], { keepRun, gen: seq });
      if (seq !== app.dataGen) return;
      const rows = manifest.train && manifest.train.of > manifest.train.n
        ? `a subset of ${manifest.train.n.toLocaleString('en-US')} of ${manifest.train.of.toLocaleString('en-US')} training rows`
        : `${manifest.train?.n?.toLocaleString('en-US') ?? '?'} rows`;
      const about = spec.target ? `the ${spec.target} column is the target` : manifest.note;
      say(`Loaded ${rows}${about ? ` (${about})` : ''}.`);
    } catch (e) {
      if (seq !== app.dataGen) return;
      say(`Could not load ${spec.label}: ${e.message}`, true);
    }
  }

  // --- toy sets --------------------------------------------------------------------------------
  function renderToy(spec, params) {
    const num = (key, label, step, min, max) => {
      const input = el('input', { type: 'number', step, min, max, value: params[key], testid: `toy-${key}` });
      return { input, node: field(label, input) };
    };
    const n = num('n', 'Points', 50, 20, 100000);
    const noise = num('noise', 'Noise', 0.01, 0, 2);
    const seed = num('seed', 'Data seed', 1, 0);
    const go = el('button', {
      type: 'button', text: 'Regenerate', testid: 'toy-regenerate',
      onclick: () => {
        const p = { n: Number(n.input.value) || spec.defaults.n, noise: Number(noise.input.value) || 0, seed: Math.max(0, Math.round(Number(seed.input.value) || 0)) };
        app.setDataRef({ name: spec.id, ...p });
        loadToy(spec.id, p);
      },
    });
    replace(toyBox, n.node, noise.node, seed.node, el('div', { class: 'field', style: 'justify-content:end' }, go));
  }

  async function loadToy(id, params, { keepRun = false } = {}) {
    const gen = app.newDataChoice();
    app.testExamples = null;
    setSamples(null);
    say(`Generating ${params.n} points…`);
    await sendToWorker({ kind: 'toy', name: id, n: params.n, noise: params.noise, seed: params.seed }, [], { keepRun, gen });
  }

  // --- the user's own files ------------------------------------------------------------------
  const csvState = { text: null, name: null, header: [] };
  function renderCustom() {
    const input = el('input', { type: 'file', multiple: true, testid: 'file-input', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true', accept: '.csv,.txt,.gz,.bin,.idx,.idx1-ubyte,.idx3-ubyte,*' });
    const pick = el('button', { type: 'button', text: 'Choose files…', onclick: () => input.click() });
    const zone = el('div', { class: 'dropzone', testid: 'dropzone', tabindex: '0', role: 'button', 'aria-label': 'Drop files here or press Enter to choose files' },
      'Drop a CSV, an IDX images + labels pair, or CIFAR-10 .bin batches here', el('br'), pick, input);
    zone.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      handleFiles([...(e.dataTransfer?.files || [])]);
    });
    input.addEventListener('change', () => {
      handleFiles([...(input.files || [])]);
      input.value = '';
    });
    const csvBox = el('div', { class: 'fields', testid: 'csv-options', hidden: true });
    replace(customBox, zone, csvBox);
    customBox.csvBox = csvBox;
  }

  async function handleFiles(files) {
    if (files.length === 0) return;
    const big = files.find((f) => f.size > MAX_USER_FILE);
    if (big) {
      say(`${big.name} is ${big.size} bytes; files up to ${MAX_USER_FILE} bytes are read.`, true);
      return;
    }
    const gen = app.newDataChoice();
    app.testExamples = null;
    setSamples(null);
    const lower = (f) => f.name.toLowerCase();
    const csv = files.find((f) => /\.(csv|txt|tsv)(\.gz)?$/.test(lower(f)));
    const cifar = files.filter((f) => /\.bin$/.test(lower(f)) && !/idx/.test(lower(f)));
    const idxFiles = files.filter((f) => /idx|ubyte/.test(lower(f)));
    try {
      if (csv) {
        await openCsv(csv, gen);
      } else if (idxFiles.length >= 2) {
        const kindOf = async (f) => {
          const head = new Uint8Array(await f.slice(0, 4).arrayBuffer());
          // gzip: decide by name; raw: byte 3 is the number of dimensions (1 = labels, 3 = images)
          if (head[0] === 0x1f && head[1] === 0x8b) return /label/i.test(f.name) ? 'labels' : 'images';
          return head[3] === 1 ? 'labels' : 'images';
        };
        const kinds = await Promise.all(idxFiles.map(kindOf));
        const pairs = idxFiles.map((f, i) => ({ f, kind: kinds[i], test: /t10k|test/i.test(f.name) }));
        const find = (kind, test) => pairs.find((p) => p.kind === kind && p.test === test)?.f;
        const [trainImages, trainLabels] = [find('images', false), find('labels', false)];
        const [t10kImages, t10kLabels] = [find('images', true), find('labels', true)];
        const images = trainImages || t10kImages;
        const labels = trainLabels || t10kLabels;
        if (!images || !labels) throw new Error('an IDX set needs an images file and a labels file');
        const testImages = trainImages && trainLabels ? t10kImages : undefined;
        const testLabels = trainImages && trainLabels ? t10kLabels : undefined;
        const buffers = await Promise.all([images, labels, testImages, testLabels].map((f) => f?.arrayBuffer()));
        const name = images.name.replace(/[-_.]?(train|t10k).*$/i, '') || 'idx';
        const source = { kind: 'idx', name, images: buffers[0], labels: buffers[1] };
        if (buffers[2] && buffers[3]) Object.assign(source, { test_images: buffers[2], test_labels: buffers[3] });
        say(`Reading ${files.map((f) => f.name).join(', ')}…`);
        const ok = await sendToWorker(source, buffers.filter(Boolean), { gen });
        if (gen !== app.dataGen) return;
        app.setDataRef({ name: 'custom', file: images.name });
        if (ok) await showEngineSamples(gen);
      } else if (cifar.length >= 1) {
        const test = cifar.filter((f) => /test/i.test(f.name));
        const train = cifar.filter((f) => !/test/i.test(f.name));
        const batches = await Promise.all((train.length ? train : test).map((f) => f.arrayBuffer()));
        const testBatches = train.length && test.length ? await Promise.all(test.map((f) => f.arrayBuffer())) : undefined;
        say(`Reading ${cifar.length} CIFAR batch file(s)…`);
        const ok = await sendToWorker({ kind: 'cifar', name: 'cifar-upload', batches, test_batches: testBatches }, [...batches, ...(testBatches || [])], { gen });
        if (gen !== app.dataGen) return;
        app.setDataRef({ name: 'custom', file: cifar[0].name });
        if (ok) await showEngineSamples(gen);
      } else {
        throw new Error(`${files.map((f) => f.name).join(', ')}: expected a .csv file, an IDX images + labels pair, or CIFAR .bin batches`);
      }
    } catch (e) {
      say(e.message, true);
    }
  }

  /** Reads the CSV the user picked (their choice `gen`) and loads it with the likely target. */
  async function openCsv(file, gen) {
    let text;
    if (/\.gz$/i.test(file.name)) {
      if (typeof DecompressionStream === 'undefined') throw new Error(`${file.name}: this browser cannot decompress gzip; unzip it first`);
      text = await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text();
    } else {
      text = await file.text();
    }
    if (gen !== app.dataGen) return; // the user chose something else while it was read
    if (!text.trim()) {
      // Nothing to read: forget the last file's columns too, so nothing stale can be loaded.
      csvState.text = null;
      csvState.name = null;
      csvState.header = [];
      replace(customBox.csvBox);
      customBox.csvBox.hidden = true;
      await clearData(`${file.name} is empty: it has no header row and no data. Pick a CSV with a header row and at least one data row.`, true);
      return;
    }
    const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length).replace(/\r$/, '');
    const header = splitCsvLine(firstLine);
    csvState.text = text;
    csvState.name = file.name;
    csvState.header = header;
    // features must be numbers: a column of words is the likely target, else the last column
    const lines = text.split('\n', 12).slice(1).filter((l) => l.trim());
    const words = header.filter((_, j) => lines.some((l) => {
      const cell = splitCsvLine(l.replace(/\r$/, ''))[j] ?? '';
      return cell !== '' && !Number.isFinite(Number(cell));
    }));
    const guess = words.length === 1 ? words[0] : header[header.length - 1];
    const target = select(header.map((h, i) => [h, h || `column ${i + 1}`]), guess, { testid: 'csv-target' });
    const task = select([['', 'auto'], ['multiclass', 'classes'], ['regression', 'values']], '', { testid: 'csv-task' });
    const load = el('button', { type: 'button', class: 'primary', text: 'Use this target', testid: 'csv-load', onclick: () => sendCsv(target.value, task.value) });
    const box = customBox.csvBox;
    replace(box,
      el('p', { class: 'info wide field', text: `${file.name}: ${header.length} columns. Pick the column to predict; the others are the features.` }),
      field('Target column', target),
      field('Target holds', task),
      el('div', { class: 'field', style: 'justify-content:end' }, load));
    box.hidden = false;
    await sendCsv(target.value, task.value, gen);
  }

  /** Loads the open CSV with `target`: a new choice of data, unless it is part of the choice `gen`. */
  async function sendCsv(target, task, gen = app.newDataChoice()) {
    if (!csvState.text) {
      say('Drop or pick a CSV file first.', true);
      return;
    }
    say(`Reading ${csvState.name} with target “${target}”…`);
    const source = { kind: 'csv', name: csvState.name.replace(/\.(csv|txt|tsv)(\.gz)?$/i, ''), text: csvState.text, target };
    if (task) source.task = task;
    await sendToWorker(source, [], { gen });
    if (gen === app.dataGen) app.setDataRef({ name: 'custom', file: csvState.name, target });
  }

  /**
   * Posts load-data for the choice `gen` and waits for its answer: true when the worker took the
   * data and the user chose nothing else meanwhile (a choice overtaken before it is sent is not). A run in progress is stopped first, and only
   * once its end is recorded (final weights, test metrics: requests the worker answers before the
   * load frees the trainer) does the load go out.
   */
  /** Sample images of the set the engine just read (an upload), unless the user has moved on. */
  async function showEngineSamples(gen) {
    const reply = await app.request({ type: 'samples', id: app.id(), count: SAMPLE_COUNT }, 'samples');
    if (gen === app.dataGen) setSamples(reply.samples);
  }

  async function sendToWorker(source, transfer, { keepRun = false, gen }) {
    await app.stopRun('the data set changed');
    const ok = await app.loadData(source, transfer, gen);
    if (ok && !keepRun) app.clearRun();
    return ok;
  }

  app.on('data-loaded', (s) => {
    const rows = [
      ['Name', s.name],
      ['Rows', `${s.n.toLocaleString('en-US')} for training and validation`],
      ['Test rows', s.test_n ? s.test_n.toLocaleString('en-US') : 'none — carved out by the test split'],
      ['Features', s.image_shape ? `${s.d} (${s.image_shape.join('×')} image)` : String(s.d)],
      ['Target', s.task_hint === 'regression' ? 'real values (regression)' : `${s.n_classes} classes${s.class_names?.length ? `: ${s.class_names.slice(0, 10).join(', ')}${s.class_names.length > 10 ? ', …' : ''}` : ''}`],
    ];
    replace(summaryBox, el('dl', {}, rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])));
    if ((status.classList.contains('bad') || /…$/.test(status.textContent))) say('Loaded.');
  });
  app.on('data-error', (m) => say(m.message, true));

  return { choose, restore };
}

function spreadIndex(i, count, n) {
  return count >= n ? i : Math.floor((i * n) / count);
}

function numberOr(v, fallback) {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** One CSV header line into cells (quotes honoured). */
function splitCsvLine(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  out.push(cur.trim());
  return out;
}
