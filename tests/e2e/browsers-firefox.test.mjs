// The core flow (core-flow.mjs) in Firefox ESR, driven by puppeteer-core over WebDriver BiDi:
// the page loads, the MNIST preset trains to the same numbers as in Chromium, the readouts are
// the worker's, a drawn digit predicts, and no console error.
// Run: node --test tests/e2e/browsers-firefox.test.mjs (needs make wasm, www/data/mnist*, firefox-esr)
import { test } from 'node:test';
import { crossBrowserTest } from './cross-browser.mjs';

test('in Firefox ESR the MNIST preset trains to Chromium’s numbers, the readouts are the worker’s and a drawn 1 reads as 1',
  (t) => crossBrowserTest(t, 'firefox'));
