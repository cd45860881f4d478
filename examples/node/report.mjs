#!/usr/bin/env node
// keywatch's event contract from a Node backend: a failed LLM call becomes a `failure` event,
// successful calls are counted per minute and sent as a `tallies` batch, both published to the
// events topic with the official Pub/Sub client. What each rule is for: docs/other-languages.md;
// the fields: docs/events.md and schemas/*.v1.json.
//
// As a module:
//   import { failureEvent, SuccessTallies, Publisher, keyFingerprint } from './report.mjs';
//   const pub = new Publisher();                      // topic and project from the environment
//   const event = failureEvent({ apiKey, source: 'byok', provider: 'openai', model: 'gpt-4o',
//     requestId, statusCode: 401, errorCode: 'invalid_api_key', errorMessage: err.message });
//   await pub.publish(event);                         // retry with the same object: same event_id
//
// As a CLI (the key comes from LLM_API_KEY, never from argv, which every user of the machine
// can read in `ps`):
//   LLM_API_KEY=... node report.mjs failure --source byok --provider openai --model gpt-4o \
//     --status 401 --error-code invalid_api_key --message 'Incorrect API key provided: ...'
//   LLM_API_KEY=... node report.mjs success --source byok --provider openai --model gpt-4o --count 3
//   LLM_API_KEY=... node report.mjs fingerprint
// It prints the id of each event it published (--json: one JSON object per message, with the
// exact data and attributes sent; --dry-run: build and print, publish nothing).

