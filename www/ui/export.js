// Taking the model elsewhere: *Download ONNX* (beside the model JSON) and *Predict a CSV* (a file
// of feature rows → a preview of the predictions and the whole table as CSV, byte for byte what
// `mlp-lab predict` writes for the same model and file). Both run in www/export-worker.js, which
// is started on first use: the ONNX writer lives in its own build (www/pkg-export/).
import { el, replace, download } from './dom.js';

const MAX_CSV_BYTES = 256 << 20;
const PREVIEW_ROWS = 10;

let worker = null;
let nextId = 0;
const pending = new Map();

/** Asks the export worker; resolves with its reply or rejects with an Error carrying its fields. */
function ask(message, transfer = []) {
  if (!worker) {
    worker = new Worker(new URL('../export-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      const waiting = pending.get(data.id);
      pending.delete(data.id);
      if (!waiting) return;
      if (data.error) waiting.reject(Object.assign(new Error(data.error.message), data.error));
      else waiting.resolve(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      for (const waiting of pending.values()) waiting.reject(new Error(`the export engine failed to load: ${event.message || 'see the console'}`));
      pending.clear();
      worker = null;
    };
  }
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, ...message }, transfer);
  });
}

/** `{onnxButton, predictSection}` for the files panel; `say` is its status line. */
export function createExportControls(app, say) {
  const modelJson = async () => (await app.request({ type: 'export-model' }, 'model')).json;
  const baseName = () => `mlp-lab-${app.summary?.name || 'model'}`;

  const onnxButton = el('button', {
    type: 'button', text: 'Download ONNX', testid: 'export-onnx',
    onclick: async () => {
      let json;
      try {
        json = await modelJson();
      } catch (e) {
        say(`No model to export yet: ${e.message}`, true);
        return;
      }
      try {
        const { bytes } = await ask({ type: 'onnx', json });
        download(`${baseName()}.onnx`, bytes, 'application/octet-stream');
        say(`ONNX saved (${Math.round(bytes.length / 1024)} KiB, opset 17): input “input” [N, features], output “output”.`);
      } catch (e) {
        say(`ONNX export failed: ${e.message}`, true);
      }
    },
  });

  return { onnxButton, predictSection: predictControls(modelJson, baseName) };
}

function predictControls(modelJson, baseName) {
  const status = el('p', { class: 'status-line', testid: 'predict-status', role: 'status', 'aria-live': 'polite' });
  const say = (text, bad = false) => {
    status.textContent = text;
    status.className = `status-line${bad ? ' bad' : ''}`;
  };
  const preview = el('div', { class: 'table-scroll' });
  let csv = null;
  let fileName = 'predictions';
  const save = el('button', {
    type: 'button', text: 'Download predictions CSV', testid: 'predictions-download', disabled: true,
    onclick: () => csv !== null && download(`${fileName}.predictions.csv`, csv, 'text/csv'),
  });

  const predict = async (file) => {
    csv = null;
    save.disabled = true;
    replace(preview);
    if (file.size > MAX_CSV_BYTES) {
      say(`${file.name} is ${file.size} bytes; files up to ${MAX_CSV_BYTES} bytes are predicted here (the CLI has no limit).`, true);
      return;
    }
    let json;
    try {
      json = await modelJson();
    } catch (e) {
      say(`No model to predict with yet: ${e.message}`, true);
      return;
    }
    say(`Predicting ${file.name}…`);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { table } = await ask({ type: 'predict-csv', json, name: file.name, bytes, preview: PREVIEW_ROWS }, [bytes.buffer]);
      csv = table.csv;
      fileName = file.name.replace(/\.csv(\.gz)?$/i, '');
      save.disabled = false;
      replace(preview, previewTable(table));
      say(`${table.n} rows predicted; the first ${Math.min(table.n, PREVIEW_ROWS)} are shown. The CSV is what \`mlp-lab predict --kernel portable\` writes.`);
    } catch (e) {
      say(e.message, true);
    }
  };

  const input = el('input', { type: 'file', accept: '.csv,.gz,text/csv', testid: 'predict-csv', 'aria-label': 'CSV file of feature rows to predict' });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) await predict(file);
  });
  const zone = el('div', { class: 'dropzone', text: 'Predict a CSV: drop a file of feature rows (with a header row) here, or choose one: ' }, input);
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) await predict(file);
  });
  return el('div', { class: 'predict-csv' }, zone, status, preview, el('div', { class: 'file-buttons', style: 'margin-top:6px' }, save));
}

function previewTable(table) {
  const rows = table.preview.map((cells) => el('tr', {}, cells.map((c, j) => el('td', { class: j === 0 && table.labels ? '' : 'num', text: c }))));
  return el('table', { class: 'runs', testid: 'predictions-preview' },
    el('thead', {}, el('tr', {}, table.columns.map((c) => el('th', { text: c })))),
    el('tbody', {}, rows));
}
