import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainPrefill, prefill, recheckSavedCard, PREFILL_WINDOW_SECONDS, type PrefillInput, type SavedPaymentMethod } from '../../src/checkout/prefill.js';

const T0 = 1_700_000_000;
const US = { line1: '1 Main St', line2: null, city: 'Springfield', state: 'CA', postal_code: '94102', country: 'US' };

function card(id: string, over: Partial<SavedPaymentMethod> = {}, details: Partial<SavedPaymentMethod['billing_details']> = {}): SavedPaymentMethod {
  return {
    id,
    type: 'card',
    created: T0 - 100,
    allow_redisplay: 'always',
    billing_details: { email: 'jenny@example.com', name: 'Jenny Rosen', address: { ...US }, ...details },
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034 },
    ...over,
  };
}

function input(over: { session?: Partial<PrefillInput['session']>; customer?: Partial<NonNullable<PrefillInput['customer']>> | null; pms?: SavedPaymentMethod[]; now?: number } = {}): PrefillInput {
  return {
    session: {
      mode: 'payment',
      status: 'open',
      customer: 'cus_1',
      created: T0,
      billing_address_collection: 'auto',
      saved_payment_method_options: { allow_redisplay_filters: ['always'] },
      shipping_address_collection: null,
      ...over.session,
    },
    customer:
      over.customer === null
        ? null
        : { email: null, shipping: null, invoice_settings: { default_payment_method: null }, ...over.customer },
    paymentMethods: over.pms ?? [card('pm_a')],
    now: over.now ?? T0 + 60,
  };
}

