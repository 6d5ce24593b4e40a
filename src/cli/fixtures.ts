/**
 * Stripe CLI fixtures files, run unchanged (docs/decisions.md#fixtures): `opencheckout fixtures
 * FILE.json` and `OPENCHECKOUT_FIXTURES` at server start. The syntax is the Stripe CLI's
 * (pkg/fixtures, pkg/parsers): `_meta.template_version` 0, `fixtures[]` with `name`, `path`,
 * `method`, `params`, `idempotency_key`, `headers`, `expected_error_type`; strings may reference
 * `${name:json.path}` (an earlier fixture's response), `${.env:VAR}` and `${.env:VAR|default}`
 * (the environment, then ./.env), `${time-now-RFC3339}` and `${generate-uuid}`.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, client, type Client } from './api.js';

export interface FixtureRequest {
  name: string;
  path: string;
  method?: string;
  params?: Record<string, unknown>;
  idempotency_key?: string;
  headers?: Record<string, string>;
  expected_error_type?: string;
}

export interface FixtureFile {
  _meta?: { template_version?: number; exclude_metadata?: boolean };
  fixtures: FixtureRequest[];
  env?: Record<string, string>;
}

/** The Stripe CLI's reference pattern (parsers.MatchFixtureQuery). */
const QUERY = /\$\{([^|}]+):([^|}]+)\|?([^/\n}]+)?\}/;

