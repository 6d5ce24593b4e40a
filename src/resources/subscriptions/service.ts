import type { Ctx } from '../../api/context.js';
import type { SubscriptionPaymentSettings } from '../invoices/params-payment-settings.js';
import { newId } from '../../api/ids.js';
import type { Metadata } from '../../api/params.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { ObjectTable } from '../../store/objects.js';
import { scheduleSubscriptionJobs, TRIAL_WARNING_SECONDS } from './jobs.js';

interface RecurringPrice {
  id: string;
  recurring: { interval: 'day' | 'week' | 'month' | 'year'; interval_count: number } | null;
}

export interface SubscriptionItem {
  id: string;
  object: 'subscription_item';
  billing_thresholds: null;
  created: number;
  current_period_end: number;
  current_period_start: number;
  discounts: [];
  metadata: Metadata;
  price: unknown;
  quantity: number;
  subscription: string;
  tax_rates: object[];
}

/** Stripe's `pending_update`: the items a `pending_if_incomplete` change will have once its invoice is paid. */
export interface PendingUpdate {
  billing_cycle_anchor: number | null;
  cancel_at_period_end: boolean | null;
  discount: null;
  discounts: string[] | null;
  expires_at: number;
  metadata: Record<string, string> | null;
  subscription_items: SubscriptionItem[] | null;
  trial_end: number | null;
  trial_from_plan: boolean | null;
}

/** A Subscription at the current API version (periods live on its items since 2025). */
export interface Subscription {
  id: string;
  object: 'subscription';
  application: null;
  application_fee_percent: null;
  automatic_tax: { disabled_reason: string | null; enabled: boolean; liability: { type: 'self' } | null };
  billing_cycle_anchor: number;
  billing_cycle_anchor_config: null;
  billing_mode: { flexible: null; type: 'classic' };
  billing_schedules: [];
  billing_thresholds: null;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation_details: { comment: string | null; feedback: string | null; reason: 'cancellation_requested' | 'payment_disputed' | 'payment_failed' | null };
  collection_method: 'charge_automatically' | 'send_invoice';
  created: number;
  currency: string;
  customer: string;
  customer_account: null;
  days_until_due: number | null;
  default_payment_method: string | null;
  default_source: null;
  /** TaxRate objects (`subscription_data.default_tax_rates`), applied to items without their own. */
  default_tax_rates: object[];
  description: string | null;
  /** Ids of its Discounts (subscriptions/discounts.ts). */
  discounts: string[];
  ended_at: number | null;
  invoice_settings: InvoiceSettings;
  items: { object: 'list'; data: SubscriptionItem[]; has_more: false; total_count: number; url: string };
  latest_invoice: string | null;
  livemode: false;
  managed_payments: null;
  metadata: Metadata;
  next_pending_invoice_item_invoice: null;
  on_behalf_of: null;
  pause_collection: { behavior: 'keep_as_draft' | 'mark_uncollectible' | 'void'; resumes_at: number | null } | null;
  payment_settings: SubscriptionPaymentSettings;
  pending_invoice_item_interval: null;
  pending_setup_intent: null;
  /** A `pending_if_incomplete` change waiting for its invoice to be paid (update.ts). */
  pending_update: PendingUpdate | null;
  schedule: null;
  start_date: number;
  status: SubscriptionStatus;
  test_clock: string | null;
  transfer_data: null;
  trial_end: number | null;
  trial_settings: { end_behavior: { missing_payment_method: MissingPaymentMethod } };
  trial_start: number | null;
}

export type SubscriptionStatus = 'active' | 'trialing' | 'incomplete' | 'incomplete_expired' | 'past_due' | 'unpaid' | 'canceled' | 'paused';

export type MissingPaymentMethod = 'cancel' | 'create_invoice' | 'pause';

/** `invoice_settings`: what every invoice of the subscription carries (`subscription_data.invoice_settings`). */
export interface InvoiceSettings {
  account_tax_ids: string[] | null;
  custom_fields: Array<{ name: string; value: string }> | null;
  description: string | null;
  footer: string | null;
  issuer: { type: 'account' | 'self'; account?: string };
}

export const subscriptions = new ObjectTable<Subscription>('subscriptions');

/**
 * The end of one billing period that starts at `start` (unix seconds), in UTC calendar terms. A
 * month that lacks the start's day ends on its last day, as Stripe bills the 31st on February's last.
 */
export function periodEnd(start: number, interval: 'day' | 'week' | 'month' | 'year', count: number): number {
  const d = new Date(start * 1000);
  if (interval === 'day') d.setUTCDate(d.getUTCDate() + count);
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7 * count);
  else {
    const months = interval === 'month' ? count : 12 * count;
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  return Math.floor(d.getTime() / 1000);
}

export interface NewSubscription {
  customer: string;
  currency: string;
  items: Array<{ price: RecurringPrice; quantity: number; taxRates?: object[] }>;
  /** Null for a free trial that collected no payment method (`payment_method_collection: if_required`). */
  defaultPaymentMethod: string | null;
  metadata: Metadata;
  description: string | null;
  testClock: string | null;
  created: number;
  /** The trial's end: the subscription is `trialing` until then, and its first period ends there. */
  trialEnd?: number | null;
  missingPaymentMethod?: MissingPaymentMethod;
  /** An explicit `billing_cycle_anchor`: the first period ends there (a short, prorated or free one). */
  billingCycleAnchor?: number | null;
  defaultTaxRates?: object[];
  invoiceSettings?: Partial<InvoiceSettings>;
}