/** Each condition of SPEC §4, with an input where it holds and where it does not. */
const CONDITIONS: Array<{ rule: string; holds: PrefillInput; fails: PrefillInput }> = [
  { rule: 'has a customer', holds: input(), fails: input({ session: { customer: null }, customer: null }) },
  { rule: 'session is open', holds: input(), fails: input({ session: { status: 'complete' } }) },
  { rule: 'session is open (expired)', holds: input(), fails: input({ session: { status: 'expired' } }) },
  { rule: 'mode is payment or subscription (setup never)', holds: input({ session: { mode: 'subscription' } }), fails: input({ session: { mode: 'setup' } }) },
  { rule: 'within 30 minutes of creation', holds: input({ now: T0 + PREFILL_WINDOW_SECONDS - 1 }), fails: input({ now: T0 + PREFILL_WINDOW_SECONDS + 60 }) },
  { rule: 'the card is a card (bank accounts never prefill)', holds: input(), fails: input({ pms: [card('pm_bank', { type: 'us_bank_account', card: null })] }) },
  { rule: 'allow_redisplay always', holds: input(), fails: input({ pms: [card('pm_a', { allow_redisplay: 'limited' })] }) },
  { rule: 'allow_redisplay unspecified is not shown by default', holds: input(), fails: input({ pms: [card('pm_a', { allow_redisplay: 'unspecified' })] }) },
  {
    rule: 'allow_redisplay limited when the session lists it in allow_redisplay_filters',
    holds: input({ pms: [card('pm_a', { allow_redisplay: 'limited' })], session: { saved_payment_method_options: { allow_redisplay_filters: ['always', 'limited'] } } }),
    fails: input({ pms: [card('pm_a', { allow_redisplay: 'limited' })], session: { saved_payment_method_options: { allow_redisplay_filters: ['unspecified'] } } }),
  },
  { rule: 'auto: email present', holds: input(), fails: input({ pms: [card('pm_a', {}, { email: null })] }) },
  { rule: 'auto: name present', holds: input(), fails: input({ pms: [card('pm_a', {}, { name: '' })] }) },
  { rule: 'auto: country present', holds: input(), fails: input({ pms: [card('pm_a', {}, { address: { ...US, country: null } })] }) },
  {
    rule: 'auto: US needs a postal code',
    holds: input(),
    fails: input({ pms: [card('pm_a', {}, { address: { ...US, postal_code: null } })] }),
  },
  {
    rule: 'auto: GB needs a postal code',
    holds: input({ pms: [card('pm_a', {}, { address: { ...US, country: 'GB', postal_code: 'SW1A 1AA' } })] }),
    fails: input({ pms: [card('pm_a', {}, { address: { ...US, country: 'GB', postal_code: null } })] }),
  },
  {
    rule: 'auto: CA needs a postal code',
    holds: input({ pms: [card('pm_a', {}, { address: { ...US, country: 'CA', postal_code: 'K1A 0B1' } })] }),
    fails: input({ pms: [card('pm_a', {}, { address: { ...US, country: 'CA', postal_code: null } })] }),
  },
  {
    rule: 'auto: other countries need only the country (FR without postal code still prefills)',
    holds: input({ pms: [card('pm_a', {}, { address: { line1: null, line2: null, city: null, state: null, postal_code: null, country: 'FR' } })] }),
    fails: input({ pms: [card('pm_a', {}, { address: null })] }),
  },
  {
    rule: 'required: line1 present',
    holds: input({ session: { billing_address_collection: 'required' } }),
    fails: input({ session: { billing_address_collection: 'required' }, pms: [card('pm_a', {}, { address: { ...US, line1: null } })] }),
  },
  {
    rule: 'required: city present',
    holds: input({ session: { billing_address_collection: 'required' } }),
    fails: input({ session: { billing_address_collection: 'required' }, pms: [card('pm_a', {}, { address: { ...US, city: null } })] }),
  },
  {
    rule: 'required: postal code present',
    holds: input({ session: { billing_address_collection: 'required' } }),
    fails: input({ session: { billing_address_collection: 'required' }, pms: [card('pm_a', {}, { address: { ...US, postal_code: null } })] }),
  },
  {
    rule: 'required: state present where the form has one (US)',
    holds: input({ session: { billing_address_collection: 'required' } }),
    fails: input({ session: { billing_address_collection: 'required' }, pms: [card('pm_a', {}, { address: { ...US, state: null } })] }),
  },
  {
    rule: 'required: no state needed where the form has none (FR); line2 never required',
    holds: input({
      session: { billing_address_collection: 'required' },
      pms: [card('pm_a', {}, { address: { line1: '8 rue de Rivoli', line2: null, city: 'Paris', state: null, postal_code: '75001', country: 'FR' } })],
    }),
    fails: input({
      session: { billing_address_collection: 'required' },
      pms: [card('pm_a', {}, { address: { line1: '8 rue de Rivoli', line2: null, city: 'Paris', state: null, postal_code: null, country: 'FR' } })],
    }),
  },
  {
    rule: 'required: email and name present',
    holds: input({ session: { billing_address_collection: 'required' } }),
    fails: input({ session: { billing_address_collection: 'required' }, pms: [card('pm_a', {}, { name: null })] }),
  },
];

