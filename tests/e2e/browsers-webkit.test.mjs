// The core flow (core-flow.mjs) in WebKitGTK (Safari's engine): MiniBrowser driven by
// WebKitWebDriver and selenium-webdriver under xvfb-run. The page loads, the MNIST preset trains
// to the same numbers as in Chromium, the readouts are the worker's, a drawn digit predicts,
// and no console error.
// Run: node --test tests/e2e/browsers-webkit.test.mjs (needs make wasm, www/data/mnist*, webkit2gtk-driver, xvfb)
import { test } from 'node:test';
import { crossBrowserTest } from './cross-browser.mjs';

test('in WebKitGTK the MNIST preset trains to Chromium’s numbers, the readouts are the worker’s and a drawn 1 reads as 1',
  (t) => crossBrowserTest(t, 'webkit'));
