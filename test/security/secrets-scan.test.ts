import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, bankAccount, payOnHostedPage } from '../../src/cli/page.js';
import { startReceiver } from '../events/receiver.js';
import { baseEnv, startInstance, stop, tempDir } from '../fault/cluster.js';
import { inspect } from '../fault/checks.js';
import { freshPgDatabase } from '../helpers/pg.js';
import { STORES, freshKey, raw, sdk } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { dumpAll, tableNames } from './snapshot.js';

/** Card numbers typed into the API and the hosted page, with the CVC typed beside each. */
const API_CARDS = [
  ['4242424242424242', '731'],
  ['5555555555554444', '842'],
  ['378282246310005', '6294'],
  ['4000000000000002', '357'], // declined at attach
  ['4242424242424241', '468'], // fails the Luhn check
  ['3566002020360505', '624'], // expired
  ['6011111111111117', '519'], // sent with an unknown param
] as const;
const PAGE_CARDS = [
  ['4000056655665556', '913'],
  ['4000000000009995', '275'], // declined on the page
  ['5200828282828210', '386'],
  ['6011000990139424', '471'], // setup mode
  ['3056930009020004', '158'], // subscription
  ['4000002760003184', '802'], // refused form (bad expiry)
  ['6200000000000005', '902'], // posted with a forged CSRF token
] as const;
const ACCOUNTS = ['000123456789', '000222222227', '000111111116', '000333333335'];
/** Stripe's test IBANs typed into the API (the first two) and the hosted page (the last). */
const IBANS = ['DE89370400440532013000', 'AT611904300234573201', 'FR1420041010050500013M02606'];

const spaced = (n: string) => n.replace(/(\d{4})(?=\d)/g, '$1 ');

/** Every way a secret could appear: the number plain, in groups of four, and dashed. */
function findings(text: string, where: string): string[] {
  const out: string[] = [];
  for (const [n] of [...API_CARDS, ...PAGE_CARDS]) {
    for (const form of [n, spaced(n), spaced(n).replaceAll(' ', '-'), spaced(n).replaceAll(' ', '+'), spaced(n).replaceAll(' ', '%20')]) {
      if (text.includes(form)) out.push(`${where}: card number ${form}`);
    }
  }
  for (const a of ACCOUNTS) if (text.includes(a)) out.push(`${where}: bank account number ${a}`);
  for (const iban of IBANS) {
    // The IBAN without its country and check digits is the account itself (its last four are shown).
    for (const form of [iban, iban.slice(4), iban.replace(/(.{4})(?=.)/g, '$1 ')]) if (text.includes(form)) out.push(`${where}: IBAN ${form}`);
  }
  // A CVC is a few digits: look for it next to a name that says what it is (cvc_check is Stripe's result field).
  for (const [, cvc] of [...API_CARDS, ...PAGE_CARDS]) {
    if (new RegExp(`(cvc(?!_check)|cardCvc|security.code)[^0-9]{0,40}${cvc}(?![0-9])`, 'i').test(text)) out.push(`${where}: a CVC (${cvc})`);
  }
  if (/"cvc"\s*:|card\[cvc\]|cardCvc=/i.test(text)) out.push(`${where}: a cvc field`);
  return out;
}

async function postForm(url: string, fields: Record<string, string>): Promise<number> {
  const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  await res.arrayBuffer();
  return res.status;
}

const tokenOf = async (url: string): Promise<string> => /name="csrf_token" value="([^"]+)"/.exec(await (await fetch(url)).text())?.[1] as string;
const card = (n: string, cvc: string) => ({ paymentMethod: 'card', cardNumber: spaced(n), cardExpiry: '12 / 34', cardCvc: cvc });

