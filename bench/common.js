// Shared by the bench workers: timing and synthetic data. (Loaded as a module by the MLP Lab
// worker and with importScripts by the classic TensorFlow.js worker, so no exports: it defines
// globals on `self`.)

/** Median of a list of numbers. */
self.median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/**
 * Warms `run(k)` up (compiles and tiers up the code, sizes buffers; never timed) and returns k
 * such that one call takes at least `minMs`. `run(k)` does k units of work (batches,
 * products); `sync()` (if given) waits for queued work before the clock stops. The warm-up
 * doubles k until one call takes ≥ 50 ms (the clock is coarse in a worker that is not
 * cross-origin isolated) and goes on until `warmupMs` have passed.
 */
self.calibrate = async (run, { minMs = 400, warmupMs = 300, sync = async () => {} } = {}) => {
  let k = 1;
  let perUnit = null;
  const w0 = performance.now();
  for (;;) {
    const t0 = performance.now();
    run(k);
    await sync();
    const t = performance.now() - t0;
    if (t >= 50) perUnit = t / k;
    else k *= 2;
    if (perUnit !== null && performance.now() - w0 >= warmupMs) break;
  }
  return Math.max(1, Math.ceil(minMs / perUnit));
};

/** Milliseconds per unit of one timed call of `run(units)`. */
self.timeOnce = async (run, units, sync = async () => {}) => {
  const t0 = performance.now();
  run(units);
  await sync();
  return (performance.now() - t0) / units;
};

/** Calibration then `repeats` timed calls: per-unit milliseconds of each and their median. */
self.measure = async (run, { repeats = 5, minMs = 400, warmupMs = 300, sync = async () => {} } = {}) => {
  const units = await self.calibrate(run, { minMs, warmupMs, sync });
  const msPerUnit = [];
  for (let r = 0; r < repeats; r++) msPerUnit.push(await self.timeOnce(run, units, sync));
  return { unitsPerRepeat: units, msPerUnit, medianMsPerUnit: self.median(msPerUnit) };
};

/** A seeded generator of floats in [0, 1) (mulberry32). */
self.seeded = (seed) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * Synthetic MNIST-like data: n images of 28×28 bytes whose labels a linear rule decides (so the
 * network has something to learn), as {pixels: Uint8Array(n·784), labels: Uint8Array(n)}.
 */
self.mnistLike = (n, seed = 1) => {
  const rnd = self.seeded(seed);
  const d = 784;
  const pixels = new Uint8Array(n * d);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = Math.floor(rnd() * 10);
    labels[i] = label;
    for (let j = 0; j < d; j++) {
      // A bright band whose position is the label, on noise.
      const band = Math.floor((j % 28) / 2.8) === label ? 128 : 0;
      pixels[i * d + j] = Math.min(255, band + Math.floor(rnd() * 128));
    }
  }
  return { pixels, labels };
};

/** Two interleaved spirals in the plane, labels 0/1, as {points: Float32Array(2n), labels}. */
self.spirals = (n, seed = 1) => {
  const rnd = self.seeded(seed);
  const points = new Float32Array(2 * n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = rnd() * 3 * Math.PI;
    const r = t / (3 * Math.PI);
    points[2 * i] = r * Math.cos(t + c * Math.PI) + 0.05 * (rnd() - 0.5);
    points[2 * i + 1] = r * Math.sin(t + c * Math.PI) + 0.05 * (rnd() - 0.5);
    labels[i] = c;
  }
  return { points, labels };
};

/**
 * Whether this engine runs WebAssembly relaxed SIMD: validates an 82-byte module whose one
 * function is `f32x4.relaxed_madd` of three zero vectors. (A page that ships both builds picks
 * the relaxed one with this check, falling back to the simd128 build.)
 */
self.hasRelaxedSimd = () =>
  WebAssembly.validate(
    new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 253, 133, 2, 11,
    ]),
  );
