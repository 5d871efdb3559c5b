// Bench worker for MLP Lab: runs one job of bench/mlplab.js and posts its result.

import { load, setLog, train, kernels, memory, wasm } from './mlplab.js';

setLog((line) => self.postMessage({ type: 'log', line }));

self.onmessage = async (e) => {
  const job = e.data;
  try {
    const exports = await load();
    let result;
    if (job.type === 'info') {
      result = { version: wasm.version(), simd: wasm.simd_enabled(), gemm: wasm.gemm_backend() };
    } else if (job.type === 'kernels') {
      result = await kernels(job);
    } else if (job.type === 'train') {
      result = await train(job);
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
