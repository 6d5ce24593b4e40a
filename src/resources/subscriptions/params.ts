/**
 * The params of `/v1/subscriptions` (stripe-node 23 `SubscriptionCreateParams`, ...). Those
 * OpenCheckout acts on are checked; the rest (Connect, thresholds, payment settings, ...) are
 * accepted and have no offline effect (docs/decisions.md#subscriptions-and-renewals).
 */
import type { FormValue } from '../../api/form.js';
import { subscriptionPaymentSettingsParam } from '../invoices/params-payment-settings.js';
import { errors } from '../../api/errors.js';
import { arr, bool, int, metadata, nullableStr, obj, oneOf, required, str, unset, type Field } from '../../api/params.js';
import { discountsParam } from './discounts.js';

/** A param accepted as sent: it changes nothing offline. */
export const kept: Field<FormValue | undefined> = { parse: (value) => value };

/** `automatic_tax[enabled]` (required when `automatic_tax` is given), `[liability]` accepted. */
const automaticTaxParam = obj({ enabled: required(bool()), liability: kept });

/** An integer timestamp or one of a few words (`trial_end=now`, `billing_cycle_anchor=unchanged`). */
export function intOr<const W extends string>(words: readonly W[]): Field<number | W | undefined> {
  const n = int({ min: 0 });
  return {
    parse(value, param) {
      if (typeof value === 'string' && (words as readonly string[]).includes(value)) return value as W;
      return n.parse(value, param);
    },
  };
}

/** `''` (unset) or an integer timestamp. */
export function intOrUnset(): Field<number | null | undefined> {
  return unset(int({ min: 0 }));
}

const recurring = obj({ interval: oneOf(['day', 'week', 'month', 'year'] as const), interval_count: int({ min: 1 }) });

/** `items[][price_data]`: a recurring price of an existing product. */
export const itemPriceData = obj({
  currency: str({ max: 3 }),
  product: str({ max: 5000 }),
  recurring,
  tax_behavior: oneOf(['exclusive', 'inclusive', 'unspecified'] as const),
  unit_amount: int({ min: 0 }),
  unit_amount_decimal: str({ max: 50 }),
});

const taxRates = (): Field<string[] | null | undefined> => unset(arr(str({ max: 5000 })));

const itemShape = {
  billing_thresholds: kept,
  current_trial: kept,
  discounts: kept,
  metadata: metadata(),
  plan: str({ max: 5000 }),
  price: str({ max: 5000 }),
  price_data: kept,
  quantity: int({ min: 0 }),
  tax_rates: taxRates(),
};

const pauseCollection = (): Field<{ behavior: 'keep_as_draft' | 'mark_uncollectible' | 'void'; resumes_at?: number } | null | undefined> => {
  const o = obj({ behavior: oneOf(['keep_as_draft', 'mark_uncollectible', 'void'] as const), resumes_at: int({ min: 0 }) });
  return {
    parse(value, param) {
      if (value === '') return null;
      const p = o.parse(value, param);
      if (p === undefined) return undefined;
      if (!p.behavior) throw errors.missingParam(`${param}[behavior]`);
      return p as { behavior: 'keep_as_draft' | 'mark_uncollectible' | 'void'; resumes_at?: number };
    },
  };
};

const trialSettings = obj({ end_behavior: obj({ missing_payment_method: oneOf(['cancel', 'create_invoice', 'pause'] as const) }) });

const invoiceSettings = obj({
  account_tax_ids: kept,
  custom_fields: kept,
  description: str({ max: 5000 }),
  footer: str({ max: 5000 }),
  issuer: kept,
});

