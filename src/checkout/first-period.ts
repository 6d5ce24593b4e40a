/**
 * The first period of a subscription started in Checkout (docs/decisions.md#subscription-data-from-checkout):
 * a trial (`subscription_data.trial_end` / `trial_period_days`) bills nothing today; a
 * `billing_cycle_anchor` makes the first period end at the anchor, billed for its share of a full
 * period (`proration_behavior: create_prorations`, the default) or free (`none`).
 */
import type { LineItem, StoredSession } from '../resources/checkout-sessions/shape.js';
import { periodEnd, type MissingPaymentMethod } from '../resources/subscriptions/service.js';

const DAY = 24 * 60 * 60;

/** The `subscription_data` params the session keeps for completion (as sent). */
export interface SubscriptionDataParams {
  trial_end?: number;
  trial_period_days?: number;
  trial_settings?: { end_behavior: { missing_payment_method: MissingPaymentMethod } };
  billing_cycle_anchor?: number;
  billing_cycle_anchor_config?: AnchorConfig;
  proration_behavior?: 'create_prorations' | 'none';
  invoice_settings?: {
    account_tax_ids?: string[] | null;
    custom_fields?: Array<{ name: string; value: string }> | null;
    description?: string;
    footer?: string;
    issuer?: { type: 'account' | 'self'; account?: string };
  };
}

/** `billing_cycle_anchor_config`: a day of the month (and a month, an hour, ...) to bill on. */
export interface AnchorConfig {
  day_of_month: number;
  hour?: number;
  minute?: number;
  month?: number;
  second?: number;
}

/**
 * The first instant after `from` that `billing_cycle_anchor_config` names: its day of the month
 * (the month's last day when shorter, as Stripe bills the 31st on February's last day), in its
 * month when it gives one; hour, minute and second default to `from`'s.
 */
export function configuredAnchor(cfg: AnchorConfig, from: number): number {
  const d = new Date(from * 1000);
  const [hour, minute, second] = [cfg.hour ?? d.getUTCHours(), cfg.minute ?? d.getUTCMinutes(), cfg.second ?? d.getUTCSeconds()];
  for (let add = 0; add <= 24; add++) {
    const month = d.getUTCMonth() + add;
    if (cfg.month !== undefined && ((month % 12) + 12) % 12 !== cfg.month - 1) continue;
    const year = d.getUTCFullYear();
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const at = Date.UTC(year, month, Math.min(cfg.day_of_month, lastDay), hour, minute, second) / 1000;
    if (at > from) return at;
  }
  return from;
}

/** The session's `subscription_data` params (empty outside subscription mode). */
export function subscriptionDataOf(s: StoredSession): SubscriptionDataParams {
  if (s.mode !== 'subscription') return {};
  return (s._internal.stored_params?.subscription_data ?? {}) as SubscriptionDataParams;
}

/** Whether the session starts a trial. */
export function hasTrial(s: StoredSession): boolean {
  const sd = subscriptionDataOf(s);
  return sd.trial_end !== undefined || sd.trial_period_days !== undefined;
}

/** The trial's length in whole days as the page shows it (from `now` for `trial_end`). */
export function trialDays(s: StoredSession, now: number): number | null {
  const sd = subscriptionDataOf(s);
  if (sd.trial_period_days !== undefined) return sd.trial_period_days;
  if (sd.trial_end !== undefined) return Math.max(1, Math.ceil((sd.trial_end - now) / DAY));
  return null;
}

/** When a trial that starts at `now` ends: `trial_end`, or `trial_period_days` days after now. */
export function trialEndAt(s: StoredSession, now: number): number | null {
  const sd = subscriptionDataOf(s);
  if (sd.trial_end !== undefined) return sd.trial_end;
  if (sd.trial_period_days !== undefined) return now + sd.trial_period_days * DAY;
  return null;
}

interface Recurring {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
}

function recurringOf(items: readonly LineItem[]): Recurring {
  for (const li of items) {
    const r = (li.price as { recurring?: Recurring | null }).recurring;
    if (r) return r;
  }
  return { interval: 'month', interval_count: 1 };
}

/**
 * The billing cycle anchor still ahead at `now`, or null. An anchor that passed while the session
 * was open no longer applies: the buyer pays a full period from now.
 */
export function anchorAt(s: StoredSession, now: number): number | null {
  const sd = subscriptionDataOf(s);
  // A configured anchor is counted from the session's creation, as the page's total is.
  const anchor = sd.billing_cycle_anchor ?? (sd.billing_cycle_anchor_config ? configuredAnchor(sd.billing_cycle_anchor_config, s.created) : undefined);
  return anchor !== undefined && anchor > now ? anchor : null;
}

/**
 * The share of a full period's price the first invoice bills: 0 during a trial or a free period
 * up to the anchor, the anchor's share of the period counted from the session's creation (so the
 * total the page shows does not change by the second), else 1.
 */
export function firstPeriodShare(s: StoredSession, items: readonly LineItem[], now: number): number {
  if (hasTrial(s)) return 0;
  const anchor = anchorAt(s, now);
  if (anchor === null) return 1;
  if (subscriptionDataOf(s).proration_behavior === 'none') return 0;
  const r = recurringOf(items);
  const full = periodEnd(s.created, r.interval, r.interval_count) - s.created;
  return Math.min(1, Math.max(0, (anchor - s.created) / full));
}

/**
 * The priced session with its totals for today: a full period's amounts scaled by the first
 * period's share (zero for a trial). Line items keep a full period's amounts: they say what each
 * period costs. Called by checkout/pricing.ts after every repricing.
 */
export function firstPeriodPriced<T extends { session: StoredSession; items: LineItem[] }>(priced: T, now: number): T {
  const s = priced.session;
  if (s.mode !== 'subscription') return priced;
  const share = firstPeriodShare(s, priced.items, now);
  if (share === 1) return priced;
  const part = (n: number | null | undefined) => Math.round((n ?? 0) * share);
  const d = s.total_details;
  return {
    ...priced,
    session: {
      ...s,
      amount_subtotal: part(s.amount_subtotal),
      amount_total: part(s.amount_total),
      total_details: d ? { ...d, amount_discount: part(d.amount_discount), amount_shipping: part(d.amount_shipping), amount_tax: part(d.amount_tax) } : d,
    },
  };
}
