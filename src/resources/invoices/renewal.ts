/**
 * A subscription's invoices after the first (docs/decisions.md#subscriptions-and-renewals): a
 * renewal, a trial's end, an update billed at once. Each is created as a draft, finalized, then
 * paid, failed (retried later), voided or marked uncollectible, with Stripe's event for each step.
 */
import type { Ctx } from '../../api/context.js';
import { newId } from '../../api/ids.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { takeInvoiceNumber } from '../customers/service.js';
import type { Customer } from '../customers/shape.js';
import type { Subscription } from '../subscriptions/service.js';
import { newInvoice, subscriptionLine, type SubscriptionLine } from './new-invoice.js';
import { invoices, type Invoice, type InvoiceTax } from './service.js';
import { scheduleOverdue } from './overdue.js';
import { invoiceColumns, saveInvoice } from './store.js';
import { invoiceAmounts } from './totals.js';
import { cancelOpenPayment, paidInvoicePayment, recordInvoicePayment, rememberInvoicePaymentIntent, withPayment } from './payments.js';
import type { DiscountCoupons } from '../invoice-items/store.js';
import type { TaxRate } from '../tax-rates/shape.js';
import { automaticallyTaxedLines, invoiceAutomaticTax } from './automatic-tax.js';

export type { SubscriptionLine };

export type SubscriptionBillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update';

export interface NewSubscriptionInvoice {
  customer: Customer;
  subscription: Subscription;
  lines: SubscriptionLine[];
  billingReason: SubscriptionBillingReason;
  created: number;
  /** The discounts in effect (discount id -> coupon; docs/decisions.md#discounts-on-subscriptions-and-customers). */
  discounts?: DiscountCoupons;
}

/** The invoice with this id in ctx's account, or undefined. */
export function findInvoice(ctx: Ctx, id: string): Promise<Invoice | undefined> {
  return invoices.get(ctx.db, ctx.account, id);
}

/** A subscription invoice's amounts: its lines (with their discounts' shares and taxes) and totals. */
export interface SubscriptionInvoiceAmounts {
  lines: SubscriptionLine[];
  subtotal: number;
  subtotalExcludingTax: number;
  total: number;
  totalExcludingTax: number;
  taxes: InvoiceTax[];
  discountAmounts: Array<{ amount: number; discount: string }>;
}

/**
 * The amounts of a subscription invoice of `lines` under `discounts` (discount id -> coupon):
 * without discounts, the lines as billed with their own taxes; with some, the Invoices API's
 * arithmetic (totals.ts): the discounts shared over the discountable lines, then each line's tax
 * on what is left (docs/decisions.md#discounts-on-subscriptions-and-customers).
 */
export function subscriptionInvoiceAmounts(lines: readonly SubscriptionLine[], discounts: DiscountCoupons, currency: string): SubscriptionInvoiceAmounts {
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  if (Object.keys(discounts).length === 0) {
    const taxes = sumTaxes(lines.flatMap((l) => l.taxes));
    const exclusive = taxes.filter((t) => t.tax_behavior === 'exclusive').reduce((sum, t) => sum + t.amount, 0);
    const inclusive = taxes.filter((t) => t.tax_behavior === 'inclusive').reduce((sum, t) => sum + t.amount, 0);
    const total = subtotal + exclusive;
    return { lines: [...lines], subtotal, subtotalExcludingTax: subtotal - inclusive, total, totalExcludingTax: total - exclusive - inclusive, taxes, discountAmounts: [] };
  }
  const a = invoiceAmounts(
    lines.map((l) => ({ amount: l.amount, discountable: !l.proration || l.amount > 0, discounts: {}, taxRates: (l.taxRates ?? []) as TaxRate[] })),
    discounts,
    currency,
  );
  return {
    lines: lines.map((l, i) => ({ ...l, discountAmounts: a.lines[i]?.discountAmounts ?? [], taxes: a.lines[i]?.taxes ?? [] })),
    subtotal: a.subtotal,
    subtotalExcludingTax: a.subtotalExcludingTax,
    total: a.total,
    totalExcludingTax: a.totalExcludingTax,
    taxes: a.totalTaxes,
    discountAmounts: a.totalDiscountAmounts.filter((d) => d.amount > 0),
  };
}

