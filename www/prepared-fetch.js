// Fetches a part of a prepared set (a manifest's `train` or `test`, see `mlp-lab prepare-data`)
// as the MLPD bytes the engine reads. Parts are stored gzip-compressed, so the page's first load
// stays small; the browser's DecompressionStream inflates them, which needs nothing from the
// static host. A host that already decoded the file (Content-Encoding: gzip) hands over bytes
// without the gzip magic, and those are used as they are.

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

async function inflate(buffer, file) {
  try {
    const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
    return await new Response(stream).arrayBuffer();
  } catch (e) {
    throw new Error(`data/${file}: not a valid gzip file (${e.message}); prepare the data again with make data`);
  }
}

/** The MLPD bytes of `part` ({file, bytes, compression?}) under `base` (default data/). */
export async function fetchPreparedPart(part, base = 'data/') {
  const res = await fetch(`${base}${part.file}`);
  if (!res.ok) throw new Error(`data/${part.file}: HTTP ${res.status} (prepare the data with make data)`);
  const buffer = await res.arrayBuffer();
  if (part.compression !== 'gzip' || !isGzip(new Uint8Array(buffer, 0, Math.min(2, buffer.byteLength)))) return buffer;
  return inflate(buffer, part.file);
}