/** A merchant's and its buyers' day: every place a card number, CVC or bank account number is typed. */
async function realisticFlow(base: string, key: string): Promise<void> {
  const stripe = sdk(base, key);
  const customer = await stripe.customers.create({ email: 'jenny@example.com', name: 'Jenny Rosen' });
  const form = (n: string, cvc: string, extra = '') =>
    `type=card&card[number]=${n}&card[exp_month]=${n === '3566002020360505' ? '1' : '12'}&card[exp_year]=${n === '3566002020360505' ? '2020' : '2034'}&card[cvc]=${cvc}${extra}`;
  for (const [i, [n, cvc]] of API_CARDS.entries()) {
    const extra = n === '6011111111111117' ? '&card[bogus]=1' : '';
    const created = await raw(base, '/v1/payment_methods', { method: 'POST', key, body: form(n, cvc, extra), headers: { 'idempotency-key': `pm-${i}` } });
    // Replayed with the same key: the stored answer must not hold the number either.
    await raw(base, '/v1/payment_methods', { method: 'POST', key, body: form(n, cvc, extra), headers: { 'idempotency-key': `pm-${i}` } });
    if (created.status === 200) {
      const id = (created.body as { id: string }).id;
      await raw(base, `/v1/payment_methods/${id}/attach`, { method: 'POST', key, body: `customer=${customer.id}`, headers: { 'idempotency-key': `attach-${i}` } });
    }
  }
  for (const a of ACCOUNTS.slice(0, 2)) {
    await raw(base, '/v1/payment_methods', {
      method: 'POST',
      key,
      body: `type=us_bank_account&us_bank_account[routing_number]=110000000&us_bank_account[account_number]=${a}&us_bank_account[account_holder_type]=individual&billing_details[name]=Jenny`,
    });
  }

  for (const iban of IBANS.slice(0, 2)) {
    await raw(base, '/v1/payment_methods', { method: 'POST', key, body: `type=sepa_debit&sepa_debit[iban]=${iban}&billing_details[name]=Jenny` });
  }
  const euro = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://shop.example/ok',
    allowed_payment_method_types: ['sepa_debit'],
    line_items: [{ price_data: { currency: 'eur', unit_amount: 2000, product_data: { name: 'Poster' } }, quantity: 1 }],
  });
  const iban = IBANS[2] as string;
  await payOnHostedPage(euro.url as string, { email: BUYER.email, paymentMethod: 'sepa_debit', iban: iban.replace(/(.{4})(?=.)/g, '$1 '), accountHolderName: 'Jenny Rosen' });

  const price = await stripe.prices.create({ currency: 'usd', unit_amount: 2000, product_data: { name: 'Poster' } });
  const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
  const session = (mode: 'payment' | 'setup' | 'subscription', types: Array<'card' | 'us_bank_account'> = ['card']) =>
    stripe.checkout.sessions.create({
      mode,
      customer: customer.id,
      success_url: 'https://shop.example/ok',
      allowed_payment_method_types: types,
      ...(mode === 'setup' ? { currency: 'usd' } : { line_items: [{ price: mode === 'subscription' ? plan.id : price.id, quantity: 1 }] }),
    } as Stripe.Checkout.SessionCreateParams);
  const [paid, declinedThenPaid, setup, sub, refused, forged] = PAGE_CARDS;
  let s = await session('payment');
  await payOnHostedPage(s.url as string, { ...BUYER, ...card(...paid), savePaymentMethod: 'on' });
  s = await session('payment');
  let token = await tokenOf(s.url as string);
  assert.equal(await postForm(s.url as string, { csrf_token: token, ...BUYER, ...card(...declinedThenPaid) }), 402);
  await payOnHostedPage(s.url as string, { ...BUYER, ...card(...PAGE_CARDS[2]) });
  await payOnHostedPage((await session('setup')).url as string, { ...BUYER, ...card(...setup) });
  await payOnHostedPage((await session('subscription')).url as string, { ...BUYER, ...card(...sub) });
  s = await session('payment');
  token = await tokenOf(s.url as string);
  assert.equal(await postForm(s.url as string, { csrf_token: token, ...BUYER, ...card(...refused), cardExpiry: '13 / 99' }), 400);
  assert.equal(await postForm(s.url as string, { csrf_token: 'forged', ...BUYER, ...card(...forged) }), 403);
  for (const a of ACCOUNTS.slice(2)) {
    await payOnHostedPage((await session('payment', ['us_bank_account'])).url as string, { ...BUYER, ...bankAccount(a) });
  }
}