import { createHmac, randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const SCHEMA_VERSION = 1;
// classify refuses a message over 64 KiB as poison (functions/keywatch_functions/decode.py,
// MAX_MESSAGE_BYTES); Pub/Sub's own limit is 10 MB (https://cloud.google.com/pubsub/quotas).
export const MAX_MESSAGE_BYTES = 64 * 1024;
// A tallies batch is split below this many bytes of groups, leaving room for its envelope.
export const TALLY_BYTES = 60_000;
export const MAX_MESSAGE_CHARS = 2000; // error_message (keywatch.events.MAX_MESSAGE_CHARS)
export const MAX_NAME_CHARS = 200; // every other text field
const RECOVERED_PER_PART = 1000; // a group carries at most 2,000 recovered ids: split at 1,000
const MAX_RECOVERY_REQUESTS = 10_000; // requests remembered for recovery marking

export const REDACTED = '[REDACTED]';
const TRUNCATED = '...[truncated]';

// -- the key's fingerprint: kf_ + the first 16 hex digits of HMAC-SHA256(secret, key) ----------
// The same construction as keywatch.key_fingerprint (shared/keywatch/fingerprint.py), so a key
// fingerprinted here and in a Python process is one key downstream.

// Python's str.strip() removes these (str.isspace) from both ends of the key.
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const KEY_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');
// Python strips the secret's UTF-8 bytes (bytes.strip()): ASCII whitespace only.
const SECRET_SPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;
const MIN_SECRET_BYTES = 16;

/** The deployment's secret as HMAC key bytes (KEYWATCH_FINGERPRINT_SECRET, the same value every
 * Python process of the deployment holds). */
export function fingerprintSecret(value = process.env.KEYWATCH_FINGERPRINT_SECRET) {
  const secret = Buffer.from((value ?? '').replace(SECRET_SPACE, ''), 'utf8');
  if (secret.length === 0) {
    throw new Error('KEYWATCH_FINGERPRINT_SECRET is not set: fingerprints would not match the deployment');
  }
  if (secret.length < MIN_SECRET_BYTES) {
    // Python uses a weak secret too, loudly: refusing it here would split one key in two.
    console.error(`keywatch: the fingerprint secret is under ${MIN_SECRET_BYTES} bytes`);
  }
  return secret;
}

export function keyFingerprint(apiKey, secret = fingerprintSecret()) {
  const key = String(apiKey).replace(KEY_SPACE, '');
  return 'kf_' + createHmac('sha256', secret).update(key, 'utf8').digest('hex').slice(0, 16);
}

const FINGERPRINT = /^kf_[0-9a-f]{16}$/;

// -- scrubbing: the key never leaves the process ----------------------------------------------
// A minimal form of keywatch.scrub: the known key and its fragments, the providers' key
// prefixes, credentials after an auth scheme or a keyword. classify scrubs again, but by then the
// message has sat in Pub/Sub (and a dead letter is kept for a week): scrub before publishing.

const FRAGMENT = 8; // the shortest run of the key's characters that is removed on its own

/** `text` without `key` and without any run of 8 or more characters that also occurs in it (a
 * masked echo `sk-proj-abc1****wxyz`, a key cut in two): keywatch.scrub.remove_key. */
export function removeKey(text, key) {
  key = String(key ?? '').replace(KEY_SPACE, '');
  if (!key || !text) return text;
  text = text.split(key).join(REDACTED);
  if (key.length < FRAGMENT) return text;
  const spans = [];
  const grams = new Set();
  for (let i = 0; i + FRAGMENT <= key.length; i++) grams.add(key.slice(i, i + FRAGMENT));
  for (const gram of grams) {
    for (let at = text.indexOf(gram); at !== -1; at = text.indexOf(gram, at + 1)) {
      spans.push([at, at + FRAGMENT]);
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let out = '';
  let last = 0;
  let [start, end] = spans[0];
  for (const [s, e] of spans.slice(1)) {
    if (s <= end) {
      end = Math.max(end, e);
      continue;
    }
    out += text.slice(last, start) + REDACTED;
    [last, start, end] = [end, s, e];
  }
  return out + text.slice(last, start) + REDACTED + text.slice(end);
}

const NA = '(?<![A-Za-z0-9])'; // a key starts where no letter or digit precedes it
const UUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

// Looks random: long, letters and digits mixed, not a word or a name of short pieces.
function looksRandom(value) {
  value = value.replace(/[=.]+$/, '');
  if (/^[A-Za-z0-9]{2,}\*{3,}[A-Za-z0-9]*$|^[A-Za-z0-9]*\*{3,}[A-Za-z0-9]{2,}$/.test(value)) {
    return true; // a provider's masked echo of a key
  }
  if (value.length < 16 || UUID.test(value) || !/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) {
    return false;
  }
  return Math.max(...value.split(/[/._\-+~=]/).map((p) => p.length)) >= 10;
}

// (pattern, replacement), in this order: URLs, the providers' prefixes (keeping the prefix as a
// hint), then values known by the word in front of them. shared/keywatch/scrub.py has the full
// rules and the provider documentation behind each.
const RULES = [
  [/:\/\/[^/\s@?#'"<>]+@/g, `://${REDACTED}@`],
  [
    new RegExp(
      '([?&;](?:key|api[_-]?key|apikey|x-api-key|access[_-]?token|refresh[_-]?token|id[_-]?token' +
        '|auth[_-]?token|token|sig|signature|secret|client[_-]?secret|password|x-amz-security-token' +
        '|x-amz-signature|x-amz-credential|x-goog-signature|x-goog-credential)=)(?!\\[)[^&#\\s\'"<>]+',
      'gi',
    ),
    `$1${REDACTED}`,
  ],
  [new RegExp(`${NA}sk-ant-[A-Za-z0-9_*-]{8,}`, 'g'), `sk-ant-${REDACTED}`],
  [new RegExp(`${NA}sk-or-v1-[A-Za-z0-9*]{8,}`, 'g'), `sk-or-v1-${REDACTED}`],
  [new RegExp(`${NA}sk-(proj|svcacct|admin|None)-[A-Za-z0-9_*-]{8,}`, 'g'), `sk-$1-${REDACTED}`],
  [new RegExp(`${NA}sk-[A-Za-z0-9_*-]{20,}`, 'g'), `sk-${REDACTED}`],
  [/AIza[A-Za-z0-9_*-]{20,}/g, `AIza${REDACTED}`],
  [/ya29\.[A-Za-z0-9_*.-]{20,}/g, `ya29.${REDACTED}`],
  [new RegExp(`${NA}(xai-|gsk_|pplx-|fw_|hf_|r8_)[A-Za-z0-9*]{20,}`, 'g'), `$1${REDACTED}`],
  [new RegExp(`${NA}(tgp_v1_|nvapi-)[A-Za-z0-9_*-]{20,}`, 'g'), `$1${REDACTED}`],
  [new RegExp(`${NA}(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])`, 'g'), `$1${REDACTED}`],
  [/eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, `eyJ${REDACTED}`],
  // An HTTP auth scheme's credential (RFC 6750 b64token).
  [
    new RegExp(`${NA}(bearer|basic)(\\s+)([A-Za-z0-9._~+/-]{8,}=*)`, 'gi'),
    (m, kw, sep, value) =>
      value.startsWith(REDACTED) || /^[a-z]+$/i.test(value) ? m : `${kw}${sep}${REDACTED}`,
  ],
  // Unprefixed keys (Mistral, Cohere, Azure OpenAI, ...) are known only by the word before them.
  [
    new RegExp(
      `${NA}(api[_-]?key|apikey|key|token|secret|authorization|password|signature)` +
        `(\\\\?["']?\\s*[:=]{1,2}\\s*\\\\?["']?|\\s+)([A-Za-z0-9_\\-+/.~]{12,}=*)`,
      'gi',
    ),
    (m, kw, sep, value) => (looksRandom(value) ? `${kw}${sep}${REDACTED}` : m),
  ],
  // A masked echo of a key whose visible ends are too short to be fragments ("****abcd").
  [/[\w.-]*\*{3,}[\w.-]*/g, REDACTED],
];

/** Cut to `limit` characters (code points, as Python counts), ending `...[truncated]`, never
 * inside a run of key characters when one starts near the cut. */
function cut(text, limit) {
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  let end = limit - TRUNCATED.length;
  const token = /[A-Za-z0-9_\-+/=.~*[\]]/;
  for (let i = end; i > Math.max(0, end - 100); i--) {
    if (!(token.test(chars[i - 1]) && token.test(chars[i]))) {
      end = i;
      break;
    }
  }
  return chars.slice(0, end).join('') + TRUNCATED;
}

/** An error message fit to publish: the known key and key-shaped strings removed, NFKC (so
 * `ｓｋ-ｐｒｏｊ-` in full-width letters is caught), at most 2,000 characters. */
export function scrubMessage(text, apiKey) {
  if (text == null) return null;
  let out = String(text).normalize('NFKC');
  if (apiKey) out = removeKey(out, apiKey);
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  out = cut(out, MAX_MESSAGE_CHARS);
  // A message that is wholly one random token is a bare key, with no word around it.
  return /^[A-Za-z0-9][A-Za-z0-9_\-+/.~*]{11,}=*$/.test(out) && looksRandom(out) ? REDACTED : out;
}

// -- building events ----------------------------------------------------------------------------
// Every text field is read NFKC-normalised and must be one line of at most 200 characters; an
// empty string, a control character or an over-long name makes the whole event poison
// (keywatch.events). So: null for "don't know", one line, cut to length, the key removed.

const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]+/g;
const PROVIDER = /^[a-z0-9][a-z0-9._:+-]{0,63}$/;

function label(value, apiKey, limit = MAX_NAME_CHARS) {
  if (value == null) return null;
  let s = String(value).normalize('NFKC').replace(CONTROL, ' ').trim();
  if (apiKey) s = removeKey(s, apiKey);
  s = Array.from(s).slice(0, limit).join('').trim();
  return s || null;
}

function providerName(value) {
  const p = String(value).trim().toLowerCase();
  if (!PROVIDER.test(p)) throw new Error(`not a provider name: ${JSON.stringify(p)} (a-z, 0-9, . _ : + -)`);
  return p;
}

function modelName(value, apiKey) {
  // A model becomes a Redis key and a document id: a key-shaped one is refused downstream.
  const m = label(value, apiKey);
  if (!m || m.includes(REDACTED)) throw new Error('the model name is empty or holds the key');
  return m;
}

function sourceName(value) {
  if (value !== 'byok' && value !== 'platform') throw new Error('source must be "byok" or "platform"');
  return value;
}

function fingerprintOf(apiKey, fingerprint, secret) {
  if (fingerprint != null) {
    if (!FINGERPRINT.test(fingerprint)) throw new Error('keyFingerprint must be kf_ and 16 hex digits');
    return fingerprint;
  }
  if (!apiKey) throw new Error('apiKey or keyFingerprint is required');
  return keyFingerprint(apiKey, secret);
}

function intOrNull(value, low, high) {
  if (value == null) return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= low && n <= high ? n : null;
}

/** A `failure` event (schemas/failure.v1.json) for one failed attempt of an LLM call. Keep the
 * returned object: a retried publish sends it again, with its event_id. */
export function failureEvent({
  apiKey, // or keyFingerprint: the key itself is only fingerprinted and scrubbed away
  keyFingerprint: fingerprint,
  secret,
  source,
  provider,
  model,
  requestId,
  attempt = 1,
  uid,
  feature = 'unknown',
  operation = 'chat',
  region,
  statusCode,
  errorType,
  errorCode,
  errorMessage,
  willRetry,
  maxAttempts,
  occurredAt = new Date(),
}) {
  const eventId = randomUUID();
  return {
    type: 'failure',
    schema_version: SCHEMA_VERSION,
    event_id: eventId,
    occurred_at: new Date(occurredAt).toISOString(), // UTC, `Z`
    request_id: label(requestId, apiKey) ?? eventId,
    attempt: intOrNull(attempt, 1, 1000) ?? 1,
    uid: label(uid, apiKey),
    source: sourceName(source),
    provider: providerName(provider),
    model: modelName(model, apiKey),
    feature: label(feature, apiKey) ?? 'unknown',
    operation: label(operation, apiKey) ?? 'chat',
    key_fingerprint: fingerprintOf(apiKey, fingerprint, secret),
    region: label(region, apiKey),
    status_code: intOrNull(statusCode, 100, 599),
    error_type: label(errorType, apiKey),
    error_code: label(errorCode, apiKey),
    error_message: scrubMessage(errorMessage, apiKey),
    will_retry: typeof willRetry === 'boolean' ? willRetry : null,
    max_attempts: intOrNull(maxAttempts, 1, 1000),
  };
}

/** Successes counted in process per (source, provider, model, key) and per Unix minute, sent as
 * `tallies` batches (schemas/tallies.v1.json) by `flush()`, every 60 s and at exit. A success on
 * a retry names the failed attempts it recovered, so they do not count against the provider. */
export class SuccessTallies {
  #groups = new Map(); // JSON [source, provider, model, fingerprint] -> group state
  #failed = new Map(); // `${provider} ${requestId}` -> event ids of its failed attempts (LRU)
  #windowStart = new Date();
  #secret;

  constructor({ secret } = {}) {
    this.#secret = secret;
  }

  /** Remember a published failure, so that a later success of its request recovers it. */
  failed(event) {
    if (!event.request_id) return;
    const k = `${event.provider} ${event.request_id}`;
    const ids = this.#failed.get(k) ?? [];
    this.#failed.delete(k); // re-inserted last: the map is oldest first
    this.#failed.set(k, [...ids, event.event_id]);
    if (this.#failed.size > MAX_RECOVERY_REQUESTS) this.#failed.delete(this.#failed.keys().next().value);
  }

  /** Count `count` successful calls now (or at `at`). `requestId`: this success served a request
   * whose earlier attempts failed on the same provider; `recovers`: event ids named outright. */
  success({ apiKey, keyFingerprint: fingerprint, source, provider, model, count = 1, requestId, recovers = [], at = new Date() }) {
    if (!Number.isInteger(count) || count < 0) throw new Error('count must be a whole number >= 0');
    const g = this.#group(source, provider, model, fingerprintOf(apiKey, fingerprint, this.#secret), apiKey);
    const when = new Date(at);
    const minute = Math.floor(when.getTime() / 60_000); // Unix minute, UTC
    g.successes.set(minute, (g.successes.get(minute) ?? 0) + count);
    if (!g.last || when > g.last) g.last = when;
    g.recovered.push(...recovers);
    const k = `${providerName(provider)} ${requestId}`;
    if (requestId != null && this.#failed.has(k)) {
      g.recovered.push(...this.#failed.get(k));
      this.#failed.delete(k);
    }
  }

  #group(source, provider, model, fingerprint, apiKey) {
    const key = JSON.stringify([sourceName(source), providerName(provider), modelName(model, apiKey), fingerprint]);
    let g = this.#groups.get(key);
    if (!g) {
      const [s, p, m, f] = JSON.parse(key);
      g = { source: s, provider: p, model: m, key_fingerprint: f, successes: new Map(), last: null, recovered: [] };
      this.#groups.set(key, g);
    }
    return g;
  }

  /** Everything counted since the last flush, as `tallies` events of at most TALLY_BYTES of
   * groups each; the counts start again from zero. A batch whose publish fails is sent again
   * as it is (same batch_id): classify counts a batch once. */
  flush(now = new Date()) {
    const windowStart = this.#windowStart.toISOString();
    const windowEnd = new Date(now).toISOString();
    this.#windowStart = new Date(now);
    const parts = [];
    for (const g of this.#groups.values()) parts.push(...groupParts(g));
    this.#groups.clear();
    const batches = [];
    let groups = [];
    let size = 0;
    for (const part of parts) {
      const n = Buffer.byteLength(JSON.stringify(part)) + 1;
      if (groups.length && size + n > TALLY_BYTES) {
        batches.push(talliesEvent(windowStart, windowEnd, groups));
        [groups, size] = [[], 0];
      }
      groups.push(part);
      size += n;
    }
    if (groups.length) batches.push(talliesEvent(windowStart, windowEnd, groups));
    return batches;
  }
}

// A group as contract objects: its successes in the first part, its recovered ids split across
// parts (a group may carry at most 2,000).
function groupParts(g) {
  const ids = [...new Set(g.recovered)];
  const parts = [];
  for (let i = 0; i === 0 || i < ids.length; i += RECOVERED_PER_PART) {
    const part = { source: g.source, provider: g.provider, model: g.model, key_fingerprint: g.key_fingerprint };
    if (i === 0) {
      part.successes_by_minute = Object.fromEntries([...g.successes].sort((a, b) => a[0] - b[0]));
      if (g.last) part.last_success_at = g.last.toISOString();
    }
    const chunk = ids.slice(i, i + RECOVERED_PER_PART);
    if (chunk.length) part.recovered_event_ids = chunk;
    parts.push(part);
  }
  return parts;
}

function talliesEvent(windowStart, windowEnd, groups) {
  return {
    type: 'tallies',
    schema_version: SCHEMA_VERSION,
    batch_id: randomUUID(),
    window_start: windowStart,
    window_end: windowEnd,
    groups,
  };
}

// -- publishing -------------------------------------------------------------------------------

/** The attributes subscription filters read. A `tallies` batch spans groups: type and version
 * only. */
export function attributesFor(event) {
  const attrs = { type: event.type, schema_version: String(event.schema_version) };
  if (event.type !== 'tallies') {
    if (event.source) attrs.source = event.source;
    attrs.provider = event.provider;
  }
  return attrs;
}

export function eventId(event) {
  return event.event_id ?? event.tally_id ?? event.batch_id;
}

/** The events topic through @google-cloud/pubsub; with PUBSUB_EMULATOR_HOST set the client talks
 * to the emulator. */
export class Publisher {
  #pubsub = null;
  #topic = null;

  constructor({
    projectId = process.env.KEYWATCH_PROJECT_ID || process.env.GOOGLE_CLOUD_PROJECT,
    topic = process.env.KEYWATCH_EVENTS_TOPIC || 'keywatch-events',
  } = {}) {
    this.projectId = projectId;
    this.topicName = topic;
  }

  async #ensureTopic() {
    if (!this.#topic) {
      const { PubSub } = await import('@google-cloud/pubsub'); // loaded on first publish
      this.#pubsub = new PubSub(this.projectId ? { projectId: this.projectId } : {});
      this.#topic = this.#pubsub.topic(this.topicName);
    }
    return this.#topic;
  }

  /** Publish one event; resolves to Pub/Sub's message id. */
  async publish(event) {
    const { data, attributes } = message(event);
    const topic = await this.#ensureTopic();
    return topic.publishMessage({ data, attributes });
  }

  async close() {
    if (this.#topic) await this.#topic.flush();
    if (this.#pubsub) await this.#pubsub.close();
  }
}

/** The bytes and attributes of an event's message; refuses what classify would drop as poison
 * for its size. */
export function message(event) {
  const data = Buffer.from(JSON.stringify(event), 'utf8');
  if (data.length > MAX_MESSAGE_BYTES) {
    throw new Error(`a ${event.type} of ${data.length} bytes exceeds ${MAX_MESSAGE_BYTES} (classify drops it)`);
  }
  return { data, attributes: attributesFor(event) };
}

// -- the CLI ----------------------------------------------------------------------------------

const USAGE = `usage (the key is read from LLM_API_KEY):
  node report.mjs failure --source byok|platform --provider P --model M [--status N]
      [--error-type T] [--error-code C] [--message TEXT] [--uid U] [--feature F]
      [--request-id R] [--attempt N] [--will-retry]
  node report.mjs success --source byok|platform --provider P --model M [--count N]
      [--recovers EVENT_ID]...
  node report.mjs fingerprint
options: --json (one JSON object per message), --dry-run (build and print, publish nothing)
env: KEYWATCH_FINGERPRINT_SECRET, KEYWATCH_EVENTS_TOPIC (keywatch-events),
     KEYWATCH_PROJECT_ID or GOOGLE_CLOUD_PROJECT, PUBSUB_EMULATOR_HOST (the local emulator)`;

const OPTIONS = {
  source: { type: 'string' },
  provider: { type: 'string' },
  model: { type: 'string' },
  status: { type: 'string' },
  'error-type': { type: 'string' },
  'error-code': { type: 'string' },
  message: { type: 'string' },
  uid: { type: 'string' },
  feature: { type: 'string' },
  'request-id': { type: 'string' },
  attempt: { type: 'string' },
  'will-retry': { type: 'boolean' },
  count: { type: 'string', default: '1' },
  recovers: { type: 'string', multiple: true, default: [] },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export async function main(argv = process.argv.slice(2)) {
  const { values: o, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [command] = positionals;
  if (o.help || !['failure', 'success', 'fingerprint'].includes(command)) {
    console.error(USAGE);
    return o.help ? 0 : 2;
  }
  const apiKey = process.env.LLM_API_KEY;
  if (!apiKey) {
    console.error('LLM_API_KEY is not set (the key is never taken from the command line)');
    return 2;
  }
  if (command === 'fingerprint') {
    console.log(keyFingerprint(apiKey));
    return 0;
  }
  const group = { apiKey, source: o.source, provider: o.provider, model: o.model };
  let events;
  if (command === 'failure') {
    events = [
      failureEvent({
        ...group,
        statusCode: o.status,
        errorType: o['error-type'],
        errorCode: o['error-code'],
        errorMessage: o.message,
        uid: o.uid,
        feature: o.feature,
        requestId: o['request-id'],
        attempt: o.attempt ?? 1,
        willRetry: o['will-retry'],
      }),
    ];
  } else {
    const tallies = new SuccessTallies();
    tallies.success({ ...group, count: Number(o.count), recovers: o.recovers });
    events = tallies.flush();
  }
  const publisher = o['dry-run'] ? null : new Publisher();
  try {
    for (const event of events) {
      const { data, attributes } = message(event);
      const messageId = publisher ? await publisher.publish(event) : null;
      const id = eventId(event);
      if (o.json) {
        console.log(JSON.stringify({ type: event.type, id, message_id: messageId, attributes, data: data.toString('utf8') }));
      } else {
        console.log(`${publisher ? 'published' : 'built'} ${event.type} ${id}${messageId ? ` (message ${messageId})` : ''}`);
      }
    }
  } finally {
    await publisher?.close();
  }
  return 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`keywatch report: ${err.message}`);
      process.exit(1);
    },
  );
}