/** Reads a value out of a response by a gjson-style dotted path (`id`, `items.data.0.price.id`). */
function lookup(value: unknown, query: string): string {
  let cur: unknown = value;
  for (const part of query.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = Array.isArray(cur) ? (/^\d+$/.test(part) ? cur[Number(part)] : part === '#' ? cur.length : undefined) : (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

/** `VAR` from the environment, else from ./.env (as the Stripe CLI reads it), else ''. */
function envValue(name: string, cwd: string): string {
  const fromEnv = process.env[name];
  if (fromEnv) return fromEnv;
  try {
    for (const line of fs.readFileSync(path.join(cwd, '.env'), 'utf8').split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m && m[1] === name) return (m[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
    }
  } catch {
    // no .env
  }
  return '';
}

/** Thrown for a fixtures file that cannot run (bad JSON, an unknown reference, a failed request). */
export class FixtureError extends Error {}

/** Resolves one string's reference, as the Stripe CLI's ParseQuery does (only the first one in a string). */
export function resolveString(text: string, responses: ReadonlyMap<string, unknown>, cwd = process.cwd()): string {
  if (text === '${time-now-RFC3339}') return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (text === '${generate-uuid}') return randomUUID();
  const m = QUERY.exec(text);
  if (!m) return text;
  const [match, name = '', query = '', fallback] = m;
  const otherwise = fallback ?? text;
  if (name === '.env') {
    const v = envValue(query, cwd);
    return v === '' ? otherwise : text.replace(match, v);
  }
  if (!responses.has(name)) {
    const similar = [...responses.keys()].filter((k) => k.includes(name) || name.includes(k));
    throw new FixtureError(`an undeclared fixture name was referenced: ${name}${similar.length ? `. Perhaps you meant one of the following: ${similar.join(', ')}` : ''}`);
  }
  const v = lookup(responses.get(name), query);
  return v === '' ? otherwise : text.replace(match, v);
}

/**
 * The params as form fields, the Stripe CLI's way (ParseMapForFormData): nested objects as
 * `a[b]`, arrays of scalars as `a[]`, arrays of objects as `a[0][b]`, a key already written with
 * brackets (`recurring[interval]`) kept as it is.
 */
export function formFields(params: unknown, responses: ReadonlyMap<string, unknown>, parent = '', cwd = process.cwd()): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const scalar = (v: unknown): string | undefined =>
    typeof v === 'string' ? resolveString(v, responses, cwd) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  if (Array.isArray(params)) {
    let index = -1;
    for (const v of params) {
      const s = scalar(v);
      if (s !== undefined) out.push([`${parent}[]`, s]);
      else if (Array.isArray(v)) out.push(...formFields(v, responses, parent, cwd));
      else if (v && typeof v === 'object') {
        index++;
        out.push(...formFields(v, responses, `${parent}[${index}]`, cwd));
      }
    }
    return out;
  }
  if (params && typeof params === 'object') {
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
      const name = parent ? `${parent}[${k}]` : k;
      const s = scalar(v);
      if (s !== undefined) out.push([name, s]);
      else if (v && typeof v === 'object') out.push(...formFields(v, responses, name, cwd));
    }
  }
  return out;
}

const encodeField = ([k, v]: [string, string]) => `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(v)}`;

/** Parses and checks a fixtures file's text. */
export function parseFixtures(text: string, source: string): FixtureFile {
  let data: FixtureFile;
  try {
    data = JSON.parse(text) as FixtureFile;
  } catch (err) {
    throw new FixtureError(`${source} is not JSON: ${(err as Error).message}`);
  }
  if (!data || !Array.isArray(data.fixtures)) throw new FixtureError(`${source} has no "fixtures" array.`);
  const version = data._meta?.template_version ?? 0;
  if (version !== 0) throw new FixtureError(`Fixture version not supported: ${version}`);
  for (const f of data.fixtures) {
    if (!f || typeof f.name !== 'string' || typeof f.path !== 'string') throw new FixtureError(`${source}: every fixture needs a "name" and a "path".`);
  }
  return data;
}

/** What a run did: each fixture's name and response, in order. */
export interface FixtureRun {
  responses: Map<string, unknown>;
}

/**
 * Runs the fixtures in order against the API, each reference resolved from the responses before
 * it. `keyPrefix`, when given, makes every POST without its own `idempotency_key` idempotent
 * (`<prefix>:<fixture name>`): the same file run again within the server's idempotency window
 * creates nothing twice.
 */
export async function runFixtures(
  api: Client,
  file: FixtureFile,
  opts: { out?: (line: string) => void; keyPrefix?: string; cwd?: string } = {},
): Promise<FixtureRun> {
  const out = opts.out ?? (() => undefined);
  const cwd = opts.cwd ?? process.cwd();
  const responses = new Map<string, unknown>();
  for (const f of file.fixtures) {
    out(`Setting up fixture for: ${f.name}`);
    out(`Running fixture for: ${f.name}`);
    const method = (f.method ?? 'post').toUpperCase();
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') throw new FixtureError(`${f.name}: method ${f.method} is not get, post or delete.`);
    const urlPath = f.path.replace(new RegExp(QUERY.source, 'g'), (m) => resolveString(m, responses, cwd));
    if (!/^\/v1\//.test(urlPath)) throw new FixtureError(`fixture path "${f.path}" is not a valid Stripe API path (must start with /v1/)`);
    const fields = formFields(f.params ?? {}, responses, '', cwd).map(encodeField).join('&');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.headers ?? {})) headers[k] = resolveString(v, responses, cwd);
    if (f.idempotency_key) headers['Idempotency-Key'] = resolveString(f.idempotency_key, responses, cwd);
    else if (opts.keyPrefix && method === 'POST') headers['Idempotency-Key'] = `${opts.keyPrefix}:${f.name}`;
    try {
      responses.set(f.name, await api.raw(method, urlPath, fields, headers));
    } catch (err) {
      if (err instanceof ApiError) {
        const type = (err.body as { error?: { type?: string } } | undefined)?.error?.type;
        if (f.expected_error_type && type === f.expected_error_type) {
          responses.set(f.name, err.body);
          continue;
        }
        throw new FixtureError(`fixture ${f.name} failed: ${method} ${urlPath} answered ${err.status}: ${err.message}`);
      }
      throw err;
    }
  }
  return { responses };
}

/** The idempotency prefix of a file's run: the file's content, so an edited file runs again. */
export function fixturesDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * `OPENCHECKOUT_FIXTURES` at start (docs/decisions.md#fixtures): runs the file through this
 * server's API with `apiKey`, unless this account already ran this very file (a setting marks it,
 * keyed by the file's digest). Every POST carries an idempotency key derived from the digest and
 * the fixture's name, so instances starting together, or a start that died half-way and starts
 * again, create nothing twice.
 */
export async function loadFixturesAtStart(opts: {
  file: string;
  apiBase: string;
  apiKey: string;
  alreadyRan(digest: string): Promise<boolean>;
  markRan(digest: string): Promise<void>;
  out(line: string): void;
}): Promise<'ran' | 'skipped'> {
  const text = fs.readFileSync(opts.file, 'utf8');
  const digest = fixturesDigest(text);
  if (await opts.alreadyRan(digest)) return 'skipped';
  const data = parseFixtures(text, opts.file);
  await runFixtures(client({ apiBase: opts.apiBase, apiKey: opts.apiKey }), data, { keyPrefix: `fixtures-${digest}`, out: opts.out });
  await opts.markRan(digest);
  return 'ran';
}