/** Creates a draft invoice of the subscription's lines (under its discounts); emits `invoice.created`. */
export async function createSubscriptionInvoice(ctx: Ctx, n: NewSubscriptionInvoice): Promise<Invoice> {
  const id = newId('in_');
  const sub = n.subscription;
  const c = n.customer;
  // Stripe Tax on the subscription: its rate for the customer's location; a location it cannot
  // tax leaves the invoice untaxed with `disabled_reason` (docs/decisions.md#automatic-tax-on-subscriptions).
  const taxed = sub.automatic_tax.enabled ? await automaticallyTaxedLines(ctx, c, n.lines, n.created, n.created) : null;
  const automaticTax = sub.automatic_tax.enabled ? invoiceAutomaticTax(taxed !== null) : null;
  const amounts = subscriptionInvoiceAmounts(taxed ?? n.lines, n.discounts ?? {}, sub.currency);
  const lines = amounts.lines.map((l) => subscriptionLine(id, sub, l));
  const { subtotal, total, taxes } = amounts;
  const st = sub.invoice_settings;
  const invoice: Invoice = {
    ...newInvoice(id, c, sub.currency, n.created, n.billingReason),
    account_tax_ids: st.account_tax_ids,
    amount_due: Math.max(0, total),
    amount_remaining: Math.max(0, total),
    ...(automaticTax ? { automatic_tax: automaticTax } : {}),
    auto_advance: true,
    collection_method: sub.collection_method,
    custom_fields: st.custom_fields,
    default_tax_rates: sub.default_tax_rates,
    description: st.description,
    due_date: sub.collection_method === 'send_invoice' ? n.created + (sub.days_until_due ?? 30) * 86_400 : null,
    // A credit (a downgrade's proration) is left on the customer's balance, as Stripe does.
    ending_balance: null,
    footer: st.footer,
    issuer: st.issuer,
    lines: { object: 'list', data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${id}/lines` },
    parent: { quote_details: null, subscription_details: { metadata: sub.metadata, subscription: sub.id }, type: 'subscription_details' },
    discounts: Object.keys(n.discounts ?? {}),
    subtotal,
    subtotal_excluding_tax: amounts.subtotalExcludingTax,
    total,
    total_discount_amounts: amounts.discountAmounts,
    total_excluding_tax: amounts.totalExcludingTax,
    total_taxes: taxes,
  };
  await invoices.insert(ctx.db, ctx.account, invoice, invoiceColumns(invoice));
  await emit(ctx, 'invoice.created', invoice, undefined, n.created);
  return invoice;
}

/** Finalizes a draft: it gets its number and becomes `open`; emits `invoice.finalized`. */
export async function finalizeSubscriptionInvoice(ctx: Ctx, inv: Invoice, customer: Customer, at: number): Promise<Invoice> {
  const transitions = inv.status_transitions as Record<string, number | null>;
  const open: Invoice = {
    ...inv,
    status: 'open',
    // The customer's next number: Stripe's per-customer sequence.
    number: await takeInvoiceNumber(ctx, customer.id),
    effective_at: at,
    ending_balance: 0,
    status_transitions: { ...transitions, finalized_at: at },
  };
  await store(ctx, inv, open, 'invoice.finalized', at, false);
  // A sent invoice still open at its due date is overdue (`invoice.overdue`, overdue.ts).
  await scheduleOverdue(ctx, open);
  return open;
}

/**
 * Records a payment of the whole amount due (`paymentIntent`, or none for an invoice of 0):
 * `paid`; emits `invoice.paid` and `invoice.payment_succeeded` (the latter only when money moved).
 */
export async function markSubscriptionInvoicePaid(ctx: Ctx, inv: Invoice, paymentIntent: string | null, at: number): Promise<Invoice> {
  const due = inv.amount_due as number;
  const payment = paymentIntent ? await paidInvoicePayment(ctx, inv.id, paymentIntent, inv.currency as string, due, at) : null;
  const transitions = inv.status_transitions as Record<string, number | null>;
  const paid: Invoice = {
    ...inv,
    status: 'paid',
    amount_paid: due,
    amount_remaining: 0,
    attempted: true,
    attempt_count: paymentIntent ? (inv.attempt_count as number) + 1 : inv.attempt_count,
    auto_advance: false,
    next_payment_attempt: null,
    payments: payment ? withPayment(inv, payment) : inv.payments,
    status_transitions: { ...transitions, paid_at: at },
  };
  await store(ctx, inv, paid, 'invoice.paid', at, false);
  if (paymentIntent || due === 0) await emit(ctx, 'invoice.payment_succeeded', paid, undefined, at);
  if (payment) await recordInvoicePayment(ctx, payment);
  return paid;
}

/**
 * Records a failed attempt: `attempt_count` grows, `next_payment_attempt` says when the next one is
 * (null: none); emits `invoice.payment_failed`, then `invoice.payment_action_required` when the
 * card waits for the customer's authentication (as the Invoices API's pay does).
 */
export async function recordSubscriptionInvoiceFailure(ctx: Ctx, inv: Invoice, nextAttempt: number | null, at: number, requiresAction = false, paymentIntent: string | null = null): Promise<Invoice> {
  // The attempt's PaymentIntent is the invoice's open payment (listed in `payments`): retries confirm it again.
  const withOpen = paymentIntent ? await rememberInvoicePaymentIntent(ctx, inv, paymentIntent, inv.amount_remaining as number, at) : inv;
  const failed: Invoice = {
    ...withOpen,
    attempted: true,
    attempt_count: (inv.attempt_count as number) + 1,
    next_payment_attempt: nextAttempt,
    auto_advance: nextAttempt !== null,
  };
  await store(ctx, inv, failed, 'invoice.payment_failed', at, false);
  if (requiresAction) await emit(ctx, 'invoice.payment_action_required', failed, undefined, at);
  return failed;
}

/** Ends an invoice without payment: `void` (`invoice.voided`) or `uncollectible` (`invoice.marked_uncollectible`). */
export async function closeSubscriptionInvoice(ctx: Ctx, inv: Invoice, status: 'void' | 'uncollectible', at: number): Promise<Invoice> {
  const transitions = inv.status_transitions as Record<string, number | null>;
  // Voided, its PaymentIntent still waiting is canceled (docs/decisions.md#invoice-payments).
  const closed: Invoice = {
    ...(status === 'void' ? await cancelOpenPayment(ctx, inv, at) : inv),
    status,
    auto_advance: false,
    next_payment_attempt: null,
    amount_remaining: status === 'void' ? 0 : inv.amount_remaining,
    status_transitions: status === 'void' ? { ...transitions, voided_at: at } : { ...transitions, marked_uncollectible_at: at },
  };
  return store(ctx, inv, closed, status === 'void' ? 'invoice.voided' : 'invoice.marked_uncollectible', at, true);
}

async function store(ctx: Ctx, before: Invoice, after: Invoice, type: string, at: number, updated: boolean): Promise<Invoice> {
  await saveInvoice(ctx, after);
  await emit(ctx, type, after, undefined, at);
  if (updated) await emit(ctx, 'invoice.updated', after, previousAttributes(before, after), at);
  return after;
}

/** The taxes of the lines summed per rate, for `total_taxes`. */
function sumTaxes(taxes: InvoiceTax[]): InvoiceTax[] {
  const byRate = new Map<string, InvoiceTax>();
  for (const t of taxes) {
    const key = t.tax_rate_details.tax_rate;
    const seen = byRate.get(key);
    byRate.set(key, seen ? { ...seen, amount: seen.amount + t.amount, taxable_amount: (seen.taxable_amount ?? 0) + (t.taxable_amount ?? 0) } : { ...t });
  }
  return [...byRate.values()];
}
