#!/usr/bin/env node
// A small static file server for the page, on 127.0.0.1 only.
//
//   node scripts/serve.mjs [ROOT=www] [--port N] [--mount /prefix/=DIR ...] [--no-isolation]
//
// Every response carries the page's Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`, scripts
// and workers from this origin only, WebAssembly compilation allowed, no inline scripts), correct
// MIME types (application/wasm for .wasm, so streaming compilation works) and no-cache headers,
// so a rebuilt wasm is picked up on reload. It is cross-origin isolated (COOP same-origin, COEP
// require-corp): a run on several workers then exchanges gradients through SharedArrayBuffers
// (`isolated: false` or --no-isolation serves without, and the run transfers buffers instead).
// Port 0 (the default with --port 0) picks a free port.
// The end-to-end tests import `startServer` from here.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';
// The same policy as www/index.html's meta tag: nothing from other origins (scripts, workers,
// fetches, images), WebAssembly compilation allowed, no inline scripts or eval. Inline styles
// stay allowed: the charts size their canvases through style attributes.
export const CSP = "script-src 'self' 'wasm-unsafe-eval'; default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'none'";

/** Cross-origin isolation: `self.crossOriginIsolated`, hence SharedArrayBuffer, in the page and its workers. */
export const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** The file a URL path names under `root`, or null when it would escape it. */
function resolveUnder(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return file === root || file.startsWith(root + sep) ? file : null;
}

function send(res, status, text) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/**
 * Serves `root` (and each `mounts` prefix → directory) on 127.0.0.1:`port` (0: any free port).
 * Resolves to {server, port, url, close()} once listening.
 */
export function startServer({ root = 'www', port = 0, mounts = {}, quiet = true, isolated = true } = {}) {
  const isolation = isolated ? ISOLATION : {};
  const base = resolve(root);
  const mountList = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)]);
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    // A path starting with `//` would parse as a URL with a host (`new URL('//x', base)` reads
    // x as the host, and `//` alone throws), so such requests are refused before parsing.
    if (!req.url.startsWith('/') || req.url.startsWith('//')) return send(res, 400, 'bad request: the path must start with a single /\n');
    let path;
    try {
      path = new URL(req.url, `http://${HOST}`).pathname;
    } catch {
      return send(res, 400, 'bad request: unreadable path\n');
    }
    let dir = base;
    let rest = path;
    for (const [prefix, mounted] of mountList) {
      if (path.startsWith(prefix)) {
        dir = mounted;
        rest = '/' + path.slice(prefix.length);
        break;
      }
    }
    let file = resolveUnder(dir, rest);
    if (!file) return send(res, 403, 'forbidden\n');
    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        if (!path.endsWith('/')) {
          res.writeHead(301, { Location: path + '/', 'Content-Security-Policy': CSP });
          return res.end();
        }
        file = join(file, 'index.html');
        info = await stat(file);
      }
      if (!quiet) console.log(`${req.method} ${path} 200`);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
        'Cross-Origin-Resource-Policy': 'same-origin',
        ...isolation,
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch {
      if (!quiet) console.log(`${req.method} ${path} 404`);
      send(res, 404, `not found: ${path}\n`);
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const actual = server.address().port;
      resolvePromise({
        server,
        port: actual,
        url: `http://${HOST}:${actual}/`,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

async function main(argv) {
  let root = 'www';
  let port = Number(process.env.PORT ?? 8080);
  let isolated = true;
  const mounts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') port = Number(argv[++i]);
    else if (a.startsWith('--port=')) port = Number(a.slice(7));
    else if (a === '--no-isolation') isolated = false;
    else if (a === '--mount') {
      const [prefix, dir] = argv[++i].split('=');
      mounts[prefix] = dir;
    } else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/serve.mjs [ROOT] [--port N] [--mount /prefix/=DIR] [--no-isolation]');
      return;
    } else root = a;
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port must be a number from 0 to 65535, found ${port}`);
    process.exit(2);
  }
  try {
    const info = await stat(root);
    if (!info.isDirectory()) throw new Error('not a directory');
  } catch {
    console.error(`serve: ${root} is not a directory`);
    process.exit(2);
  }
  let s;
  try {
    s = await startServer({ root, port, mounts, quiet: false, isolated });
  } catch (e) {
    console.error(`serve: cannot listen on ${HOST}:${port}: ${e.message}` +
      (e.code === 'EADDRINUSE' ? ' (set PORT=... or pass --port N, 0 for any free port)' : ''));
    process.exit(1);
  }
  console.log(`Serving ${resolve(root)}\nMLP Lab: open ${s.url}  (Ctrl-C to stop)`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
