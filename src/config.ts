/** Configuration, read from the environment once at start (README lists every variable). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Page cache of each SQLite connection, in MiB (bench/README.md, "Memory"). */
  sqliteCacheMib: number;
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
  /** Sockets and bodies (docs/decisions.md#sockets-and-bodies). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** Refuse webhook URLs on private, loopback, link-local and metadata addresses (docs/decisions.md#webhook-url-policy). */
  webhookBlockPrivate: boolean;
  /** The request log keeps at most this many rows (all accounts); 0 turns it off (docs/decisions.md#request-log). */
  requestLogMaxRows: number;
  /** Days a request log row is kept; 0 = no age limit. */
  requestLogRetentionDays: number;
  /** Successful writes stored per second, at most; the rest are held in memory like GETs (docs/decisions.md#request-log). */
  requestLogStoredPerSecond: number;
  /** A Stripe CLI fixtures file run once per account and file content at start (docs/decisions.md#fixtures). */
  fixtures: string | undefined;
  /** The secret key the start-up fixtures run with. */
  fixturesApiKey: string | undefined;
}

/** The SQLite page cache per connection, in MiB, when OPENCHECKOUT_SQLITE_CACHE_MIB is not set (docs/decisions.md#memory). */
export const SQLITE_CACHE_MIB = 4;

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
    sqliteCacheMib: int(env, 'OPENCHECKOUT_SQLITE_CACHE_MIB', SQLITE_CACHE_MIB),
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    apiKeys: list(env.OPENCHECKOUT_API_KEYS),
    logLevel: env.LOG_LEVEL ?? 'info',
    settlementDelaySeconds: settlement,
    webhookRetrySchedule: schedule?.length ? schedule : DEFAULT_RETRY_SCHEDULE,
    webhookMaxAttempts: int(env, 'OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS', 11),
    webhookTimeoutMs: int(env, 'OPENCHECKOUT_WEBHOOK_TIMEOUT_MS', 10_000),
    eventRetentionDays: int(env, 'OPENCHECKOUT_EVENT_RETENTION_DAYS', 30),
    adminToken: env.OPENCHECKOUT_ADMIN_TOKEN || undefined,
    ...hardening(env),
    requestLogMaxRows: Math.floor(int(env, 'OPENCHECKOUT_REQUEST_LOG_MAX_ROWS', 10_000)),
    requestLogRetentionDays: int(env, 'OPENCHECKOUT_REQUEST_LOG_DAYS', 7),
    requestLogStoredPerSecond: int(env, 'OPENCHECKOUT_REQUEST_LOG_STORED_PER_SECOND', 1000),
    fixtures: env.OPENCHECKOUT_FIXTURES || undefined,
    fixturesApiKey: env.OPENCHECKOUT_FIXTURES_API_KEY || env.STRIPE_API_KEY || list(env.OPENCHECKOUT_API_KEYS)?.[0] || undefined,
  };
}

/** The socket limits and the webhook URL policy (docs/decisions.md#sockets-and-bodies). */
function hardening(env: NodeJS.ProcessEnv) {
  const headersTimeoutMs = int(env, 'OPENCHECKOUT_HEADERS_TIMEOUT_MS', 20_000);
  const requestTimeoutMs = int(env, 'OPENCHECKOUT_REQUEST_TIMEOUT_MS', 60_000);
  if (headersTimeoutMs < 1 || requestTimeoutMs < 1) throw new Error('OPENCHECKOUT_HEADERS_TIMEOUT_MS and OPENCHECKOUT_REQUEST_TIMEOUT_MS must be at least 1');
  const block = env.OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE ?? '';
  if (!['', '0', '1', 'true', 'false'].includes(block)) throw new Error('OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE must be 1 or 0');
  return {
    headersTimeoutMs,
    // Node refuses a request timeout shorter than the headers timeout.
    requestTimeoutMs: Math.max(requestTimeoutMs, headersTimeoutMs),
    keepAliveTimeoutMs: int(env, 'OPENCHECKOUT_KEEP_ALIVE_TIMEOUT_MS', 65_000),
    maxConnections: int(env, 'OPENCHECKOUT_MAX_CONNECTIONS', 4096),
    webhookBlockPrivate: block === '1' || block === 'true',
  };
}

/** One setting read from the environment: what `opencheckout serve --help` and the README list. */
export interface Setting {
  env: string;
  default: string;
  meaning: string;
}

/**
 * Every environment variable the server reads, in one table: `opencheckout serve --help` prints
 * it, and test/architecture/settings.test.ts checks that every variable read anywhere in src/
 * and every row of the README's table is here, so the help cannot drift from the code.
 */
