/**
 * The payment method type seam (docs/architecture.md#payment-method-types): every registered type
 * keeps its contract (how it settles, whether it is prefilled, its page fields, its test ids), an
 * unknown type is refused as the API always refused it, and no code outside the seam decides
 * anything by spelling a type's name.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { StripeError } from '../../src/api/errors.js';
import type { FormError } from '../../src/pages/form.js';
import {
  DEFAULT_PAYMENT_METHOD_TYPE,
  findPaymentMethodType,
  isPrefillable,
  HOSTED_PAYMENT_METHOD_TYPES,
  hostedPaymentMethodType,
  PAYMENT_METHOD_TYPES,
  paymentMethodType,
  requireIntentPaymentMethodType,
  requirePaymentMethodType,
  type PageEntry,
} from '../../src/payment-method-types/index.js';
import { chargeOutcome } from '../../src/processor/index.js';
import type { BillingDetails } from '../../src/resources/payment-methods/shape.js';
import { openStore, type Store } from '../../src/store/db.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NOW = Date.UTC(2026, 5, 15) / 1000;

/**
 * Per registered type: a ready-made test id (null: Stripe has none for the type), the page's fields
 * for one of its test numbers, and whether the type takes details of its own (konbini and Link
 * take none: the buyer's name and email are the billing details).
 */
const SAMPLES: Record<string, { testId: string | null; form: Record<string, string>; details: boolean }> = {
  card: { testId: 'pm_card_visa', form: { cardNumber: '4242 4242 4242 4242', cardExpiry: '12 / 34', cardCvc: '123' }, details: true },
  us_bank_account: {
    testId: 'pm_usBankAccount_success',
    form: { routingNumber: '110000000', accountNumber: '000123456789', accountHolderName: 'Jenny Rosen', accountHolderType: 'company' },
    details: true,
  },
  sepa_debit: { testId: 'pm_success_de', form: { iban: 'de89 3704 0044 0532 0130 00', accountHolderName: 'Jenny Rosen' }, details: true },
  konbini: { testId: null, form: { konbiniName: '山田 太郎' }, details: false },
  link: { testId: null, form: {}, details: false },
  customer_balance: { testId: null, form: {}, details: false },
};

/** What charging each way of settling answers first. */
const FIRST_STATUS = { immediate: 'succeeded', delayed: 'processing' } as const;

const BILLING: BillingDetails = {
  address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94102', state: null },
  email: 'jenny.rosen@example.com',
  name: 'Jenny Rosen',
  phone: null,
  tax_id: null,
};

function isFormError(x: PageEntry<unknown> | FormError): x is FormError {
  return 'message' in x;
}

