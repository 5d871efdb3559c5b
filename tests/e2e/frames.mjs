// Shared by page.test.mjs and graph.test.mjs: how responsive the page stays while it trains. The
// gaps between animation frames (wall time) and the CPU time of the longest task on the page's
// main thread in a Chromium trace (load-robust: CPU time does not stretch while other processes
// hold the cores, wall time does).

/** Starts measuring the gaps between animation frames. */
export async function startFrameProbe(page) {
  await page.evaluate(() => {
    window.__frameGaps = [];
    window.__probeOn = true;
    let last = performance.now();
    const tick = (t) => {
      window.__frameGaps.push(t - last);
      last = t;
      if (window.__probeOn) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Stops the probe: {frames, max, p99} of the gaps in ms. */
export async function stopFrameProbe(page) {
  return page.evaluate(() => {
    window.__probeOn = false;
    const gaps = window.__frameGaps.slice(1);
    const sorted = gaps.slice().sort((a, b) => a - b);
    return { frames: gaps.length, max: Math.max(0, ...gaps), p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0 };
  });
}

/**
 * The longest task on the renderer's main thread in a Chromium trace (category `toplevel`): its
 * CPU time (`tdur`, thread time; for the few tasks the trace gives none, e.g. at its edges, the
 * wall time `dur`, which bounds it) and its wall time, in ms, and how many tasks ran.
 */
export function longestMainThreadTask(traceBuffer) {
  const events = JSON.parse(traceBuffer.toString()).traceEvents;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`));
  return {
    tasks: tasks.length,
    withCpuTime: tasks.filter((e) => Number.isFinite(e.tdur)).length,
    cpuMs: Math.max(0, ...tasks.map((e) => e.tdur ?? e.dur ?? Infinity)) / 1000,
    wallMs: Math.max(0, ...tasks.map((e) => e.dur ?? 0)) / 1000,
  };
}
