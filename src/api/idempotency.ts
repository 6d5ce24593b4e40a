import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import { exec } from '../store/objects.js';
import { errors } from './errors.js';

/** Idempotency records are kept this long (Stripe: 24 hours). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable(obj[k])}`)
    .join(',')}}`;
}

/** A hash of the request (never the body itself: it may carry a card number). */
export function requestHash(method: string, path: string, params: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${stable(params)}`).digest('base64url');
}

/** Refuses an `Idempotency-Key` longer than Stripe allows (255 characters). */
export function checkKey(key: string): void {
  if (key.length > 255) throw errors.invalid('Invalid Idempotency-Key: must be at most 255 characters long.', 'idempotency_key');
}

/**
 * The earlier response for this key, or undefined if the key is new (or older than 24 h).
 * A key reused with different params is an error.
 */
export async function findReplay(db: Db, account: string, key: string, hash: string, nowSeconds: number): Promise<StoredResponse | undefined> {
  const { rows } = await exec<{ request_hash: string; status_code: number; response_body: string; request_id: string; created: number }>(
    db,
    'idempotency find',
    (p) => `select request_hash, status_code, response_body, request_id, created from idempotency_keys where account_id = ${p(1)} and "key" = ${p(2)}`,
    [account, key],
  );
  const row = rows[0];
  if (!row || row.created < nowSeconds - IDEMPOTENCY_TTL_SECONDS) return undefined;
  if (row.request_hash !== hash) throw errors.idempotencyMismatch(key);
  return { status: row.status_code, body: row.response_body, requestId: row.request_id };
}

/**
 * Records the response. Called inside the request's own transaction, so the key and the changes
 * it guards commit together; a concurrent twin then fails on the primary key and replays.
 */
export async function remember(db: Db, account: string, key: string, hash: string, response: StoredResponse, nowSeconds: number): Promise<void> {
  // An expired record of the same key gives way to the new request.
  await exec(
    db,
    'idempotency expire',
    (p) => `delete from idempotency_keys where account_id = ${p(1)} and "key" = ${p(2)} and created < ${p(3)}`,
    [account, key, nowSeconds - IDEMPOTENCY_TTL_SECONDS],
  );
  await exec(
    db,
    'idempotency remember',
    (p) =>
      `insert into idempotency_keys (account_id, "key", request_hash, status_code, response_body, request_id, created) values (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`,
    [account, key, hash, response.status, response.body, response.requestId, nowSeconds],
  );
}

/** Deletes idempotency records older than their 24 hours; returns how many. */
export async function pruneIdempotencyKeys(db: Db, nowSeconds: number): Promise<number> {
  const res = await db.deleteFrom('idempotency_keys').where('created', '<', nowSeconds - IDEMPOTENCY_TTL_SECONDS).executeTakeFirst();
  return Number(res.numDeletedRows);
}
