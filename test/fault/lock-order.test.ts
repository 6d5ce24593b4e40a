import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUYER, CARD_4242 } from '../../src/cli/page.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { pgAdminUrl } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait.js';

async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(url)).text();
  return /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
}

async function submit(url: string, token: string, fields: Record<string, string>): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, csrf_token: token }).toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Row-lock order on PostgreSQL. A payment and an expiry of one session can run at the same moment
 * on two instances (or a clock advance and a buyer on one): both must take the session's locks in
 * one order, or each waits for the other and PostgreSQL aborts one of them as a deadlock.
 */
describe('lock order of payment and expiry (postgres)', { skip: pgAdminUrl() ? false : 'needs PostgreSQL (npm test starts it)' }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer('postgres');
  });
  after(() => server.close());

  it('pays a session whose clock is advancing past its expiry at that very moment, without a deadlock', async () => {
    const stripe = server.stripe();
    const db = server.app.deps.store.db;
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = await stripe.customers.create({ email: 'lock@example.com', test_clock: clock.id });
    const price = await stripe.prices.create({ currency: 'usd', unit_amount: 700, product_data: { name: 'Mug' } });
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://merchant.example/ok',
    });
    const token = await pageToken(s.url as string);
    // A declined first attempt gives the session its PaymentIntent; the retry will update it.
    assert.equal(await submit(s.url as string, token, { ...BUYER, ...CARD_4242, cardNumber: '4000000000000002' }), 402);
    const pi = (await stripe.checkout.sessions.retrieve(s.id)).payment_intent as string;

    // Hold the PaymentIntent: the payment below takes its session locks, then waits here.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const held = db.transaction().execute(async (tx) => {
      await tx.selectFrom('payment_intents').select('id').where('id', '=', pi).forUpdate().execute();
      locked();
      await released;
    });
    await isLocked;
    const paying = submit(s.url as string, token, { ...BUYER, ...CARD_4242 });
    await new Promise((r) => setTimeout(r, 300));
    // Meanwhile the clock moves past the session's expiry: the advance reaches the session's locks.
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 2 * 86400 });
    await new Promise((r) => setTimeout(r, 1500));
    release();
    await held;

    assert.equal(await paying, 303, 'the payment completes (it took its locks first)');
    const ready = await waitFor(async () => {
      const c = await stripe.testHelpers.testClocks.retrieve(clock.id);
      return c.status === 'ready' ? c : undefined;
    }, 15_000, 'the clock to be ready');
    assert.equal(ready.frozen_time, start + 2 * 86400);
    const done = await stripe.checkout.sessions.retrieve(s.id);
    assert.equal(done.status, 'complete');
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'checkout.session.completed').length, 1);
    assert.equal(types.filter((t) => t === 'checkout.session.expired').length, 0);
  });
});