/** `POST /v1/subscriptions`. */
export const createShape = {
  add_invoice_items: kept,
  application_fee_percent: kept,
  automatic_tax: automaticTaxParam,
  backdate_start_date: int({ min: 0 }),
  billing_cycle_anchor: int({ min: 0 }),
  billing_cycle_anchor_config: kept,
  billing_mode: kept,
  billing_schedules: kept,
  billing_thresholds: kept,
  cancel_at: intOr(['max_billed_until', 'max_period_end', 'min_period_end'] as const),
  cancel_at_period_end: bool(),
  collection_method: oneOf(['charge_automatically', 'send_invoice'] as const),
  currency: str({ max: 3 }),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  days_until_due: int({ min: 0, max: 730 }),
  default_payment_method: str({ max: 5000 }),
  default_source: kept,
  default_tax_rates: taxRates(),
  description: str({ max: 500 }),
  discounts: discountsParam(),
  invoice_settings: invoiceSettings,
  items: arr(obj(itemShape), { max: 20 }),
  metadata: metadata(),
  off_session: bool(),
  on_behalf_of: kept,
  payment_behavior: oneOf(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] as const),
  payment_settings: subscriptionPaymentSettingsParam(),
  pending_invoice_item_interval: kept,
  proration_behavior: oneOf(['always_invoice', 'create_prorations', 'none'] as const),
  transfer_data: kept,
  trial_end: intOr(['now'] as const),
  trial_from_plan: bool(),
  trial_period_days: int({ min: 0, max: 730 }),
  trial_settings: trialSettings,
};

/** `POST /v1/subscriptions/:id`. */
export const updateShape = {
  add_invoice_items: kept,
  application_fee_percent: kept,
  automatic_tax: automaticTaxParam,
  billing_cycle_anchor: oneOf(['now', 'unchanged'] as const),
  billing_schedules: kept,
  billing_thresholds: kept,
  cancel_at: unset(intOr(['max_billed_until', 'max_period_end', 'min_period_end'] as const)),
  cancel_at_period_end: bool(),
  cancellation_details: obj({ comment: nullableStr({ max: 5000 }), feedback: kept }),
  collection_method: oneOf(['charge_automatically', 'send_invoice'] as const),
  days_until_due: int({ min: 0, max: 730 }),
  default_payment_method: nullableStr({ max: 5000 }),
  default_source: kept,
  default_tax_rates: taxRates(),
  description: nullableStr({ max: 500 }),
  discounts: discountsParam(),
  invoice_settings: invoiceSettings,
  items: arr(obj({ ...itemShape, clear_usage: bool(), deleted: bool(), id: str({ max: 5000 }) }), { max: 20 }),
  metadata: metadata(),
  off_session: bool(),
  on_behalf_of: kept,
  pause_collection: pauseCollection(),
  payment_behavior: oneOf(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] as const),
  payment_settings: subscriptionPaymentSettingsParam(),
  pending_invoice_item_interval: kept,
  proration_behavior: oneOf(['always_invoice', 'create_prorations', 'none'] as const),
  proration_date: int({ min: 0 }),
  transfer_data: kept,
  trial_end: intOr(['now'] as const),
  trial_from_plan: bool(),
  trial_settings: trialSettings,
};

/** `DELETE /v1/subscriptions/:id` (and `POST .../cancel`). */
export const cancelShape = {
  cancellation_details: obj({ comment: nullableStr({ max: 5000 }), feedback: kept }),
  invoice_now: bool(),
  prorate: bool(),
};

/** `POST /v1/subscriptions/:id/resume`. */
export const resumeShape = {
  billing_cycle_anchor: (() => {
    // stripe-node 23 sends `billing_cycle_anchor[type]`; older clients a plain word.
    const word = oneOf(['now', 'unchanged'] as const);
    const typed = obj({ type: oneOf(['now', 'unchanged'] as const) });
    return {
      parse: (v: FormValue | undefined, p: string) => (typeof v === 'object' && !Array.isArray(v) ? typed.parse(v, p)?.type : word.parse(v, p)),
    } as Field<'now' | 'unchanged' | undefined>;
  })(),
  payment_behavior: oneOf(['resume_on_payment_attempt', 'resume_on_payment_success'] as const),
  proration_behavior: oneOf(['always_invoice', 'create_prorations', 'none'] as const),
  proration_date: int({ min: 0 }),
};

/** `GET /v1/subscriptions` filters beside the paging params. */
export const listFilterShape = {
  automatic_tax: kept,
  collection_method: oneOf(['charge_automatically', 'send_invoice'] as const),
  current_period_end: kept,
  current_period_start: kept,
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  plan: str({ max: 5000 }),
  price: str({ max: 5000 }),
  status: oneOf(['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] as const),
  test_clock: str({ max: 5000 }),
};
