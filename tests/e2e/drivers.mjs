// The three browser engines behind one small driver interface (see core-flow.mjs):
// Chromium through playwright-core, Firefox ESR through puppeteer-core over WebDriver BiDi, and
// WebKitGTK's MiniBrowser through WebKitWebDriver and selenium-webdriver under xvfb-run. Only
// the system's browsers are used; nothing is downloaded.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser } from './harness.mjs';

export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const VIEWPORT = { width: 1280, height: 800 };

/** Why an engine cannot run here (with how to install it), or null. */
export function missing(engine) {
  const need = {
    firefox: [[FIREFOX, 'apt-get install -y firefox-esr']],
    webkit: [[WEBKIT_DRIVER, 'apt-get install -y webkit2gtk-driver'], [MINIBROWSER, 'apt-get install -y webkit2gtk-driver'],
      ['/usr/bin/xvfb-run', 'apt-get install -y xvfb xauth']],
  }[engine] ?? [];
  const gone = need.find(([file]) => !existsSync(file));
  return gone ? `${gone[0]} is missing: ${gone[1]} (or bash scripts/install-tools.sh)` : null;
}

/** Chromium (playwright-core), the reference engine of the other tests. */
export async function chromiumDriver() {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  return {
    name: 'Chromium',
    version: browser.version(),
    goto: (url) => page.goto(url),
    run: (fn, arg) => page.evaluate(fn, arg),
    click: (selector) => page.click(selector),
    stroke: async (selector, points) => {
      const box = await page.locator(selector).boundingBox();
      const at = ([fx, fy]) => [box.x + box.width * fx, box.y + box.height * fy];
      await page.mouse.move(...at(points[0]));
      await page.mouse.down();
      for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 3 });
      await page.mouse.up();
    },
    close: () => browser.close(),
  };
}

/** Firefox ESR through puppeteer-core (WebDriver BiDi), with a fresh profile. */
export async function firefoxDriver() {
  const { default: puppeteer } = await import('puppeteer-core');
  const tmp = mkdtempSync(path.join(tmpdir(), 'mlp-lab-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: tmp,
    defaultViewport: VIEWPORT,
    env: { ...process.env, HOME: tmp, TMPDIR: tmp },
    timeout: 60_000,
  });
  const page = (await browser.pages())[0] ?? await browser.newPage();
  return {
    name: 'Firefox',
    version: await browser.version(),
    goto: (url) => page.goto(url),
    run: (fn, ...args) => page.evaluate(fn, ...args),
    click: (selector) => page.click(selector),
    stroke: async (selector, points) => {
      const box = await (await page.$(selector)).boundingBox();
      const at = ([fx, fy]) => [box.x + box.width * fx, box.y + box.height * fy];
      await page.mouse.move(...at(points[0]));
      await page.mouse.down();
      for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 3 });
      await page.mouse.up();
    },
    close: async () => {
      try {
        await browser.close();
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`WebKitWebDriver did not listen on port ${port} within ${timeoutMs} ms`);
}

/** WebKitGTK's MiniBrowser through WebKitWebDriver (under xvfb-run -a) and selenium-webdriver. */
export async function webkitDriver() {
  const { Builder, By } = await import('selenium-webdriver');
  const port = await freePort();
  const tmp = mkdtempSync(path.join(tmpdir(), 'mlp-lab-webkit-'));
  // its own process group, so closing ends xvfb-run, Xvfb and the driver together
  const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', WEBKIT_DRIVER, `--port=${port}`, '--host=127.0.0.1'],
    { detached: true, stdio: 'ignore', env: { ...process.env, HOME: tmp, TMPDIR: tmp, XDG_RUNTIME_DIR: tmp } });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  let driver;
  try {
    await waitForPort(port, 30_000);
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      })
      .build();
    await driver.manage().window().setRect({ width: VIEWPORT.width, height: VIEWPORT.height }).catch(() => {});
    await driver.manage().setTimeouts({ script: 60_000 });
  } catch (e) {
    stop();
    throw e;
  }
  const caps = await driver.getCapabilities();
  return {
    name: 'WebKitGTK',
    version: caps.get('browserVersion'),
    goto: (url) => driver.get(url),
    run: (fn, ...args) => driver.executeScript(`return (${fn}).apply(null, arguments);`, ...args),
    click: async (selector) => (await driver.findElement(By.css(selector))).click(),
    stroke: async (selector, points) => {
      const el = await driver.findElement(By.css(selector));
      const rect = await el.getRect();
      // offsets from the element's centre, as WebDriver pointer actions take them
      const at = ([fx, fy]) => ({ origin: el, x: Math.round(rect.width * (fx - 0.5)), y: Math.round(rect.height * (fy - 0.5)) });
      let actions = driver.actions({ async: true }).move(at(points[0])).press();
      for (const p of points.slice(1)) actions = actions.move({ ...at(p), duration: 50 });
      await actions.release().perform();
    },
    close: async () => {
      try {
        await driver.quit();
      } finally {
        stop();
      }
    },
  };
}
