import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import Stripe from 'stripe';
import { accountForKey } from '../../src/api/auth.js';
import { freshPgDatabase } from '../helpers/pg.js';
import { STORES, freshKey, sdk } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { eventsOf, inspect } from './checks.js';
import { baseEnv, kill9, startInstance, stop, tempDir, type Instance } from './cluster.js';
import { verifyingReceiver } from './receiver.js';

/**
 * A PaymentIntent created through the API and confirmed with `pm_card_visa` commits its charge and
 * its events (`charge.succeeded`, `payment_intent.succeeded`) with the answer: the server killed -9
 * right after acknowledging it loses none of them, and delivers the events after its restart.
 * Payments still in flight at the kill are all or nothing (docs/decisions.md#paymentintents).
 */
for (const store of STORES) {
  describe(`API payments across kill -9 right after the acknowledgment (${store})`, () => {
    const cleanups: Array<() => Promise<unknown> | unknown> = [];
    after(async () => {
      for (const fn of cleanups.reverse()) await fn();
    });

    it('keeps the charge and the events of every acknowledged confirm, and of none half', async (t) => {
      const tmp = tempDir('oc-fault-pay-');
      cleanups.push(tmp.remove);
      const databaseUrl = store === 'postgres' ? await freshPgDatabase() : undefined;
      const env = baseEnv(tmp.dir, databaseUrl);
      let instance: Instance = await startInstance('oc-pay', env);
      cleanups.push(() => instance.proc.kill('SIGKILL'));
      const rx = await verifyingReceiver();
      cleanups.push(() => rx.close());
      const key = freshKey();
      const endpoint = await sdk(instance.url, key).webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      rx.setSecret(endpoint.secret as string);

      // Confirms race the kill: the first answer triggers it, the others are in flight.
      const client = new Stripe(key, { host: '127.0.0.1', port: Number(new URL(instance.url).port), protocol: 'http', maxNetworkRetries: 0, telemetry: false });
      const acked: Stripe.PaymentIntent[] = [];
      const confirm = (i: number) => client.paymentIntents.create({ amount: 1000 + i, currency: 'usd', payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], confirm: true });
      for (let i = 0; i < 4; i++) acked.push(await confirm(i));
      let killing: Promise<void> | undefined;
      const victim = instance;
      await Promise.allSettled(
        Array.from({ length: 12 }, async (_, i) => {
          const pi = await confirm(10 + i);
          acked.push(pi);
          killing ??= kill9(victim);
        }),
      );
      await killing;
      assert.ok(acked.length >= 5, 'confirms were acknowledged up to the kill');

      instance = await startInstance('oc-pay-restarted', env);
      const db = await inspect(tmp.dir, databaseUrl);
      cleanups.push(() => db.close());
      const account = accountForKey(key);
      const intents = await db.db.selectFrom('payment_intents').select(['id', 'data']).where('account_id', '=', account).execute();
      const chargeRows = (await sql<{ id: string; data: string }>`select id, data from charges where account_id = ${account}`.execute(db.db)).rows;
      const charges = new Map(chargeRows.map((r) => [r.id, JSON.parse(r.data) as { status: string; payment_intent: string }]));
      const stored = new Map(intents.map((r) => [r.id, JSON.parse(r.data) as { status: string; latest_charge: string | null }]));
      for (const pi of acked) {
        const s = stored.get(pi.id);
        assert.equal(s?.status, 'succeeded', `acknowledged PaymentIntent ${pi.id} is stored succeeded`);
        assert.equal(s?.latest_charge, pi.latest_charge, `${pi.id} keeps its charge`);
        assert.equal(charges.get(pi.latest_charge as string)?.status, 'succeeded', `the charge of ${pi.id} is stored`);
      }
      // Every payment the store holds is whole: succeeded with its charge and one of each event.
      await waitFor(async () => (await eventsOf(db, key)).every((e) => e.pending === 0 && rx.delivered.has(e.id)), 40_000, 'every event delivered after the restart');
      const events = await eventsOf(db, key);
      for (const [id, s] of stored) {
        assert.equal(s.status, 'succeeded', `${id} is not half-done`);
        assert.equal(charges.get(s.latest_charge as string)?.payment_intent, id);
        for (const type of ['payment_intent.created', 'payment_intent.succeeded']) {
          assert.equal(events.filter((e) => e.type === type && e.objectId === id).length, 1, `${type} for ${id}`);
        }
        assert.equal(events.filter((e) => e.type === 'charge.succeeded' && e.objectId === s.latest_charge).length, 1, `charge.succeeded for ${id}`);
      }
      assert.equal(charges.size, stored.size, 'no charge without its PaymentIntent');
      assert.equal(rx.rejected, 0);
      t.diagnostic(`${acked.length} confirms acknowledged before the kill, ${stored.size} stored, ${events.length} events delivered`);
      assert.equal(await stop(instance), 0, 'a graceful stop exits 0');
    });
  });
}
