/**
 * Served Stripe.js benchmark (not a test): the script's size (raw and gzipped) and, in headless
 * Chromium, how long a merchant page takes from navigation to `window.Stripe` (the script loaded
 * from `/v3/`) and to the embedded form's card field shown in its frame (`initEmbeddedCheckout`,
 * `mount`, the frame's page), and to the Payment Element's card field (`initCheckoutElementsSdk`,
 * `createPaymentElement().mount`). Each run is a fresh browser context (no cache).
 *
 *   node --import tsx bench/stripe-js.ts [runs=10]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { chromium } from 'playwright-core';
import Stripe from 'stripe';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const RUNS = Number(process.argv[2] ?? 10);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-js-'));
  const app = await createApp({ config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), log: pino({ level: 'silent' }), deliveries: false });
  const u = new URL(app.url);
  const stripe = new Stripe('sk_test_bench_js', { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0, telemetry: false });
  const merchant = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/secret' || req.url === '/elements-secret') {
      const uiMode = req.url === '/secret' ? 'embedded_page' : 'elements';
      stripe.checkout.sessions
        .create({ mode: 'payment', ui_mode: uiMode, redirect_on_completion: 'never', line_items: [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Tote' } }, quantity: 1 }] })
        .then((s) => res.end(JSON.stringify({ clientSecret: s.client_secret })), (err: unknown) => res.end(String(err)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    if (req.url === '/elements') {
      res.end(`<!doctype html><script src="${app.url}/v3/"></script><div id="c"></div><script>
const checkout = Stripe('pk_test_bench_js').initCheckoutElementsSdk({ clientSecret: fetch('/elements-secret').then((r) => r.json()).then((j) => j.clientSecret) });
checkout.createPaymentElement().mount('#c');
</script>`);
      return;
    }
    res.end(`<!doctype html><script src="${app.url}/v3/"></script><div id="c"></div><script>
window.loaded = performance.now();
Stripe('pk_test_bench_js').initEmbeddedCheckout({ fetchClientSecret: () => fetch('/secret').then((r) => r.json()).then((j) => j.clientSecret) }).then((c) => c.mount('#c'));
</script>`);
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', () => resolve()));
  const merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const script = await (await fetch(`${app.url}/v3/`)).text();
    const loaded: number[] = [];
    const form: number[] = [];
    const element: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(merchantUrl);
      loaded.push(await page.evaluate('window.loaded'));
      await page.frameLocator('iframe').locator('#cardNumber').waitFor({ state: 'attached' });
      form.push(Date.now() - started);
      const started2 = Date.now();
      await page.goto(`${merchantUrl}/elements`);
      await page.frameLocator('iframe').locator('#cardNumber').waitFor({ state: 'attached' });
      element.push(Date.now() - started2);
      await context.close();
    }
    console.log(`script: ${Buffer.byteLength(script)} bytes, ${gzipSync(script).length} bytes gzipped`);
    console.log(`navigation -> window.Stripe: median ${median(loaded).toFixed(1)} ms over ${RUNS} runs`);
    console.log(`navigation -> card field in the frame: median ${median(form)} ms over ${RUNS} runs`);
    console.log(`navigation -> card field in the Payment Element (initCheckoutElementsSdk): median ${median(element)} ms over ${RUNS} runs`);
  } finally {
    await browser.close();
    merchant.close();
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
