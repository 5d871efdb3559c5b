// Where a broken JSON text breaks (www/json-text.js), and what the URL-hash decoder
// (www/hash.js) says of each kind of bad link — in Node, without a browser.
//
// Run: node --test tests/e2e/json-text.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonText, JsonTextError } from '../../www/json-text.js';
import { decodeRun, encodeRun } from '../../www/hash.js';

test('valid JSON parses as JSON.parse does', () => {
  for (const text of ['{}', '[]', '0', '-1.5e-3', '"a\\u00e9\\n"', ' {"a": [1, true, null, {"b": "c"}]} ', '['.repeat(300) + ']'.repeat(300)]) {
    assert.deepEqual(parseJsonText(text), JSON.parse(text));
  }
});

test('a syntax error names the line and column of the first bad character', () => {
  const cases = [
    ['{"config":\n {"a": tru}}', 'unexpected "}" at line 2, column 11'],
    ['[1,2,,3]', 'unexpected "," where a value should start at line 1, column 6'],
    ['{"a":1}}', 'unexpected "}" after the end of the JSON value at line 1, column 8'],
    ['{"a" 1}', 'expected ":" after the key, found "1" at line 1, column 6'],
    ['{a: 1}', 'expected a quoted key, found "a" at line 1, column 2'],
    ['{"a": 1,}', 'expected a quoted key, found "}" at line 1, column 9'],
    ['[1,]', 'unexpected "]" where a value should start at line 1, column 4'],
    ['[01]', 'expected "," or "]", found "1" at line 1, column 3'],
    ['"ab\\x"', 'unexpected "x" at line 1, column 5'],
    ['"\\u12g4"', 'a \\u escape needs four hex digits at line 1, column 6'],
    ['{"a": "two\nlines"}', 'a control character (a raw line break or tab?) inside a string at line 1, column 11'],
    ['NaN', 'unexpected "N" where a value should start at line 1, column 1'],
    ['{"a": [1, 2', 'the text ends before the JSON does (cut short?) at line 1, column 12'],
    ['   ', 'the text is empty at line 1, column 1'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseJsonText(text), (e) => e instanceof JsonTextError && e.message === message, JSON.stringify(text));
  }
  assert.throws(() => parseJsonText('{\n\n  "x": ?}'), { line: 3, column: 8 });
});

test('every bad link gets a message that says what is wrong, never a throw', () => {
  const b64 = (text) => `#run=${Buffer.from(text).toString('base64url')}`;
  const cases = [
    ['#run=', /: it is empty$/],
    ['#run=ab!cd', /: character 3 \("!"\) is not base64url/],
    ['#run=abcde', /: it is 5 characters long, a length no base64url text has \(cut short\?\)$/],
    [`#run=${Buffer.from([0xff, 0xfe, 0x80]).toString('base64url')}`, /: its bytes are not UTF-8 text$/],
    [b64('{"config": {"seed": 1,}}'), /: its JSON is broken: expected a quoted key, found "}" at line 1, column 23 of the decoded run$/],
    [b64('{"config": '), /: its JSON is broken: the text ends before the JSON does \(cut short\?\)/],
    [b64('[1]'), /^the link does not hold a run object$/],
    [b64('{"config": 3}'), /^the link holds no config object$/],
  ];
  for (const [hash, message] of cases) {
    const out = decodeRun(hash);
    assert.deepEqual(Object.keys(out), ['error'], hash);
    assert.match(out.error, message, hash);
  }
  assert.deepEqual(decodeRun('#other=1'), {});
  const run = { data: { name: 'iris' }, config: { seed: 3, layers: [{ units: 3, activation: 'softmax' }] } };
  assert.deepEqual(decodeRun(encodeRun(run)), { run });
});
