// Loaded by reliability.test.mjs into the page (same origin, so the CSP lets it run): reports
// whether the page's policy lets it eval a string, which it must not.
window.__cspProbe = { evalRan: false };
try {
  // eslint-disable-next-line no-eval
  window.__cspProbe.evalRan = eval('true') === true;
} catch {
  // EvalError: refused by script-src without 'unsafe-eval'
}
