// Sample images for the grid from the user's own IDX or CIFAR-10 files, read in the page before
// the buffers go to the worker. The worker's parser is the judge of a file: anything these
// readers do not understand yields no samples (null), never an error of their own.

const CIFAR_RECORD = 1 + 3072;
const CIFAR_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Evenly spread indices 0..n-1, at most `count` of them. */
export function spread(count, n) {
  return Array.from({ length: Math.min(count, n) }, (_, i) => (count >= n ? i : Math.floor((i * n) / count)));
}

async function gunzipIfNeeded(buffer) {
  const head = new Uint8Array(buffer, 0, Math.min(2, buffer.byteLength));
  if (head[0] !== 0x1f || head[1] !== 0x8b) return new Uint8Array(buffer);
  const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const u32 = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/**
 * Images + labels IDX buffers (raw or gzip; not consumed) → {images, shape, layout} or null.
 * Only u8 images (type 0x08) of 2 dimensions per item are drawn.
 */
export async function idxSamples(imagesBuffer, labelsBuffer, count) {
  try {
    const img = await gunzipIfNeeded(imagesBuffer.slice(0));
    const lab = await gunzipIfNeeded(labelsBuffer.slice(0));
    if (img.length < 16 || img[2] !== 0x08 || img[3] !== 3 || lab.length < 8 || lab[2] !== 0x08 || lab[3] !== 1) return null;
    const [n, rows, cols] = [u32(img, 4), u32(img, 8), u32(img, 12)];
    const size = rows * cols;
    if (size === 0 || 16 + n * size > img.length || u32(lab, 4) !== n || 8 + n > lab.length) return null;
    return {
      images: spread(count, n).map((i) => ({ pixels: img.slice(16 + i * size, 16 + (i + 1) * size), label: String(lab[8 + i]) })),
      shape: [rows, cols, 1],
      layout: 'hwc',
    };
  } catch {
    return null;
  }
}

/** The first CIFAR-10 batch buffer (not consumed) → {images, shape, layout} or null. */
export function cifarSamples(buffer, count) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) return null;
  const n = bytes.length / CIFAR_RECORD;
  return {
    images: spread(count, n).map((i) => {
      const at = i * CIFAR_RECORD;
      return { pixels: bytes.slice(at + 1, at + CIFAR_RECORD), label: CIFAR_NAMES[bytes[at]] ?? String(bytes[at]) };
    }),
    shape: [32, 32, 3],
    layout: 'chw',
  };
}
