// Keep the work: download / upload the model JSON and the config, and copy the link that holds
// the run. Uploaded files are parsed in try/catch and checked by the worker before use.
import { el, replace, download } from './dom.js';
import { parseJsonText } from '../json-text.js';
import { createExportControls } from './export.js';

const MAX_CONFIG_BYTES = 1 << 20;
const MAX_MODEL_BYTES = 512 << 20;

export function createFilesPanel(app, root) {
  const status = el('p', { class: 'status-line', testid: 'files-status', role: 'status', 'aria-live': 'polite' });
  const say = (text, bad = false) => {
    status.textContent = text;
    status.className = `status-line${bad ? ' bad' : ''}`;
  };

  const picker = (testid, accept, onFile) => {
    const input = el('input', { type: 'file', accept, class: 'visually-hidden', testid, tabindex: '-1', 'aria-hidden': 'true' });
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      input.value = '';
      if (file) await onFile(file);
    });
    return input;
  };

  const exportModel = el('button', {
    type: 'button', text: 'Download model', testid: 'export-model',
    onclick: async () => {
      try {
        const reply = await app.request({ type: 'export-model' }, 'model');
        download(`mlp-lab-${app.summary?.name || 'model'}.model.json`, reply.json);
        say(`Model saved (${Math.round(reply.json.length / 1024)} KiB of JSON).`);
      } catch (e) {
        say(`No model to save yet: ${e.message}`, true);
      }
    },
  });

  const modelInput = picker('import-model', '.json,application/json', async (file) => {
    if (file.size > MAX_MODEL_BYTES) {
      say(`${file.name} is ${file.size} bytes; model files up to ${MAX_MODEL_BYTES} bytes are read.`, true);
      return;
    }
    const json = await file.text();
    try {
      await app.request({ type: 'import-model', json }, 'model-imported');
      app.modelLoaded = true;
      app.startModel = continueBox.checked ? json : null;
      app.importedModel = json;
      app.emit('model-imported', { name: file.name });
      say(`Loaded ${file.name}: “Try the model” uses it now${continueBox.checked ? ', and the next run starts from its weights' : ''}.`);
    } catch (e) {
      say(`${file.name}: ${e.message}`, true);
    }
  });
  app.on('model-error', (m) => say(m.message, true));
  const { onnxButton, predictSection } = createExportControls(app, say);
  const importModel = el('button', { type: 'button', text: 'Upload model…', onclick: () => modelInput.click() });
  const continueBox = el('input', { type: 'checkbox', id: 'continue-from-model', testid: 'continue-from-model' });
  continueBox.addEventListener('change', () => {
    app.startModel = continueBox.checked ? app.importedModel || null : null;
  });

  const exportConfig = el('button', {
    type: 'button', text: 'Download config', testid: 'export-config',
    onclick: () => {
      download(`mlp-lab-${app.dataRef?.name || 'run'}.config.json`, `${JSON.stringify(app.config, null, 2)}\n`);
      say('Config saved. `mlp-lab train --config FILE` reads the same file.');
    },
  });
  const configInput = picker('import-config', '.json,application/json', async (file) => {
    if (file.size > MAX_CONFIG_BYTES) {
      say(`${file.name} is ${file.size} bytes; config files up to ${MAX_CONFIG_BYTES} bytes are read.`, true);
      return;
    }
    let parsed;
    try {
      parsed = parseJsonText(await file.text());
    } catch (e) {
      say(`${file.name} is not JSON: ${e.message}`, true);
      return;
    }
    // a preset file wraps the config; a config is the object itself
    const config = parsed && typeof parsed === 'object' && !Array.isArray(parsed) && parsed.config && typeof parsed.config === 'object' ? parsed.config : parsed;
    if (!config || typeof config !== 'object' || Array.isArray(config)) {
      say(`${file.name} does not hold a config object.`, true);
      return;
    }
    app.setConfig(() => config, { render: true });
    say(`Loaded ${file.name}; the engine is checking it.`);
  });
  const importConfig = el('button', { type: 'button', text: 'Upload config…', onclick: () => configInput.click() });

  const copyLink = el('button', {
    type: 'button', text: 'Copy link to this run', testid: 'copy-link',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        say('Link copied: opening it reproduces this data set and config.');
      } catch {
        say('Copy the address bar: the link holds the data set and the config.');
      }
    },
  });

  replace(root,
    el('div', { class: 'file-buttons' }, exportModel, onnxButton, importModel, modelInput),
    el('label', { class: 'check small-text', for: 'continue-from-model', style: 'margin-top:6px' }, continueBox, 'Start the next run from the uploaded model’s weights'),
    el('div', { class: 'file-buttons', style: 'margin-top:8px' }, exportConfig, importConfig, configInput, copyLink),
    status,
    predictSection);
}
