// Bench worker for MLP Lab: runs the jobs of bench/mlplab.js that the page sends, posting each
// result (or error) back. `?pkg=/path/` picks another build of the package (default /pkg/).

import { load, setLog, trainSetup, trainRepeat, trainFinish, kernels, memory, wasm } from './mlplab.js';

setLog((line) => self.postMessage({ type: 'log', line }));

self.onmessage = async (e) => {
  const job = e.data;
  try {
    const exports = await load(new URLSearchParams(self.location.search).get('pkg') ?? '/pkg/');
    let result;
    if (job.type === 'info') {
      result = { version: wasm.version(), simd: wasm.simd_enabled(), gemm: wasm.gemm_backend?.() ?? null };
    } else if (job.type === 'kernels') {
      result = await kernels(job);
    } else if (job.type === 'train-setup') {
      result = await trainSetup(job);
    } else if (job.type === 'train-repeat') {
      result = await trainRepeat(job);
    } else if (job.type === 'train-finish') {
      result = await trainFinish(job);
    } else if (job.type === 'memory') {
      result = await memory(job, exports);
    } else {
      throw new Error(`unknown job ${job.type}`);
    }
    self.postMessage({ type: 'result', result });
  } catch (err) {
    self.postMessage({ type: 'error', message: `${err?.message ?? err}${err?.stack ? '\n' + err.stack : ''}` });
  }
};