describe('prefill rules (SPEC §4)', () => {
  for (const c of CONDITIONS) {
    it(`prefills when "${c.rule}" holds and not when it fails`, () => {
      const yes = prefill(c.holds);
      assert.equal(yes.selected?.id, c.holds.paymentMethods[0]?.id, `expected a prefill: failed ${yes.failed.join(',')}`);
      assert.ok(yes.billing);
      const no = prefill(c.fails);
      assert.equal(no.selected, null);
      assert.deepEqual(no.savedCards, []);
      assert.equal(no.billing, null);
      assert.ok(no.failed.length > 0);
    });
  }

  it('payment mode chooses the newest eligible card, and lists every eligible card with it first', () => {
    const old = card('pm_old', { created: T0 - 500 });
    const newer = card('pm_new', { created: T0 - 10 });
    const limited = card('pm_limited', { created: T0 - 1, allow_redisplay: 'limited' });
    const p = prefill(input({ pms: [old, newer, limited] }));
    assert.equal(p.selected?.id, 'pm_new');
    assert.deepEqual(p.savedCards.map((c) => c.id), ['pm_new', 'pm_old']);
  });

  it('breaks a tie on created by insertion order (the later one is newer)', () => {
    const a = card('pm_first', { created: T0 - 5 });
    const b = card('pm_second', { created: T0 - 5 });
    assert.equal(prefill(input({ pms: [a, b] })).selected?.id, 'pm_second');
  });

  it('filters first, then prioritises: the newest card is skipped when it is not eligible', () => {
    const ok = card('pm_ok', { created: T0 - 500 });
    const incomplete = card('pm_incomplete', { created: T0 - 1 }, { email: null });
    assert.equal(prefill(input({ pms: [ok, incomplete] })).selected?.id, 'pm_ok');
  });

  it('subscription mode chooses the customer’s default payment method when it is an eligible card', () => {
    const dflt = card('pm_default', { created: T0 - 500 });
    const newer = card('pm_newer', { created: T0 - 1 });
    const p = prefill(input({ session: { mode: 'subscription' }, customer: { invoice_settings: { default_payment_method: 'pm_default' } }, pms: [dflt, newer] }));
    assert.equal(p.selected?.id, 'pm_default');
    assert.deepEqual(p.savedCards.map((c) => c.id), ['pm_default', 'pm_newer']);
  });

  it('subscription mode falls back to the newest card when the default is not eligible', () => {
    const dflt = card('pm_default', { created: T0 - 500, allow_redisplay: 'limited' });
    const newer = card('pm_newer', { created: T0 - 1 });
    const p = prefill(input({ session: { mode: 'subscription' }, customer: { invoice_settings: { default_payment_method: 'pm_default' } }, pms: [dflt, newer] }));
    assert.equal(p.selected?.id, 'pm_newer');
  });

  it('payment mode ignores the default payment method', () => {
    const dflt = card('pm_default', { created: T0 - 500 });
    const newer = card('pm_newer', { created: T0 - 1 });
    const p = prefill(input({ customer: { invoice_settings: { default_payment_method: 'pm_default' } }, pms: [dflt, newer] }));
    assert.equal(p.selected?.id, 'pm_newer');
  });

  it('prefills name, billing address and email from the chosen card', () => {
    const p = prefill(input());
    assert.deepEqual(p.billing, { name: 'Jenny Rosen', address: US });
    assert.deepEqual(p.email, { value: 'jenny@example.com', readonly: false });
  });

  it('shows the customer’s own email read-only, even outside the window and without an eligible card', () => {
    const p = prefill(input({ customer: { email: 'own@example.com' }, now: T0 + 3600, pms: [] }));
    assert.deepEqual(p.email, { value: 'own@example.com', readonly: true });
    assert.equal(p.selected, null);
  });

  it('shows nothing from a card after the 30-minute window', () => {
    const p = prefill(input({ now: T0 + 31 * 60 }));
    assert.equal(p.email, null);
    assert.equal(p.billing, null);
    assert.deepEqual(p.failed, ['within_prefill_window']);
  });

  describe('shipping', () => {
    const shipping = { name: 'Jenny Rosen', phone: null, address: { ...US } };
    const collecting = { shipping_address_collection: { allowed_countries: ['US', 'CA'] } };

    it('prefills customer.shipping when its country is allowed', () => {
      const p = prefill(input({ session: collecting, customer: { shipping } }));
      assert.deepEqual(p.shipping, shipping);
    });
    it('does not prefill a shipping country outside allowed_countries', () => {
      assert.equal(prefill(input({ session: { shipping_address_collection: { allowed_countries: ['GB'] } }, customer: { shipping } })).shipping, null);
    });
    it('does not prefill when the session does not collect shipping', () => {
      assert.equal(prefill(input({ customer: { shipping } })).shipping, null);
    });
    it('does not depend on card eligibility', () => {
      const p = prefill(input({ session: collecting, customer: { shipping }, pms: [] }));
      assert.equal(p.selected, null);
      assert.deepEqual(p.shipping, shipping);
    });
    it('keeps the 30-minute window and never happens in setup mode', () => {
      assert.equal(prefill(input({ session: collecting, customer: { shipping }, now: T0 + 31 * 60 })).shipping, null);
      assert.equal(prefill(input({ session: { ...collecting, mode: 'setup' }, customer: { shipping } })).shipping, null);
    });
  });

  describe('re-check at submit', () => {
    it('accepts a still-eligible card', () => {
      assert.equal(recheckSavedCard(input(), 'pm_a'), null);
    });
    it('refuses a card that is no longer attached, no longer eligible, or outside the window', () => {
      assert.equal(recheckSavedCard(input(), 'pm_other'), 'not_attached');
      assert.equal(recheckSavedCard(input({ pms: [card('pm_a', { allow_redisplay: 'limited' })] }), 'pm_a'), 'redisplay_allowed');
      assert.equal(recheckSavedCard(input({ now: T0 + 31 * 60 }), 'pm_a'), 'within_prefill_window');
    });
  });

  describe('explanation card by card', () => {
    for (const c of CONDITIONS) {
      it(`agrees with the page when "${c.rule}" holds and when it fails`, () => {
        for (const i of [c.holds, c.fails]) {
          const e = explainPrefill(i);
          const p = prefill(i);
          assert.equal(e.selected?.id ?? null, p.selected?.id ?? null);
          assert.deepEqual(e.cards.filter((d) => d.outcome !== 'excluded').map((d) => d.paymentMethod.id).sort(), p.savedCards.map((x) => x.id).sort());
          for (const d of e.cards.filter((x) => x.outcome === 'excluded')) assert.ok(d.rule, `an excluded card names its rule`);
        }
      });
    }

    it('names, for every card that is not prefilled, the first rule that excluded it', () => {
      const ok = card('pm_ok', { created: T0 - 500 });
      const older = card('pm_older', { created: T0 - 900 });
      const limited = card('pm_limited', { created: T0 - 3, allow_redisplay: 'limited' });
      const noPostal = card('pm_nopostal', { created: T0 - 2 }, { address: { ...US, postal_code: null } });
      const bank = card('pm_bank', { created: T0 - 1, type: 'us_bank_account', card: null });
      const e = explainPrefill(input({ pms: [older, ok, limited, noPostal, bank] }));
      const byId = Object.fromEntries(e.cards.map((d) => [d.paymentMethod.id, d]));
      assert.deepEqual(e.cards.map((d) => d.paymentMethod.id), ['pm_bank', 'pm_nopostal', 'pm_limited', 'pm_ok', 'pm_older'], 'newest first');
      assert.equal(byId.pm_ok?.outcome, 'prefilled');
      assert.equal(byId.pm_older?.outcome, 'listed');
      assert.equal(byId.pm_older?.rule, 'newer_card_chosen');
      assert.equal(byId.pm_bank?.rule, 'is_card');
      assert.equal(byId.pm_limited?.rule, 'redisplay_allowed');
      assert.equal(byId.pm_nopostal?.rule, 'billing_details_complete');
      assert.deepEqual(byId.pm_nopostal?.missing, ['address.postal_code']);
    });

    it('excludes every card by the session rule that failed, and reports each session rule', () => {
      const e = explainPrefill(input({ now: T0 + 31 * 60, pms: [card('pm_a'), card('pm_b')] }));
      assert.equal(e.selected, null);
      assert.deepEqual(e.cards.map((d) => d.rule), ['within_prefill_window', 'within_prefill_window']);
      assert.deepEqual(e.sessionRules.map((r) => [r.id, r.holds]), [['has_customer', true], ['session_open', true], ['mode_payment_or_subscription', true], ['within_prefill_window', false]]);
    });

    it('says a listed card lost to the default payment method in subscription mode', () => {
      const dflt = card('pm_default', { created: T0 - 500 });
      const newer = card('pm_newer', { created: T0 - 1 });
      const e = explainPrefill(input({ session: { mode: 'subscription' }, customer: { invoice_settings: { default_payment_method: 'pm_default' } }, pms: [dflt, newer] }));
      assert.equal(e.selected?.id, 'pm_default');
      assert.equal(e.cards.find((d) => d.paymentMethod.id === 'pm_newer')?.rule, 'default_payment_method_chosen');
    });
  });
});
