// JSON.parse, but a syntax error says where: line and column of the first character that is not
// JSON. V8's own messages give a position for some errors and only a snippet for others, so the
// place comes from a small scanner of the JSON grammar, run only once parsing has failed.

/** Thrown by parseJsonText; `line` and `column` count from 1. */
export class JsonTextError extends Error {
  constructor(message, line, column) {
    super(message);
    this.name = 'JsonTextError';
    this.line = line;
    this.column = column;
  }
}

/** Parses `text` as JSON or throws a JsonTextError such as "unexpected "}" at line 2, column 9". */
export function parseJsonText(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const { at, what } = firstError(text);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new JsonTextError(`${what} at line ${line}, column ${column}`, line, column);
  }
}

// Returns {at: offset, what} for the first place `text` stops being JSON.
function firstError(text) {
  let i = 0;
  const fail = (what) => {
    throw { at: i, what };
  };
  const found = () => (i >= text.length ? fail('the text ends before the JSON does (cut short?)') : fail(`unexpected ${JSON.stringify(text[i])}`));
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const word = (w) => {
    for (const ch of w) {
      if (text[i] !== ch) found();
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) found();
      const ch = text[i];
      if (ch === '"') return void i++;
      if (ch < ' ') fail('a control character (a raw line break or tab?) inside a string');
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) (i += k), fail('a \\u escape needs four hex digits');
          i += 5;
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i])) i++;
        else found();
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) found();
    i += m[0].length;
  };
  const value = (depth) => {
    if (depth > 5_000) fail('nesting too deep');
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') i >= text.length ? found() : fail(`expected a quoted key, found ${JSON.stringify(text[i])}`);
        string();
        space();
        if (text[i] !== ':') i >= text.length ? found() : fail(`expected ":" after the key, found ${JSON.stringify(text[i])}`);
        i++;
        value(depth + 1);
        space();
        if (text[i] === '}') return void i++;
        if (text[i] !== ',') i >= text.length ? found() : fail(`expected "," or "}", found ${JSON.stringify(text[i])}`);
        i++;
      }
    }
    if (ch === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        space();
        if (text[i] === ']') return void i++;
        if (text[i] !== ',') i >= text.length ? found() : fail(`expected "," or "]", found ${JSON.stringify(text[i])}`);
        i++;
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return word('true');
    if (ch === 'f') return word('false');
    if (ch === 'n') return word('null');
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number();
    if (i >= text.length) return found();
    fail(`unexpected ${JSON.stringify(ch)} where a value should start`);
  };
  try {
    if (!text.trim()) fail('the text is empty');
    value(0);
    space();
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`);
  } catch (e) {
    if (e && typeof e.at === 'number') return e;
    throw e;
  }
  // JSON.parse refused what the scanner accepts (should not happen): say so without a place.
  return { at: 0, what: 'not JSON' };
}
