// A server under benchmark, in its own process so the load generator does not share its event
// loop. Plain JavaScript on the compiled build (`npm run build` -> dist/): what `npm start` runs,
// without a TypeScript loader inflating RSS (tsx adds ~60 MiB).
//   node bench/server-child.mjs bare          -> node:http answering a 200-byte JSON
//   node bench/server-child.mjs opencheckout  -> OpenCheckout, configured by the environment
// Reports `{ url }` to the parent over IPC once listening; exits on 'stop'.
import http from 'node:http';

/** Exactly 200 bytes of JSON, the size of a small API answer. */
const BARE_BODY = (() => {
  const base = { object: 'customer', id: 'cus_0123456789abcdefghijklmn', email: 'jenny@example.com', name: 'Jenny Rosen', pad: '' };
  base.pad = 'x'.repeat(200 - Buffer.byteLength(JSON.stringify(base)));
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
  } else throw new Error(`unknown mode ${String(mode)}`);
  process.on('message', (msg) => {
    if (msg === 'stop') void stop().then(() => process.exit(0));
    if (msg === 'memory') process.send?.({ memory: process.memoryUsage() });
  });
  process.send?.({ url });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