for (const store of STORES) {
  describe(`no card number, CVC or bank account number is stored or logged (${store})`, () => {
    const cleanups: Array<() => unknown> = [];
    after(async () => {
      for (const fn of cleanups.reverse()) await fn();
    });

    it('after cards and bank accounts typed through the API and the hosted page, no table, database file, log line or webhook holds one', async (t) => {
      const tmp = tempDir('oc-secrets-');
      cleanups.push(tmp.remove);
      const databaseUrl = store === 'postgres' ? await freshPgDatabase() : undefined;
      const instance = await startInstance(`oc-secrets-${store}`, baseEnv(tmp.dir, databaseUrl, { LOG_LEVEL: 'trace' }));
      cleanups.push(() => instance.proc.kill('SIGKILL'));
      const rx = await startReceiver();
      cleanups.push(() => rx.close());
      const key = freshKey();
      const endpoint = await sdk(instance.url, key).webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });

      await realisticFlow(instance.url, key);
      const db = await inspect(tmp.dir, databaseUrl);
      cleanups.push(() => db.close());
      // Bank payments settle (a scheduled job) and every event goes out before the scan.
      await waitFor(async () => {
        const pending = await db.db.selectFrom('deliveries').select('seq').where('status', '=', 'pending').execute();
        const jobs = await db.db.selectFrom('jobs').select('seq').where('kind', '=', 'payment_intent.settle').execute();
        // The request log is written in batches a moment after each request: wait for the last ones.
        const logged = await db.db.selectFrom('request_log').select('seq').where('path', '=', '/v1/checkout/sessions').execute();
        return pending.length === 0 && jobs.length === 0 && logged.length >= 7;
      }, 20_000, 'settlements, deliveries and the request log');

      // The detector itself finds what it looks for.
      assert.equal(findings('{"card":"4242 4242 4242 4242","cvc":"731","acct":"000123456789"}', 'probe').length, 4); // number, account, CVC, cvc field
      assert.deepEqual(findings('{"checks":{"cvc_check":"pass"},"last4":"4242","exp_year":2034}', 'probe'), []);

      const rows = await dumpAll(db.db);
      const problems = findings(rows.join('\n'), 'database');
      // No secret in the request log: not the key the requests carried, nor the endpoint's signing secret.
      const logRows = rows.filter((r) => r.startsWith('request_log ')).join('\n');
      for (const secret of [key, endpoint.secret as string]) if (logRows.includes(secret)) problems.push(`request_log: ${secret.slice(0, 6)}…`);
      for (const r of rx.received) problems.push(...findings(r.body, 'webhook'));
      if (store === 'sqlite') {
        for (const f of fs.readdirSync(tmp.dir).filter((f) => f.startsWith('opencheckout.db'))) {
          problems.push(...findings(fs.readFileSync(path.join(tmp.dir, f)).toString('latin1'), `file ${f}`));
        }
      }
      assert.equal(await stop(instance), 0);
      const logs = instance.output();
      problems.push(...findings(logs, 'log'));
      assert.deepEqual(problems, []);

      // The scan looked at real data: the tables are full and the logs are trace-level.
      const tables = await tableNames(db.db);
      assert.ok(tables.length >= 15, `tables: ${tables.join(',')}`);
      assert.ok(rows.some((r) => r.startsWith('payment_methods ') && /last4\\*":\\*"4242/.test(r)), 'the API card is stored as last4');
      assert.ok(rows.some((r) => r.startsWith('payment_methods ') && /last4\\*":\\*"5556/.test(r)), 'the page card is stored as last4');
      assert.ok(rows.some((r) => r.startsWith('payment_methods ') && /last4\\*":\\*"6789/.test(r)), 'the bank account is stored as last4');
      assert.ok(rows.some((r) => r.startsWith('idempotency_keys ')), 'idempotency records were scanned');
      assert.ok(rows.some((r) => r.startsWith('request_log ') && r.includes('/v1/payment_methods') && /card.*exp_year/.test(r)), 'the request log, with card params, was scanned');
      assert.ok(rows.some((r) => r.startsWith('request_log ') && /whsec_\*/.test(r)), 'the webhook secret is logged masked');
      assert.ok(logs.split('\n').filter((l) => l.includes('"level":10') || l.includes('"level":20') || l.includes('"level":30')).length > 20, 'the log has request lines');
      t.diagnostic(`scanned ${rows.length} rows in ${tables.length} tables, ${logs.length} bytes of trace logs, ${rx.received.length} webhooks`);
    });
  });
}
