// A server under benchmark, in its own process so the load generator does not share its event
// loop. Plain JavaScript on the compiled build (`npm run build` -> dist/): what `npm start` runs,
// without a TypeScript loader inflating RSS (tsx adds ~60 MiB).
//   node bench/server-child.mjs bare          -> node:http answering a 200-byte JSON
//   node bench/server-child.mjs opencheckout  -> OpenCheckout, configured by the environment
//   node bench/server-child.mjs get-floor     -> node:http answering GET /v1/customers/{id} from
//     the SQLite file in DATA_DIR with the least a store-backed GET does (bench/get-floor.ts)
// Reports `{ url }` to the parent over IPC once listening; exits on 'stop'.
import http from 'node:http';

/** Exactly 200 bytes of JSON, the size of a small API answer (BARE_BYTES: another size, for bench/get-floor.ts). */
const BARE_BODY = (() => {
  const base = { object: 'customer', id: 'cus_0123456789abcdefghijklmn', email: 'jenny@example.com', name: 'Jenny Rosen', pad: '' };
  base.pad = 'x'.repeat(Number(process.env.BARE_BYTES ?? 200) - Buffer.byteLength(JSON.stringify(base)));
  return JSON.stringify(base);
})();

async function main() {
  const mode = process.argv[2];
  let url;
  let stop;
  if (mode === 'bare') {
    const server = http.createServer({ keepAliveTimeout: 65_000 }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(BARE_BODY)) });
      res.end(BARE_BODY);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${server.address().port}`;
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  } else if (mode === 'opencheckout') {
    const { createApp } = await import('../dist/app.js');
    const { loadConfig } = await import('../dist/config.js');
    const { createLogger } = await import('../dist/log.js');
    const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
    const app = await createApp({ config, log: createLogger(config.logLevel) });
    url = app.url;
    stop = () => app.close();
  } else if (mode === 'get-floor') {
    ({ url, stop } = await getFloor());
  } else throw new Error(`unknown mode ${String(mode)}`);
  process.on('message', (msg) => {
    if (msg === 'stop') void stop().then(() => process.exit(0));
    if (msg === 'memory') process.send?.({ memory: process.memoryUsage() });
  });
  process.send?.({ url });
}

/**
 * The least any server that reads its store on each GET does: the key looked up in a Map, the
 * path split, one indexed select on OpenCheckout's own file and read connection settings, and the
 * stored JSON sent with the headers Stripe sends (Request-Id, Stripe-Version, Content-Type,
 * Cache-Control). No router, params, logging or request log.
 */
async function getFloor() {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(`${process.env.DATA_DIR}/opencheckout.db`, { readonly: true });
  db.pragma('cache_size = -4096');
  const select = db.prepare('select data from customers where account_id = ? and id = ?').pluck();
  const accounts = new Map(JSON.parse(process.env.FLOOR_KEYS ?? '[]'));
  let n = 0;
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const auth = req.headers.authorization ?? '';
    const account = accounts.get(auth.slice(7));
    const id = (req.url ?? '').split('?', 1)[0].split('/')[3];
    const data = account === undefined ? undefined : select.get(account, id);
    const body = data ?? '{"error":{"type":"invalid_request_error"}}';
    res.writeHead(data ? 200 : 404, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'Request-Id': `req_${(n++).toString(36).padStart(14, '0')}`,
      'Stripe-Version': '2026-10-28.endive',
      'Cache-Control': 'no-cache, no-store',
    });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve(db.close()))),
  };
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
