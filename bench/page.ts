/**
 * Hosted page benchmark: server render time of the payment page (median and p99 over many
 * renders of a realistic session — 2 line items, a customer with a prefilled saved card, shipping
 * collection) and its weight; plus the whole GET /c/pay/:id over HTTP for context.
 *
 *   node --import tsx bench/page.ts [renders=5000] [requests=500]
 *
 * Targets (issue 3): render <= 2 ms median, page <= 60 KB.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import Stripe from 'stripe';
import { makeCtx } from '../src/api/context.js';
import { accountForKey } from '../src/api/auth.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { csrfToken } from '../src/pages/csrf.js';
import { initialValues } from '../src/pages/form.js';
import { loadPageView } from '../src/pages/load.js';
import { renderPaymentPage } from '../src/pages/template.js';

const RENDERS = Number(process.argv[2] ?? 5000);
const REQUESTS = Number(process.argv[3] ?? 500);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function stats(samples: number[]): { median: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p99: quantile(s, 0.99), mean: s.reduce((n, x) => n + x, 0) / s.length };
}

const ms = (x: number): string => `${x.toFixed(3)} ms`;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-page-'));
  const app = await createApp({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }),
    log: pino({ level: 'silent' }),
    deliveries: false,
  });
  try {
    const key = 'sk_test_bench_page';
    const u = new URL(app.url);
    const stripe = new Stripe(key, { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    const customer = await stripe.customers.create({
      email: 'jenny@example.com',
      name: 'Jenny Rosen',
      shipping: { name: 'Jenny Rosen', address: { line1: '1 Main St', city: 'Springfield', state: 'CA', postal_code: '94102', country: 'US' } },
    });
    const pm = await stripe.paymentMethods.create({
      type: 'card',
      card: { token: 'tok_visa' },
      allow_redisplay: 'always',
      billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com', address: { line1: '1 Main St', city: 'Springfield', state: 'CA', postal_code: '94102', country: 'US' } },
    });
    await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'Organic cotton T-shirt' } }, quantity: 2 },
        { price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Canvas tote bag' } }, quantity: 1 },
      ],
      allowed_payment_method_types: ['card', 'us_bank_account'],
      shipping_address_collection: { allowed_countries: ['US', 'CA', 'GB'] },
      saved_payment_method_options: { payment_method_save: 'enabled' },
      success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/cart',
    });

    const ctx = makeCtx(app.deps, accountForKey(key), app.deps.store.db);
    const view = await loadPageView(ctx, session.id);
    if (!view || view.prefill.selected?.id !== pm.id) throw new Error('the benchmark session must prefill the saved card');
    const csrf = await csrfToken(app.deps.store.db, session.id);

    // Render only: what the server does per page after its reads (values, template, escaping).
    const render = (): string => renderPaymentPage(view, { values: initialValues(view), csrf, nonce: randomBytes(16).toString('base64') });
    for (let i = 0; i < 500; i++) render(); // warm-up (JIT)
    const renderTimes: number[] = [];
    let html = '';
    for (let i = 0; i < RENDERS; i++) {
      const t = performance.now();
      html = render();
      renderTimes.push(performance.now() - t);
    }

    // Load + render: the reads of one page view (session, line items, customer, cards, clock) too.
    const loadTimes: number[] = [];
    for (let i = 0; i < Math.min(RENDERS, 2000); i++) {
      const t = performance.now();
      const v = await loadPageView(ctx, session.id);
      if (!v) throw new Error('session vanished');
      renderPaymentPage(v, { values: initialValues(v), csrf: await csrfToken(app.deps.store.db, session.id), nonce: randomBytes(16).toString('base64') });
      loadTimes.push(performance.now() - t);
    }

    // The whole GET over HTTP (one keep-alive client, sequential), for context.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const getPage = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const t = performance.now();
        http
          .get(session.url as string, { agent }, (res) => {
            if (res.statusCode !== 200) reject(new Error(`GET page answered ${res.statusCode}`));
            res.resume();
            res.on('end', () => resolve(performance.now() - t));
          })
          .on('error', reject);
      });
    for (let i = 0; i < 50; i++) await getPage();
    const httpTimes: number[] = [];
    for (let i = 0; i < REQUESTS; i++) httpTimes.push(await getPage());
    agent.destroy();

    const r = stats(renderTimes);
    const l = stats(loadTimes);
    const h = stats(httpTimes);
    const bytes = Buffer.byteLength(html);
    if (process.env.PAGE_OUT) fs.writeFileSync(process.env.PAGE_OUT, html);
    const result = {
      node: process.version,
      cpus: os.cpus().length,
      renders: RENDERS,
      render_ms: { median: r.median, p99: r.p99, mean: r.mean },
      load_and_render_ms: { median: l.median, p99: l.p99 },
      http_get_ms: { median: h.median, p99: h.p99 },
      page_bytes: bytes,
      page_bytes_gzip: gzipSync(html).length,
    };
    console.log(`hosted page render (template only): median ${ms(r.median)}, p99 ${ms(r.p99)} over ${RENDERS} renders`);
    console.log(`hosted page load + render (SQLite reads): median ${ms(l.median)}, p99 ${ms(l.p99)}`);
    console.log(`GET /c/pay/:id over HTTP: median ${ms(h.median)}, p99 ${ms(h.p99)} over ${REQUESTS} requests`);
    console.log(`page weight: ${(bytes / 1024).toFixed(1)} KB (${(result.page_bytes_gzip / 1024).toFixed(1)} KB gzipped), no external requests`);
    console.log(JSON.stringify(result));
    const ok = r.median <= 2 && bytes <= 60 * 1024;
    console.log(ok ? 'targets met (<= 2 ms median, <= 60 KB)' : 'TARGETS MISSED (<= 2 ms median, <= 60 KB)');
    if (!ok) process.exitCode = 1;
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