describe('payment method types: the registry', () => {
  it('lists card, us_bank_account, sepa_debit, konbini, link and customer_balance, each under its own name, with card the default', () => {
    assert.deepEqual(PAYMENT_METHOD_TYPES.map((t) => t.type), ['card', 'us_bank_account', 'sepa_debit', 'konbini', 'link', 'customer_balance']);
    assert.deepEqual(HOSTED_PAYMENT_METHOD_TYPES.map((t) => t.type), ['card', 'us_bank_account', 'sepa_debit', 'konbini', 'link'], 'the hosted page offers every type with page fields');
    for (const t of PAYMENT_METHOD_TYPES) {
      assert.equal(findPaymentMethodType(t.type), t);
      assert.equal(paymentMethodType(t.type), t);
    }
    assert.equal(DEFAULT_PAYMENT_METHOD_TYPE, 'card');
  });

  it('settles a card at once and prefills it; takes any currency', () => {
    const card = paymentMethodType('card');
    assert.equal(card.settlement, 'immediate');
    assert.equal(card.prefillable, true);
    assert.equal(isPrefillable('card'), true);
    assert.equal(card.currencies, null);
  });

  it('settles a US bank account later, never prefills it, and takes usd only', () => {
    const bank = paymentMethodType('us_bank_account');
    assert.equal(bank.settlement, 'delayed');
    assert.equal(bank.prefillable, false);
    assert.equal(isPrefillable('us_bank_account'), false);
    assert.deepEqual(bank.currencies, ['usd']);
  });

  it('settles SEPA Direct Debit later, in eur only, and may save it', () => {
    const sepa = paymentMethodType('sepa_debit');
    assert.equal(sepa.settlement, 'delayed');
    assert.equal(sepa.prefillable, false);
    assert.deepEqual(sepa.currencies, ['eur']);
    assert.equal(sepa.reusable, true);
  });

  it('pays konbini by voucher later, in jpy only from ¥120 to ¥300,000, and never saves it', () => {
    const k = paymentMethodType('konbini');
    assert.equal(k.settlement, 'delayed');
    assert.deepEqual(k.currencies, ['jpy']);
    assert.deepEqual(k.amountLimits, { jpy: { min: 120, max: 300000 } });
    assert.equal(k.reusable, false);
    assert.ok(k.voucher);
  });

  it('pays by Link at once, in any currency, without prefilling it', () => {
    const l = paymentMethodType('link');
    assert.equal(l.settlement, 'immediate');
    assert.equal(l.currencies, null);
    assert.equal(l.prefillable, false);
    assert.equal(isPrefillable('link'), false);
  });

  it('pays customer_balance by bank transfer, through the API only: no page, never saved, in the cash balance currencies', () => {
    const cb = paymentMethodType('customer_balance');
    assert.equal(cb.page, undefined);
    assert.ok(cb.bankTransfer);
    assert.equal(cb.reusable, false);
    assert.equal(cb.prefillable, false);
    assert.deepEqual([...(cb.currencies ?? [])].sort(), ['eur', 'gbp', 'jpy', 'mxn', 'usd']);
    assert.equal(requireIntentPaymentMethodType('customer_balance', 'payment_method_types[0]'), cb);
    assert.throws(() => requirePaymentMethodType('customer_balance', 'payment_method_types[0]'), (err: unknown) => err instanceof StripeError && err.body.code === 'payment_method_type_invalid');
    assert.equal(cb.bankTransfer.transferType({ funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_transfer' } }, 'jpy'), 'jp_bank_transfer');
    assert.equal(cb.bankTransfer.funding('usd', 'REF').type, 'us_bank_transfer');
  });

  it('refuses an unknown type with the Stripe error the sessions API has always answered', () => {
    for (const name of ['bacs_debit', 'oxxo', 'CARD', 'constructor', '__proto__']) {
      assert.equal(findPaymentMethodType(name), undefined, name);
      assert.equal(isPrefillable(name), false, name);
      assert.throws(
        () => requirePaymentMethodType(name, 'payment_method_types[0]'),
        (err: unknown) => {
          assert.ok(err instanceof StripeError);
          assert.equal(err.status, 400);
          assert.deepEqual(err.body, {
            type: 'invalid_request_error',
            code: 'payment_method_type_invalid',
            doc_url: 'https://stripe.com/docs/error-codes/payment-method-type-invalid',
            message: `The payment method type \`${name}\` is not available here. OpenCheckout's hosted page takes: card, us_bank_account, sepa_debit, konbini, link.`,
            param: 'payment_method_types[0]',
          });
          return true;
        },
      );
    }
  });
});

describe('payment method types: each type’s contract', () => {
  let store: Store;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-pm-types-'));
    store = await openStore({ dataDir: dir });
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has a sample for every registered type (a new type adds one here)', () => {
    assert.deepEqual(Object.keys(SAMPLES), PAYMENT_METHOD_TYPES.map((t) => t.type));
  });

  for (const t of PAYMENT_METHOD_TYPES) {
    const sample = SAMPLES[t.type];

    it(`${t.type}: the processor answers as the type says it settles`, async () => {
      assert.ok(sample);
      const entry = t.page ? t.page.read(new URLSearchParams(sample.form), 'en') : { params: {}, save: false };
      assert.ok(!isFormError(entry), JSON.stringify(entry));
      const details = sample.testId ? await t.testDetails(store.db, sample.testId, NOW) : await t.build({ db: store.db, now: NOW, billing: BILLING }, entry.params);
      assert.ok(details, `${sample.testId} is one of Stripe's ${t.type} test ids`);
      const outcome = await chargeOutcome(store.db, { type: t.type, [t.type]: details, billing_details: BILLING }, 1000, { now: NOW });
      // A type that pays by voucher waits on the buyer, a bank transfer on the money; other delayed types are processing.
      assert.equal(outcome.status, t.bankTransfer ? 'awaiting_transfer' : t.voucher ? 'requires_action' : FIRST_STATUS[t.settlement]);
    });

    it(`${t.type}: what the page reads from its fields builds the same details as the API`, async (test) => {
      assert.ok(sample);
      if (!t.page) return test.skip('the hosted page does not offer the type');
      const entry = t.page.read(new URLSearchParams(sample.form), 'en');
      assert.ok(!isFormError(entry), JSON.stringify(entry));
      const details = await t.build({ db: store.db, now: NOW, billing: BILLING }, entry.params);
      if (!sample.testId) {
        assert.deepEqual(await t.build({ db: store.db, now: NOW, billing: BILLING }, {}), details);
        return;
      }
      const fromTestId = await t.testDetails(store.db, sample.testId, NOW);
      // Same number, same fingerprint: the page's entry is the test id's account or card.
      assert.equal((details as { fingerprint: string }).fingerprint, (fromTestId as { fingerprint: string }).fingerprint);
      assert.equal((details as { last4: string }).last4, (fromTestId as { last4: string }).last4);
    });

    it(`${t.type}: the page renders every field it keeps or maps an error to, under Stripe's ids`, (test) => {
      if (!t.page) return test.skip('the hosted page does not offer the type');
      const html = t.page.render({ values: t.page.initial, error: undefined, offerSave: true, locale: 'en' });
      for (const id of [...t.page.kept, ...Object.values(t.page.fieldOfParam)]) {
        assert.match(html, new RegExp(`id="${id}"`), `${t.type} renders #${id}`);
      }
    });

    it(`${t.type}: the page refuses an empty form with an inline error on one of its fields`, (test) => {
      if (Object.keys(sample?.form ?? {}).length === 0 || !t.page) return test.skip('the type has no fields of its own');
      const read = t.page.read(new URLSearchParams(), 'en');
      assert.ok(isFormError(read));
      assert.match(t.page.render({ values: {}, error: read, offerSave: false, locale: 'en' }), new RegExp(`id="${read.field}"[^>]*aria-invalid="true"`));
    });

    it(`${t.type}: the API refuses missing details, naming the type's param`, async (test) => {
      if (!sample?.details) return test.skip('the type takes no details of its own');
      await assert.rejects(t.build({ db: store.db, now: NOW, billing: BILLING }, undefined), (err: unknown) => {
        assert.ok(err instanceof StripeError);
        assert.equal(err.body.code, 'parameter_missing');
        assert.equal(err.body.param, t.type);
        return true;
      });
    });
  }

  it('asks a bank account holder for a name of their own, and a card holder for the billing fields', () => {
    const bank = hostedPaymentMethodType('us_bank_account');
    const entry = bank.page.read(new URLSearchParams(SAMPLES.us_bank_account?.form));
    assert.ok(!isFormError(entry));
    assert.equal(entry.billingName, 'Jenny Rosen');
    assert.equal(bank.page.requiresBillingFields, false);
    assert.equal(hostedPaymentMethodType('card').page.requiresBillingFields, true);
  });
});

/** Every TypeScript file under `dir`, as paths relative to the repository. */
function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? sourceFiles(`${dir}/${d.name}`) : d.name.endsWith('.ts') ? [`${dir}/${d.name}`] : []));
}

