// Shared by the end-to-end tests: the static server (scripts/serve.mjs) on a free 127.0.0.1
// port, and headless Chromium through playwright-core, using the system's /usr/bin/chromium
// (never a downloaded browser).
//
//   const server = await startServer();      // {url, port, close()}; www/ at /, tests/e2e/ at /e2e/
//   const browser = await launchBrowser();   // a playwright Browser; close() when done
//   const { page, errors } = await newPage(browser);  // errors: console errors and page errors
//   const env = serverAndBrowser();          // both, started before the file's tests and closed
//                                            // after them: env.server, env.browser

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer as serve } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WWW = path.join(ROOT, 'www');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether `make wasm` has been run (the worker needs www/pkg/). */
export function wasmBuilt() {
  return existsSync(path.join(WWW, 'pkg', 'mlp_lab_bg.wasm')) && existsSync(path.join(WWW, 'pkg', 'mlp_lab.js'));
}

/**
 * Serves www/ (and tests/e2e/ under /e2e/) on a free 127.0.0.1 port, cross-origin isolated
 * unless `isolated: false`.
 */
export async function startServer({ root = WWW, port = 0, isolated = true } = {}) {
  if (!wasmBuilt()) {
    throw new Error(`${path.join(WWW, 'pkg')} is missing: build the engine with \`make wasm\` first`);
  }
  return serve({ root, port, isolated, mounts: { '/e2e/': path.join(ROOT, 'tests/e2e') } });
}

/**
 * Headless Chromium with a fresh profile in a temporary directory (removed on close). Playwright
 * refuses --user-data-dir in `args` for a non-persistent browser, and gives each launch a new
 * temporary profile itself; ours lives under a directory we delete, in case it leaves files.
 */
/** The server and Chromium for a test file's tests: started in its `before`, closed in its `after`. */
export function serverAndBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close?.();
  });
  return env;
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install it with ` +
      '`apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver` ' +
      '(or run `bash scripts/install-tools.sh`)');
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'mlp-lab-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    downloadsPath: tmp,
    tracesDir: tmp,
    env: { ...process.env, TMPDIR: tmp, HOME: tmp },
    timeout: 60_000,
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
  return browser;
}

/** A page in a new context; `errors` collects console errors and uncaught page errors. */
export async function newPage(browser, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, context, errors };
}

/** Shows a workspace section ('train', 'inspect', 'runs', 'sweeps', 'reports') by its tab. */
export async function gotoSection(page, name) {
  await page.click(`[role=tab][data-section=${name}]`);
  await page.waitForSelector(`[data-testid=section-${name}]:not([hidden])`);
}
