// A report as files: Markdown (setup, final-metric table, findings), CSV (one row per run) and a
// standalone HTML page (the same text, every string escaped, charts embedded as data: PNGs).
// CSV cells are the runs export's (www/store/record.js): quoted as needed, and text starting with
// = + - @ or a tab or CR is prefixed with ' so a spreadsheet does not run it as a formula.
import { csvCell } from '../store/record.js';

function pct(metric, x) {
  if (!Number.isFinite(x)) return '–';
  return /accuracy/.test(metric) ? `${(x * 100).toFixed(2)}%` : x.toPrecision(4);
}

function pm(metric, m, s) {
  return `${pct(metric, m)} ± ${pct(metric, s)}`;
}

/** The final-metric table as rows of cells (header first). */
export function tableRows(report) {
  const head = [report.what, 'runs', `final ${report.metric} (mean ± sd)`, 'final val_loss (mean ± sd)', 'test accuracy (mean ± sd)', 'seconds per run'];
  const rows = report.groups.map((g) => [
    g.value,
    `${g.ok.length}${g.failed ? ` (+${g.failed} failed)` : ''}`,
    pm(report.metric, g.mean, g.sd),
    Number.isFinite(g.valLoss.mean) ? `${g.valLoss.mean.toPrecision(4)} ± ${g.valLoss.sd.toPrecision(2)}` : '–',
    g.test ? pm('accuracy', g.test.mean, g.test.sd) : '–',
    Number.isFinite(g.seconds) ? g.seconds.toFixed(1) : '–',
  ]);
  return [head, ...rows];
}

/** Text for Markdown: no raw HTML gets through to a renderer. */
function mdText(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function mdCell(s) {
  return mdText(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** "Best run: trial 9 (hidden_activation = relu, seed 1), val_accuracy 96.50%, test accuracy 93.70%." */
export function bestLine(report) {
  const b = report.best;
  if (!b) return 'No run finished with a metric.';
  const test = b.testMetrics?.accuracy !== undefined ? `, test accuracy ${pct('accuracy', b.testMetrics.accuracy)}` : '';
  return `Best run: trial ${b.id} (${report.param} = ${b.record.params[report.param]}, seed ${b.record.params.seed}), ` +
    `${report.metric} ${pct(report.metric, b.record.metric)}${test}.`;
}

export function toMarkdown(report, setup) {
  const [head, ...rows] = tableRows(report);
  const lines = [
    `# ${mdText(report.title)}: ${mdText(setup.dataset)}`,
    '',
    mdText(setup.description),
    '',
    `| ${head.map(mdCell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
    '',
    '## Findings',
    '',
    ...report.findings.map((f) => `- ${mdCell(f)}`),
    '',
  ];
  if (report.best) {
    const b = report.best;
    lines.push(mdText(bestLine(report)), '');
    if (b.confusion) {
      const names = b.confusion.class_names?.length ? b.confusion.class_names : b.confusion.matrix.map((_, i) => String(i));
      lines.push(`Confusion matrix of the best run (${b.confusion.split} split; rows true, columns predicted):`, '');
      lines.push(`| true \\ predicted | ${names.map(mdCell).join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`);
      b.confusion.matrix.forEach((row, i) => lines.push(`| ${mdCell(names[i])} | ${row.join(' | ')} |`));
      lines.push('');
    }
  }
  return lines.join('\n');
}

export function toCsv(report) {
  const head = ['trial', report.param, 'seed', 'status', report.metric, 'val_loss', 'test_accuracy', 'epochs', 'seconds', 'message'];
  const lines = [head.join(',')];
  for (const g of report.groups) {
    for (const t of g.runs) {
      const last = t.history[t.history.length - 1] || {};
      lines.push([t.id, g.value, t.record.params.seed, t.record.status, t.record.metric, last.val_loss, t.testMetrics?.accuracy,
        t.record.epochs, t.record.seconds, t.record.message].map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** images: [{title, dataUrl}] — PNGs of the report's canvases. */
export function toHtml(report, setup, images) {
  const [head, ...rows] = tableRows(report);
  const e = escapeHtml;
  const img = images
    .filter((i) => /^data:image\/png;base64,[A-Za-z0-9+/=]+$/.test(i.dataUrl))
    .map((i) => `<figure><img alt="${e(i.title)}" src="${i.dataUrl}"><figcaption>${e(i.title)}</figcaption></figure>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(report.title)}: ${e(setup.dataset)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:960px;margin:24px auto;padding:0 12px;color:#1f2937}
table{border-collapse:collapse}td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:left}
figure{margin:12px 0}img{max-width:100%;border:1px solid #e5e7eb}</style></head><body>
<h1>${e(report.title)}: ${e(setup.dataset)}</h1>
<p>${e(setup.description)}</p>
<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>
<h2>Findings</h2><ul>${report.findings.map((f) => `<li>${e(f)}</li>`).join('')}</ul>
<p>${e(bestLine(report))}</p>
${img}
<p><small>Made by MLP Lab.</small></p>
</body></html>
`;
}