/** Where a type's name may be spelled: the seam, the processor (test numbers and outcomes), and the wire types. */
const SPELLED_IN = ['src/payment-method-types/', 'src/processor/', 'src/resources/payment-methods/shape.ts'];

/** Files outside those that must spell it, each with the reason. Keep this list short. */
const WIRE_EXCEPTIONS: Record<string, string> = {
  'src/cli/page.ts':
    'the CLI posts the hosted page’s form as a buyer’s browser does: the radio value is the wire name, and the CLI loads none of the server’s modules',
  'src/resources/checkout-sessions/params-pmo.ts':
    'the shape of `payment_method_options[us_bank_account]`: a key of Stripe’s params for every type, supported here or not, validated and stored',
  'src/resources/checkout-sessions/params-stored.ts':
    'the enum of `excluded_payment_method_types`: every type Stripe names, supported here or not',
  'src/resources/invoices/params-payment-settings.ts':
    'an invoice’s `payment_settings`: the enum of its `payment_method_types` and the keys of its `payment_method_options`, every type Stripe names, supported here or not',
};

describe('payment method types: one seam', () => {
  it('spells `us_bank_account` in src only inside the seam, the processor, the wire types and the listed exceptions', () => {
    const outside = sourceFiles('src')
      .filter((file) => !SPELLED_IN.some((allowed) => file.startsWith(allowed)))
      .filter((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').includes('us_bank_account'));
    assert.deepEqual(outside.sort(), Object.keys(WIRE_EXCEPTIONS).sort());
  });

  it('names `sepa_debit` and `konbini` as strings in src only inside the seam, the processor, the wire types and the listed exceptions', () => {
    // Quoted names: a comment or a path may mention konbini; code must ask the type instead.
    const quoted = /(['"`])(sepa_debit|konbini)\1/;
    const outside = sourceFiles('src')
      .filter((file) => !SPELLED_IN.some((allowed) => file.startsWith(allowed)))
      .filter((file) => quoted.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    const wireEnums = ['src/resources/checkout-sessions/params-pmo.ts', 'src/resources/checkout-sessions/params-stored.ts', 'src/resources/invoices/params-payment-settings.ts'];
    assert.deepEqual(outside.sort(), wireEnums.filter((f) => quoted.test(fs.readFileSync(path.join(ROOT, f), 'utf8'))).sort());
  });
});