/**
 * Where the first period ends: at the trial's end, at an explicit billing cycle anchor, or one
 * interval of the price after the start (docs/decisions.md#subscription-data-from-checkout).
 */
export function firstPeriodEnd(n: Pick<NewSubscription, 'items' | 'created' | 'trialEnd' | 'billingCycleAnchor'>): number {
  if (n.trialEnd) return n.trialEnd;
  if (n.billingCycleAnchor) return n.billingCycleAnchor;
  const recurring = n.items.find((i) => i.price.recurring)?.price.recurring ?? { interval: 'month' as const, interval_count: 1 };
  return periodEnd(n.created, recurring.interval, recurring.interval_count);
}

/** Builds a Subscription starting now, `trialing` or `active` (its first Invoice is created by the caller). */
export function buildSubscription(n: NewSubscription): Subscription {
  const id = newId('sub_');
  const end = firstPeriodEnd(n);
  const trialEnd = n.trialEnd ?? null;
  const items = n.items.map(
    (i): SubscriptionItem => ({
      id: newId('si_'),
      object: 'subscription_item',
      billing_thresholds: null,
      created: n.created,
      current_period_end: end,
      current_period_start: n.created,
      discounts: [],
      metadata: {},
      price: i.price,
      quantity: i.quantity,
      subscription: id,
      tax_rates: i.taxRates ?? [],
    }),
  );
  return {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? n.billingCycleAnchor ?? n.created,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: n.created,
    currency: n.currency,
    customer: n.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: n.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: n.defaultTaxRates ?? [],
    description: n.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: n.invoiceSettings?.account_tax_ids ?? null,
      custom_fields: n.invoiceSettings?.custom_fields ?? null,
      description: n.invoiceSettings?.description ?? null,
      footer: n.invoiceSettings?.footer ?? null,
      issuer: n.invoiceSettings?.issuer ?? { type: 'self' },
    },
    items: { object: 'list', data: items, has_more: false, total_count: items.length, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: n.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: n.created,
    status: trialEnd ? 'trialing' : 'active',
    test_clock: n.testClock,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: n.missingPaymentMethod ?? 'create_invoice' } },
    trial_start: trialEnd ? n.created : null,
  };
}

/** The queried columns: customer, status, the prices of its items (`|price_a|price_b|`) for `price` filters, its items' ids. */
export function subscriptionColumns(sub: Subscription) {
  const prices = sub.items.data.map((i) => (i.price as { id: string }).id);
  return { customer_id: sub.customer, status: sub.status, price_ids: `|${prices.join('|')}|`, item_ids: `|${sub.items.data.map((i) => i.id).join('|')}|` };
}

/** Stores a subscription changed in a way that emits no event (its first invoice linked). */
export async function saveSubscription(ctx: Ctx, sub: Subscription): Promise<void> {
  await subscriptions.update(ctx.db, ctx.account, sub, subscriptionColumns(sub));
}

/**
 * Stores a new subscription, emits `customer.subscription.created` and schedules what time will
 * do to it: renewal at its period end, the trial's warning (docs/decisions.md#subscriptions-and-renewals).
 */
export async function insertSubscription(ctx: Ctx, sub: Subscription): Promise<void> {
  await subscriptions.insert(ctx.db, ctx.account, sub, subscriptionColumns(sub));
  await emit(ctx, 'customer.subscription.created', sub, undefined, sub.created);
  // A trial shorter than the three days' warning is warned of at once, as Stripe does.
  if (sub.status === 'trialing' && sub.trial_end !== null && sub.trial_end - TRIAL_WARNING_SECONDS <= sub.created) {
    await emit(ctx, 'customer.subscription.trial_will_end', sub, undefined, sub.created);
  }
  await scheduleSubscriptionJobs(ctx, sub);
}

/** The subscription with this id in ctx's account (locked until the write commits when `lock`), or undefined. */
export function findSubscription(ctx: Ctx, id: string, lock = false): Promise<Subscription | undefined> {
  return lock ? subscriptions.getForUpdate(ctx.db, ctx.account, id) : subscriptions.get(ctx.db, ctx.account, id);
}

/**
 * Stores a changed subscription and emits what the change is: `customer.subscription.deleted`
 * when it ends, `.paused` / `.resumed` when it enters or leaves `paused`, then `.updated` with
 * Stripe's `previous_attributes` (none when nothing a merchant sees changed).
 */
export async function transitionSubscription(ctx: Ctx, before: Subscription, after: Subscription, at: number): Promise<Subscription> {
  await subscriptions.update(ctx.db, ctx.account, after, subscriptionColumns(after));
  const ended = after.status === 'canceled' || after.status === 'incomplete_expired';
  const wasEnded = before.status === 'canceled' || before.status === 'incomplete_expired';
  if (ended && !wasEnded) {
    await emit(ctx, 'customer.subscription.deleted', after, undefined, at);
    return after;
  }
  if (after.status === 'paused' && before.status !== 'paused') await emit(ctx, 'customer.subscription.paused', after, undefined, at);
  if (before.status === 'paused' && after.status !== 'paused') await emit(ctx, 'customer.subscription.resumed', after, undefined, at);
  const prev = previousAttributes(before, after);
  if (Object.keys(prev).length > 0) await emit(ctx, 'customer.subscription.updated', after, prev, at);
  return after;
}
