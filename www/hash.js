// The run in the URL hash: `#run=<base64url(JSON {data, config})>`, so a link reproduces a run,
// and beside it the workspace section shown (`&section=runs`; none means Train, so links made
// before sections existed still open as they did).
// Decoding treats the hash as untrusted input: any failure gives an error message saying where, and
// the config inside still goes through the worker's validation before anything trains.

import { JsonTextError, parseJsonText } from './json-text.js';

const KEY = 'run';
const SECTION = 'section';
const MAX_HASH_CHARS = 200_000;

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Thrown with a message that says what is wrong with the link and where. */
class LinkError extends Error {}

function fromBase64Url(text) {
  const bad = text.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) throw new LinkError(`character ${bad + 1} (${JSON.stringify(text[bad])}) is not base64url (A–Z, a–z, 0–9, - and _)`);
  if (text.length % 4 === 1) throw new LinkError(`it is ${text.length} character${text.length === 1 ? "" : "s"} long, a length no base64url text has (cut short?)`);
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new LinkError('its bytes are not UTF-8 text');
  }
}

function parseJson(text) {
  if (!text.trim()) throw new LinkError('it is empty');
  try {
    return parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new LinkError(`its JSON is broken: ${e.message} of the decoded run`);
  }
}

/** The hash fragment (with '#') for a run. `data` is a small description such as {name: 'mnist'}. */
export function encodeRun({ data, config }) {
  return `#${KEY}=${toBase64Url(JSON.stringify({ data, config }))}`;
}

/**
 * Reads a hash fragment. Returns {run: {data, config}} when one is there and well formed,
 * {error} when one is there but unreadable, or {} when the hash holds no run.
 */
export function decodeRun(hash) {
  const text = String(hash || '').replace(/^#/, '');
  if (!text) return {};
  const params = new URLSearchParams(text);
  const value = params.get(KEY);
  if (value === null) return {};
  if (value.length > MAX_HASH_CHARS) return { error: `the link's run is ${value.length} characters; at most ${MAX_HASH_CHARS} are read` };
  try {
    const parsed = parseJson(fromBase64Url(value));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'the link does not hold a run object' };
    const config = parsed.config;
    if (!config || typeof config !== 'object' || Array.isArray(config)) return { error: 'the link holds no config object' };
    const data = parsed.data && typeof parsed.data === 'object' && !Array.isArray(parsed.data) ? parsed.data : null;
    return { run: { data, config } };
  } catch (e) {
    // Anything else is a bug here, but a bad link must still never break the page.
    const why = e instanceof LinkError ? e.message : `${e?.name ?? 'error'}: ${e?.message ?? e}`;
    return { error: `the link's run could not be read: ${why}` };
  }
}

/** The section named in a hash fragment, or null. */
export function decodeSection(hash) {
  return new URLSearchParams(String(hash || '').replace(/^#/, '')).get(SECTION);
}

/** `hash` with its section set to `section` (removed when null), everything else kept. */
export function withSection(hash, section) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  if (section) params.set(SECTION, section);
  else params.delete(SECTION);
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** Writes the run into the address bar (keeping the section) without adding a history entry per keystroke. */
export function writeRun(run) {
  replaceHash(withSection(encodeRun(run), decodeSection(location.hash)));
}

/** Writes the section shown into the address bar beside the run. */
export function writeSection(section) {
  replaceHash(withSection(location.hash, section));
}

function replaceHash(hash) {
  if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname + location.search);
}
