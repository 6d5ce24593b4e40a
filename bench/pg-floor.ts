/**
 * PostgreSQL's floor, and the server as a ratio to it (not a test). The targets on
 * PostgreSQL are ratios to the store's own floor: what `pg` and PostgreSQL allow before any HTTP,
 * parsing, validation or logging. On one database with OpenCheckout's schema (its migrations),
 * alternately:
 *   - the floor: 10 concurrent `pg` clients (the server's pool size) in a tight loop running
 *     exactly the statements a customer create commits (BEGIN, the customer row, the
 *     webhook-endpoint lookup, its `customer.created` Event row with the row filing it under the
 *     customer, COMMIT), as named prepared statements like the server's; and the indexed select
 *     of a GET by id;
 *   - the server (`SERVER_LAUNCH`, as `npm start` runs it) under autocannon at 10 connections:
 *     POST /v1/customers and GET /v1/customers/{id}.
 * Each figure is the better of the rounds.
 *
 *   node scripts/build.mjs --if-stale && node --import tsx bench/pg-floor.ts   # --seconds=5 --rounds=2, --pg=postgres://… for a given cluster
 * Without --pg=URL it starts a throwaway cluster with scripts/pg.sh (fsync off, as bench:api --pg).
 */
import os from 'node:os';
import pg from 'pg';
import { newId } from '../src/api/ids.js';
import { best, call, fmt, measure, numberOption, startChild, table, type Measured } from './harness.js';
import { freshDatabase, pgCluster } from './pg.js';

const argv = process.argv.slice(2);
const SECONDS = numberOption(argv, 'seconds', 5);
const ROUNDS = numberOption(argv, 'rounds', 2);
const CONNECTIONS = 10;
const KEY = 'sk_test_pg_floor';

interface Floor {
  creates: number;
  gets: number;
}

/** Runs `step` on CONNECTIONS clients at once for SECONDS; returns the steps per second. */
async function loop(pool: pg.Pool, step: (client: pg.PoolClient, i: number) => Promise<void>): Promise<number> {
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < until) await step(client, done++);
      } finally {
        client.release();
      }
    }),
  );
  return done / SECONDS;
}

async function floor(url: string, account: string, customer: Record<string, unknown>): Promise<Floor> {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  try {
    const created = Math.floor(Date.now() / 1000);
    const ids: string[] = [];
    const creates = await loop(pool, async (client) => {
      const id = newId('cus_');
      const data = JSON.stringify({ ...customer, id, created });
      await client.query('begin');
      await client.query({ name: 'floor_customer', text: 'insert into customers (account_id, id, created, data, email, test_clock, deleted) values ($1, $2, $3, $4, $5, $6, $7)', values: [account, id, created, data, 'jenny@example.com', null, 0] });
      await client.query({ name: 'floor_endpoints', text: 'select id, data from webhook_endpoints where account_id = $1 and status = $2 order by seq', values: [account, 'enabled'] });
      const event = `{"id":"${newId('evt_')}","object":"event","created":${created},"data":{"object":${data}},"type":"customer.created"}`;
      // The event and the row filing it under the customer, in one statement as the server writes them.
      await client.query({
        name: 'floor_event',
        text:
          'with e as (insert into events (account_id, id, created, data, type, pending_webhooks) values ($1, $2, $3, $4, $5, $6) returning seq) ' +
          'insert into event_objects (event_seq, account_id, object_id, created) select e.seq, $1, unnest($7::text[]), $3 from e',
        values: [account, newId('evt_'), created, event, 'customer.created', 0, [id]],
      });
      await client.query('commit');
      if (ids.length < 10_000) ids.push(id);
    });
    const gets = await loop(pool, async (client, i) => {
      const r = await client.query({ name: 'floor_get', text: 'select data from customers where account_id = $1 and id = $2', values: [account, ids[i % ids.length]] });
      JSON.parse((r.rows[0] as { data: string }).data);
    });
    return { creates, gets };
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  console.log(`PostgreSQL floor benchmark: ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${ROUNDS} rounds, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const cluster = pgCluster(argv.some((a) => a.startsWith('--pg')) ? argv : [...argv, '--pg']);
  if (!cluster) throw new Error('no PostgreSQL cluster');
  try {
    const url = await freshDatabase(cluster.adminUrl);
    let floorBest: Floor = { creates: 0, gets: 0 };
    let post: Measured | undefined;
    let get: Measured | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startChild('opencheckout', { DATABASE_URL: url, LOG_LEVEL: 'warn' });
      let customer: Record<string, unknown>;
      let account: string;
      try {
        customer = await call(server.url, KEY, 'POST', '/v1/customers', 'email=jenny%40example.com&name=Jenny+Rosen&metadata[order]=123');
        const auth = { authorization: `Bearer ${KEY}` };
        post = best(post, await measure({ name: 'POST /v1/customers', url: `${server.url}/v1/customers`, method: 'POST', body: 'email=jenny%40example.com&name=Jenny+Rosen&metadata[order]=123', headers: auth }, SECONDS, CONNECTIONS, server.pid));
        get = best(get, await measure({ name: 'GET /v1/customers/{id}', url: `${server.url}/v1/customers/${String(customer.id)}`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
      } finally {
        await server.stop();
      }
      // The account the key opens: the one the customer row was written under.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        account = String(((await client.query('select account_id from customers where id = $1', [customer.id])).rows[0] as { account_id: string }).account_id);
      } finally {
        await client.end();
      }
      const f = await floor(url, account, customer);
      floorBest = { creates: Math.max(floorBest.creates, f.creates), gets: Math.max(floorBest.gets, f.gets) };
    }
    const rows = [
      ['POST /v1/customers', fmt(floorBest.creates), fmt(post?.rps ?? 0), `${((post?.rps ?? 0) / floorBest.creates).toFixed(2)} (>= 0.5)`, `${post?.p50} / ${post?.p99}`, fmt(post?.cpuUs ?? 0)],
      ['GET /v1/customers/{id}', fmt(floorBest.gets), fmt(get?.rps ?? 0), `${((get?.rps ?? 0) / floorBest.gets).toFixed(2)} (>= 0.6)`, `${get?.p50} / ${get?.p99}`, fmt(get?.cpuUs ?? 0)],
    ];
    console.log(table(['Request', 'floor: store alone, per s', 'server req/s', 'ratio to the floor (target)', 'server p50 / p99 ms', 'server CPU µs/req'], rows));
    console.log(`\nload average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
