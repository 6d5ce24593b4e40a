/** Configuration, read from the environment once at start (README lists every variable). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string | undefined;
  /** Strict mode: only these secret keys authenticate. Undefined = dev mode (any well-formed key). */
  apiKeys: string[] | undefined;
  logLevel: string;
  /** Seconds a payment of a type that settles later (ACH) stays `processing` before it settles. */
  settlementDelaySeconds: number;
  /** Seconds between webhook delivery attempts; attempt n waits retrySchedule[n-1] (last repeats). */
  webhookRetrySchedule: number[];
  webhookMaxAttempts: number;
  webhookTimeoutMs: number;
  /** Days events and idempotency records are kept before pruning. */
  eventRetentionDays: number;
  /** Token that opens the /_admin routes; undefined = admin routes take any secret key of the account. */
  adminToken: string | undefined;
  /** The request log keeps at most this many rows (all accounts); 0 turns it off (docs/decisions.md#request-log). */
  requestLogMaxRows: number;
  /** Days a request log row is kept; 0 = no age limit. */
  requestLogRetentionDays: number;
  /** A Stripe CLI fixtures file run once per account and file content at start (docs/decisions.md#fixtures). */
  fixtures: string | undefined;
  /** The secret key the start-up fixtures run with. */
  fixturesApiKey: string | undefined;
}

const DEFAULT_RETRY_SCHEDULE = [60, 300, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 86400];

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
}

function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(/[\s,]+/).filter(Boolean);
}

/** Reads the configuration from environment variables, refusing invalid values with a readable message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const schedule = list(env.OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE)?.map(Number);
  if (schedule?.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new Error('OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE must be a comma-separated list of seconds');
  }
  const settlement = int(env, 'OPENCHECKOUT_SETTLEMENT_DELAY', 5);
  if (settlement > 30) throw new Error('OPENCHECKOUT_SETTLEMENT_DELAY is at most 30 seconds');
  return {
    port: int(env, 'PORT', 12111),
    host: env.HOST ?? '0.0.0.0',
    dataDir: env.DATA_DIR ?? './data',
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    apiKeys: list(env.OPENCHECKOUT_API_KEYS),
    logLevel: env.LOG_LEVEL ?? 'info',
    settlementDelaySeconds: settlement,
    webhookRetrySchedule: schedule?.length ? schedule : DEFAULT_RETRY_SCHEDULE,
    webhookMaxAttempts: int(env, 'OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS', 11),
    webhookTimeoutMs: int(env, 'OPENCHECKOUT_WEBHOOK_TIMEOUT_MS', 10_000),
    eventRetentionDays: int(env, 'OPENCHECKOUT_EVENT_RETENTION_DAYS', 30),
    adminToken: env.OPENCHECKOUT_ADMIN_TOKEN || undefined,
    requestLogMaxRows: Math.floor(int(env, 'OPENCHECKOUT_REQUEST_LOG_MAX_ROWS', 10_000)),
    requestLogRetentionDays: int(env, 'OPENCHECKOUT_REQUEST_LOG_DAYS', 7),
    fixtures: env.OPENCHECKOUT_FIXTURES || undefined,
    fixturesApiKey: env.OPENCHECKOUT_FIXTURES_API_KEY || env.STRIPE_API_KEY || list(env.OPENCHECKOUT_API_KEYS)?.[0] || undefined,
  };
}
