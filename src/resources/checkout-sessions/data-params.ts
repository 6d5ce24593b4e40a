/**
 * Stripe's rules for the per-mode data params of a new Checkout Session: `subscription_data`'s
 * trial and billing cycle anchor (docs/decisions.md#subscription-data-from-checkout),
 * `payment_intent_data`'s Connect fields and descriptors
 * (docs/decisions.md#payment-intent-data-from-checkout), and `after_expiration.recovery`.
 */
import { errors } from '../../api/errors.js';
import type { InferShape } from '../../api/params.js';
import { periodEnd } from '../subscriptions/service.js';
import type { createShape } from './params.js';
import type { LineItem } from './shape.js';

type CreateParams = InferShape<typeof createShape>;

const DAY = 24 * 60 * 60;
/** A trial's end: at least 2 days ahead (Stripe: "at least 48 hours in the future"), at most 730 days. */
const MIN_TRIAL = 2 * DAY;
const MAX_TRIAL = 730 * DAY;

interface Recurring {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
}

function recurringOf(items: LineItem[]): Recurring | null {
  for (const li of items) {
    const r = (li.price as { recurring?: Recurring | null }).recurring;
    if (r) return r;
  }
  return null;
}

/** `subscription_data`: one way to set a trial, its end in Stripe's window, an anchor without a trial and before the next natural billing date. */
export function checkSubscriptionData(p: CreateParams, items: LineItem[], now: number): void {
  const sd = p.subscription_data;
  if (!sd) return;
  const param = (k: string) => `subscription_data[${k}]`;
  if (sd.trial_end !== undefined && sd.trial_period_days !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: trial_end, trial_period_days.', param('trial_end'));
  }
  if (sd.trial_end !== undefined) {
    if (sd.trial_end < now + MIN_TRIAL) {
      throw errors.invalid('The `trial_end` date has to be at least 2 days in the future.', param('trial_end'));
    }
    if (sd.trial_end > now + MAX_TRIAL) {
      throw errors.invalid('The `trial_end` date can be no more than 730 days in the future.', param('trial_end'));
    }
  }
  const trial = sd.trial_end !== undefined || sd.trial_period_days !== undefined;
  if (sd.billing_cycle_anchor !== undefined && sd.billing_cycle_anchor_config !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: billing_cycle_anchor, billing_cycle_anchor_config.', param('billing_cycle_anchor_config'));
  }
  for (const anchor of ['billing_cycle_anchor', 'billing_cycle_anchor_config'] as const) {
    if (sd[anchor] !== undefined && trial) {
      throw errors.invalid(`\`${anchor}\` cannot be combined with \`trial_end\` or \`trial_period_days\`.`, param(anchor));
    }
  }
  const month = sd.billing_cycle_anchor_config?.month;
  if (month !== undefined && recurringOf(items)?.interval !== 'year') {
    throw errors.invalid('`billing_cycle_anchor_config[month]` can only be set for yearly prices.', param('billing_cycle_anchor_config][month'));
  }
  if (sd.billing_cycle_anchor !== undefined) {
    const r = recurringOf(items);
    if (sd.billing_cycle_anchor <= now) throw errors.invalid('`billing_cycle_anchor` must be a timestamp in the future.', param('billing_cycle_anchor'));
    if (r && sd.billing_cycle_anchor >= periodEnd(now, r.interval, r.interval_count)) {
      throw errors.invalid("`billing_cycle_anchor` must be before the subscription's next natural billing date.", param('billing_cycle_anchor'));
    }
  }
}

