import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemo, type Demo } from '../../examples/merchant/demo.js';
import type { OrderView, WebhookLogView } from '../../examples/merchant/views.js';
import { BUYER, CARD_4242, bankAccount, payOnHostedPage } from '../../src/cli/page.js';
import { ShopClient } from '../e2e/merchant-helpers.js';
import { raw } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The example shop (examples/merchant/) under webhook faults on demand
 * (docs/decisions.md#faults-on-demand): every event delivered twice, a share of the attempts held
 * back so later events overtake them, and every attempt failing for the first seconds. Card and
 * bank (ACH, settled later) payments must each be fulfilled exactly once, with one confirmation.
 */

const SHIPPING = { shippingName: 'Jenny Rosen', shippingCountry: 'US', shippingAddressLine1: '1 Main St', shippingLocality: 'San Francisco', shippingPostalCode: '94102', shippingAdministrativeArea: 'CA' };

describe('example shop under webhook duplicates, reordering and failures', () => {
  let demo: Demo;
  let dataDir: string;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-shop-faults-'));
    demo = await startDemo({
      dataDir,
      shopPort: 0,
      secretKey: `sk_test_faults_${process.pid}_${Date.now()}`,
      openCheckoutEnv: { OPENCHECKOUT_SETTLEMENT_DELAY: '1', OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.4', OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '40', LOG_LEVEL: 'warn' },
      output: (line) => {
        if (process.env.SHOP_TEST_VERBOSE) process.stdout.write(`${line}\n`);
      },
    });
  });
  after(async () => {
    await demo?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fulfils each order exactly once', async () => {
    const set = await raw(demo.openCheckoutUrl, '/_admin/faults', {
      method: 'POST',
      key: demo.secretKey,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 11, webhooks: { duplicate: 1, late: { share: 0.5, ms: 1000 }, fail: { share: 1, for_seconds: 1 } } }),
    });
    assert.equal(set.status, 200, set.text);

    const sessions: string[] = [];
    const payments = [CARD_4242, CARD_4242, CARD_4242, bankAccount('000123456789'), bankAccount('000123456789')];
    for (const [i, payment] of payments.entries()) {
      const client = new ShopClient(demo.shopUrl);
      await client.signIn(`faults${i}@example.com`, `Buyer ${i}`);
      assert.equal((await client.request('POST', '/cart', { sku: i % 2 ? 'tea' : 'mug' })).status, 303);
      const created = await client.request('POST', '/create-checkout-session');
      assert.equal(created.status, 303, created.text.slice(0, 200));
      const url = created.location as string;
      sessions.push(decodeURIComponent(new URL(url).pathname.split('/').pop() as string));
      await payOnHostedPage(url, { ...BUYER, email: `faults${i}@example.com`, ...SHIPPING, ...payment });
    }

    const shopGet = async <T>(p: string): Promise<T> => (await (await fetch(demo.shopUrl + p)).json()) as T;
    // Every session's events delivered (each of them twice), and every session paid.
    await waitFor(async () => {
      const events = await demo.stripe.events.list({ limit: 100 });
      const shopEvents = events.data.filter((e) => e.type.startsWith('checkout.session.'));
      const paidSessions = new Set(shopEvents.filter((e) => e.type !== 'checkout.session.completed' || ((e.data.object as { payment_status: string }).payment_status === 'paid')).map((e) => (e.data.object as { id: string }).id));
      return shopEvents.every((e) => e.pending_webhooks === 0) && sessions.every((s) => paidSessions.has(s));
    }, 40_000, 'every event delivered and every payment settled');
    const orders = await waitFor(async () => {
      const list = await shopGet<OrderView[]>('/orders.json');
      return sessions.every((s) => list.some((o) => o.session_id === s)) ? list : undefined;
    }, 10_000, 'an order for every session');

    for (const s of sessions) assert.equal(orders.filter((o) => o.session_id === s).length, 1, `one order for ${s}`);
    assert.equal(orders.length, sessions.length);
    const count = (sql: string, ...params: unknown[]) => (demo.merchant.shop.db.prepare(sql).pluck().get(...params) as number) ?? 0;
    for (const s of sessions) {
      assert.equal(count('SELECT COUNT(*) FROM order_items WHERE order_id = (SELECT id FROM orders WHERE session_id = ?)', s), 1, `the lines of ${s} once`);
    }

    // The faults did happen: each handled event arrived twice, and arrivals are out of creation order.
    const log = await shopGet<WebhookLogView[]>('/webhooks.json');
    const events = (await demo.stripe.events.list({ limit: 100 })).data.filter((e) => e.type.startsWith('checkout.session.'));
    for (const e of events) assert.equal(log.filter((l) => l.event_id === e.id).length, 2, `${e.type} ${e.id} handled twice`);
    const created = [...events].reverse().map((e) => e.id);
    const arrived = [...new Set(log.map((l) => l.event_id))];
    assert.notDeepEqual(arrived, created, 'some events overtook earlier ones');
    assert.ok(log.some((l) => l.action === 'already_fulfilled'), 'a duplicate found the order already there');
  });
});