export const SETTINGS: readonly Setting[] = [
  { env: 'PORT', default: '12111', meaning: 'Port for the API and the hosted pages; 0 picks a free port.' },
  { env: 'HOST', default: '0.0.0.0', meaning: 'Interface to listen on.' },
  { env: 'DATA_DIR', default: './data', meaning: 'Where the embedded SQLite database lives.' },
  { env: 'DATABASE_URL', default: '', meaning: 'postgres://...: use PostgreSQL instead of SQLite; several instances may share it.' },
  { env: 'OPENCHECKOUT_SQLITE_CACHE_MIB', default: String(SQLITE_CACHE_MIB), meaning: 'Page cache of each SQLite connection, in MiB. The OS caches the file as well: at 4, a create and a list with 1,000,000 customers stored cost within 1.1x of an empty store.' },
  { env: 'PUBLIC_URL', default: 'the bound address', meaning: 'Base of session.url and other links, behind a proxy.' },
  { env: 'OPENCHECKOUT_API_KEYS', default: '', meaning: 'Strict mode: comma-separated list of the only secret keys that authenticate.' },
  { env: 'LOG_LEVEL', default: 'info', meaning: 'pino log level (debug, info, warn, error, silent).' },
  { env: 'OPENCHECKOUT_SETTLEMENT_DELAY', default: '5', meaning: 'Seconds a bank payment stays processing before it settles (at most 30).' },
  { env: 'OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE', default: DEFAULT_RETRY_SCHEDULE.join(','), meaning: 'Seconds between webhook delivery attempts.' },
  { env: 'OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS', default: '11', meaning: 'Attempts before a delivery is marked failed.' },
  { env: 'OPENCHECKOUT_WEBHOOK_TIMEOUT_MS', default: '10000', meaning: 'A webhook receiver that takes longer counts as failed.' },
  { env: 'OPENCHECKOUT_EVENT_RETENTION_DAYS', default: '30', meaning: 'Events and delivery records older than this are pruned.' },
  { env: 'OPENCHECKOUT_ADMIN_TOKEN', default: '', meaning: 'Token for the /_admin routes (header OpenCheckout-Admin-Token) and the strict-mode Dashboard.' },
  { env: 'OPENCHECKOUT_HEADERS_TIMEOUT_MS', default: '20000', meaning: 'A client must send its request headers within this long, else its socket is closed.' },
  { env: 'OPENCHECKOUT_REQUEST_TIMEOUT_MS', default: '60000', meaning: 'A client must send its whole request (headers and body) within this long.' },
  { env: 'OPENCHECKOUT_KEEP_ALIVE_TIMEOUT_MS', default: '65000', meaning: 'An idle keep-alive socket is closed after this long.' },
  { env: 'OPENCHECKOUT_MAX_CONNECTIONS', default: '4096', meaning: 'Open sockets at most; more are closed at once. Keep it below `ulimit -n`.' },
  { env: 'OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE', default: '0', meaning: '1: refuse webhook URLs on private, loopback, link-local and metadata addresses, at create and at connect time.' },
  { env: 'OPENCHECKOUT_REQUEST_LOG_MAX_ROWS', default: '10000', meaning: 'The API request log (Dashboard "Logs", opencheckout logs tail) stores at most this many rows (writes and errors; successful GETs stay in memory, at most 1000 per instance); 0 turns it off.' },
  { env: 'OPENCHECKOUT_REQUEST_LOG_DAYS', default: '7', meaning: 'Request log rows older than this many days are pruned (0: no age limit).' },
  { env: 'OPENCHECKOUT_REQUEST_LOG_STORED_PER_SECOND', default: '1000', meaning: 'Successful writes the request log stores per second, at most; past it they are held in the serving instance’s memory like successful GETs (errors are always stored).' },
  { env: 'OPENCHECKOUT_FIXTURES', default: '', meaning: 'A Stripe CLI fixtures file run at start, once per account and file content.' },
  { env: 'OPENCHECKOUT_FIXTURES_API_KEY', default: 'STRIPE_API_KEY, else the first of OPENCHECKOUT_API_KEYS', meaning: 'The secret key whose account the start-up fixtures are created in.' },
  { env: 'PG_POOL_SIZE', default: '10', meaning: 'PostgreSQL connections per instance.' },
  { env: 'OPENCHECKOUT_PG_IDLE_TX_TIMEOUT_MS', default: '60000', meaning: 'PostgreSQL ends a transaction left idle this long.' },
];