/** Ids of connected accounts look like Stripe's; there are none to look up offline. */
const ACCOUNT_ID = /^acct_[A-Za-z0-9]{1,200}$/;
/** Stripe refuses these characters in a statement descriptor, and one without a letter. */
const DESCRIPTOR_FORBIDDEN = /[<>\\'"*]/;

function checkDescriptor(value: string | undefined, param: string): void {
  if (value === undefined) return;
  if (DESCRIPTOR_FORBIDDEN.test(value)) throw errors.invalid('The statement descriptor cannot contain any of the special characters <, >, \\, \', " or *.', param);
  if (!/[A-Za-z]/.test(value)) throw errors.invalid('The statement descriptor must contain at least one letter.', param);
}

/**
 * `payment_intent_data`: descriptors, and the Connect fields as Stripe checks them — an
 * application fee needs a connected account (`on_behalf_of` or `transfer_data.destination`),
 * accounts are `acct_` ids, and neither the fee nor the transfer may exceed the total.
 */
export function checkPaymentIntentData(p: CreateParams, total: number | null): void {
  const pid = p.payment_intent_data;
  if (!pid) return;
  const param = (k: string) => `payment_intent_data[${k}]`;
  checkDescriptor(pid.statement_descriptor, param('statement_descriptor'));
  checkDescriptor(pid.statement_descriptor_suffix, param('statement_descriptor_suffix'));
  if (pid.on_behalf_of !== undefined && !ACCOUNT_ID.test(pid.on_behalf_of)) {
    throw errors.invalid(`No such account: '${pid.on_behalf_of}'`, param('on_behalf_of'), 'resource_missing');
  }
  if (pid.transfer_data !== undefined && !ACCOUNT_ID.test(pid.transfer_data.destination)) {
    throw errors.invalid(`No such destination: '${pid.transfer_data.destination}'`, param('transfer_data][destination'), 'resource_missing');
  }
  if (pid.application_fee_amount !== undefined && pid.on_behalf_of === undefined && pid.transfer_data === undefined) {
    throw errors.invalid(
      'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
      param('application_fee_amount'),
    );
  }
  if (total !== null && pid.application_fee_amount !== undefined && pid.application_fee_amount > total) {
    throw errors.invalid('The application fee cannot be greater than the amount of the payment.', param('application_fee_amount'));
  }
  if (total !== null && pid.transfer_data?.amount !== undefined && pid.transfer_data.amount > total) {
    throw errors.invalid('The amount to transfer must be less than or equal to the amount of the payment.', param('transfer_data][amount'));
  }
  if (pid.capture_method === 'manual' && (p.allowed_payment_method_types ?? p.payment_method_types ?? ['card']).some((t) => t !== 'card')) {
    throw errors.invalid('`capture_method: manual` is only available with `card` in `payment_method_types`.', param('capture_method'));
  }
}

/** `setup_intent_data.on_behalf_of` is a connected account's id. */
export function checkSetupIntentData(p: CreateParams): void {
  const id = p.setup_intent_data?.on_behalf_of;
  if (id !== undefined && !ACCOUNT_ID.test(id)) throw errors.invalid(`No such account: '${id}'`, 'setup_intent_data[on_behalf_of]', 'resource_missing');
}

/** `return_url` with `redirect_on_completion: never`: Stripe refuses a URL it would never go to. */
export function checkRedirect(p: CreateParams): void {
  if (p.redirect_on_completion === 'never' && p.return_url !== undefined) {
    throw errors.invalid('`return_url` cannot be set when `redirect_on_completion` is `never`.', 'return_url');
  }
  checkPageRedirects(p);
}

/** What stripe-node 23 says each ui_mode cannot take (alphabetical, as Stripe lists them). */
const PAGE_REFUSED = ['cancel_url', 'success_url'] as const;
const FORM_REFUSED = ['cancel_url', 'optional_items', 'success_url'] as const;
const ELEMENTS_REFUSED = ['after_expiration', 'branding_settings', 'cancel_url', 'custom_fields', 'custom_text', 'optional_items', 'origin_context', 'submit_type', 'success_url'] as const;

/**
 * A session paid outside the hosted page (`embedded_page`, `elements`, `form`) has no page of
 * Stripe's to go back from: `success_url` and `cancel_url` are refused (with what else the mode
 * cannot take), and it needs `return_url` unless it never redirects (docs/decisions.md#embedded-checkout).
 */
function checkPageRedirects(p: CreateParams): void {
  const mode = p.ui_mode;
  if (mode === undefined || mode === 'hosted' || mode === 'hosted_page') return;
  const notHere = mode === 'elements' || mode === 'custom' ? ELEMENTS_REFUSED : mode === 'form' ? FORM_REFUSED : PAGE_REFUSED;
  const refused = notHere.filter((k) => p[k] !== undefined);
  if (refused.length > 0) {
    throw errors.invalid(`The following parameters are not supported with 'ui_mode: ${mode}': ${refused.join(', ')}.`, refused[0]);
  }
  if (p.return_url === undefined && p.redirect_on_completion !== 'never') throw errors.missingParam('return_url');
}
