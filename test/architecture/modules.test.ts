/**
 * The composition root (docs/architecture.md#the-composition-root): every resource folder is listed
 * once, the assembly refuses two claims on one route, prefix, job kind, hook or migration, and
 * the events the code emits are the ones the modules declare.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';
import type { Ctx } from '../../src/api/context.js';
import { expandObject } from '../../src/api/expand.js';
import { resources } from '../../src/resources/index.js';
import { assemble, type ResourceModule } from '../../src/resources/module.js';
import { KNOWN_EVENT_TYPES } from '../../src/resources/webhook-endpoints/event-types.js';
import { sourceFiles } from './owners.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Event types the code names (a literal equal to a type Stripe knows), outside the modules'
 * descriptions and the list of Stripe's types: what `emit` is given, directly or through a choice.
 */
function namedEventTypes(): Map<string, string> {
  const found = new Map<string, string>();
  const skip = (file: string) => file.endsWith('/index.ts') || file.endsWith('webhook-endpoints/event-types.ts') || file.startsWith('src/cli/');
  for (const file of sourceFiles(ROOT, 'src').filter((f) => !skip(f))) {
    const sf = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) && KNOWN_EVENT_TYPES.has(node.text)) found.set(node.text, file);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

describe('the composition root', () => {
  it('lists every resource folder that has a description, once', () => {
    const folders = fs
      .readdirSync(path.join(ROOT, 'src/resources'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(ROOT, 'src/resources', d.name, 'index.ts')))
      .map((d) => d.name)
      .sort();
    assert.deepEqual(resources.map((m) => m.name).sort(), folders);
  });

  it('assembles the real resources without a conflict, with a loader for every id prefix they expand', () => {
    const a = assemble(resources);
    for (const prefix of ['cus_', 'pm_', 'prod_', 'price_', 'cs_', 'pi_', 'seti_', 'sub_', 'in_']) {
      assert.ok(a.expansions.loaderFor(`${prefix}x`), `${prefix} expands`);
    }
    assert.ok(a.expansions.virtualLoader('checkout.session', 'line_items'));
    assert.ok(a.expansions.loaderFor('promo_x'), 'promo_ expands');
    assert.ok(a.expansions.fieldLoader('coupon'), 'a coupon field expands by its name');
    assert.deepEqual([...a.jobs.keys()].sort(), ['checkout_session.expire', 'invoice.auto_finalize', 'invoice.overdue', 'invoice.payment_retry', 'payment_intent.microdeposits_failed', 'payment_intent.settle', 'refund.settle', 'setup_intent.microdeposits_failed', 'subscription.cycle', 'subscription.expire_incomplete', 'subscription.invoice_finalize', 'subscription.pending_update_expire', 'subscription.trial_will_end', 'subscription.upcoming', 'test_clock.advance']);
  });

  it('refuses two modules claiming one route, id prefix, job kind, hook or migration', () => {
    const route = { method: 'GET' as const, path: '/v1/things', handler: async () => ({}) };
    const noop = async () => undefined;
    const twice = (m: Omit<ResourceModule, 'name'>) => () => assemble([{ name: 'a', ...m }, { name: 'b', ...m }]);
    assert.throws(twice({ routes: [route] }), /route GET \/v1\/things is declared by both a and b/);
    assert.throws(twice({ expandable: { thing_: noop } }), /id prefix thing_/);
    assert.throws(twice({ expandableFields: { thing: noop } }), /expandable field thing is declared by both a and b/);
    assert.throws(twice({ jobs: { 'thing.run': noop } }), /job thing.run/);
    assert.throws(twice({ hooks: { requireAttached: noop } }), /hook requireAttached/);
    assert.throws(twice({ migrations: { '1_things': { up: noop } } }), /migration 1_things/);
  });

  it('expands a field declared by name through its loader, whatever its id looks like, and other ids by prefix', async () => {
    const byPrefix = async (_ctx: unknown, id: string) => ({ id, object: 'customer' });
    const byName = async (_ctx: unknown, id: string) => (id === 'gone' ? undefined : { id, object: 'coupon' });
    const { expansions } = assemble([
      { name: 'customers', expandable: { cus_: byPrefix } },
      { name: 'coupons', expandableFields: { coupon: byName } },
    ]);
    const ctx = { deps: { expansions } } as unknown as Ctx;
    const parent = { object: 'promotion_code', customer: 'cus_1', promotion: { coupon: 'cus_lookalike' } };
    await expandObject(ctx, parent, ['customer', 'promotion.coupon']);
    assert.deepEqual(parent.customer, { id: 'cus_1', object: 'customer' });
    assert.deepEqual(parent.promotion.coupon, { id: 'cus_lookalike', object: 'coupon' });
    const dangling = { object: 'discount', coupon: 'gone' };
    await expandObject(ctx, dangling, ['coupon']);
    assert.equal(dangling.coupon, 'gone', 'an id its loader does not find stays an id');
    await assert.rejects(expandObject(ctx, { object: 'x', other: 'SUMMER' }, ['other']), /This property cannot be expanded \(other\)/);
  });

  it('fails a hook that no module offers when it is called, not at start', async () => {
    const { hooks } = assemble([]);
    await assert.rejects(hooks.requireAttached({} as never, 'pm_x', 'cus_x', 'p'), /no module offers the hook requireAttached/);
  });

  it('declares every event type the code emits, and only types Stripe knows', () => {
    const declared = assemble(resources).events;
    const emitted = namedEventTypes();
    assert.ok(emitted.size >= 20, `found the emitted types (${emitted.size})`);
    const undeclared = [...emitted].filter(([type]) => !declared.has(type)).map(([type, file]) => `${type} (${file})`);
    assert.deepEqual(undeclared, []);
    assert.deepEqual([...declared].filter((t) => !KNOWN_EVENT_TYPES.has(t)), []);
  });
});
