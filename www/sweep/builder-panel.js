// Keeps the sweep builder (./builder.js) and the spec's JSON text in step: editing the form
// rewrites the text, editing the text refills the form, and after either the engine checks the
// spec (runner.js specProblem) and its error is shown beside the field its path names.
import { replace } from '../ui/dom.js';
import { parseJsonText } from '../json-text.js';
import { schema } from '../schema.js';
import { createSweepBuilder } from './builder.js';
import { specProblem } from './runner.js';

const CHECK_DELAY_MS = 250;

/** Puts the builder into `box` once the schema is known; returns {build(), fromText(edited)}. */
export function attachBuilder(box, specBox, { onEdit = () => {} } = {}) {
  let builder = null;
  let last = {};
  let timer = 0;
  let checks = 0;

  // The builder's data-check says where the engine's check of the text shown stands:
  // pending, ok or problem.
  const check = () => {
    clearTimeout(timer);
    builder.element.dataset.check = 'pending';
    const n = ++checks;
    timer = setTimeout(async () => {
      const problem = await specProblem(specBox.value).catch((e) => ({ message: e.message }));
      if (n !== checks) return;
      builder.showProblem(problem);
      builder.element.dataset.check = problem ? 'problem' : 'ok';
    }, CHECK_DELAY_MS);
  };

  // `edited`: the user typed the text. Only then (or after a form edit) does the engine check
  // it: the checker is the sweep build of the engine, which a first visit does not download.
  const fromText = (edited = false) => {
    if (!builder) return;
    let spec;
    try {
      spec = parseJsonText(specBox.value);
    } catch {
      if (edited) check(); // the engine names the line and column
      return;
    }
    last = spec && typeof spec === 'object' && !Array.isArray(spec) ? spec : {};
    builder.set(last);
    if (edited) check();
    else {
      ++checks;
      builder.showProblem(null);
      delete builder.element.dataset.check;
    }
  };

  const fromForm = () => {
    last = builder.get(last);
    specBox.value = JSON.stringify(last, null, 2);
    onEdit();
    check();
  };

  const build = () => {
    if (builder || !schema()?.sweep) return;
    builder = createSweepBuilder({ onChange: fromForm });
    replace(box, builder.element);
    fromText();
  };

  specBox.addEventListener('input', () => fromText(true));
  build();
  return { build, fromText };
}
