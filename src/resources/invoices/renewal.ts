/**
 * A subscription's invoices after the first (docs/decisions.md#subscriptions-and-renewals): a
 * renewal, a trial's end, an update billed at once. Each is created as a draft, finalized, then
 * paid, failed (retried later), voided or marked uncollectible, with Stripe's event for each step.
 */
import type { Ctx } from '../../api/context.js';
import { newId } from '../../api/ids.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Customer } from '../customers/shape.js';
import type { Subscription } from '../subscriptions/service.js';
import { invoices, type Invoice, type InvoiceTax } from './service.js';

/** One line of a subscription invoice: an item's period, or a proration of a change. */
export interface SubscriptionLine {
  price: { id: string; product: unknown; unit_amount: number | null };
  quantity: number;
  /** The product's name, for "1 × Pro" / "Unused time on Pro after ...". */
  description: string;
  amount: number;
  subscriptionItem: string;
  periodStart: number;
  periodEnd: number;
  proration: boolean;
  taxes: InvoiceTax[];
}

export type SubscriptionBillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update';

export interface NewSubscriptionInvoice {
  customer: Customer;
  subscription: Subscription;
  lines: SubscriptionLine[];
  billingReason: SubscriptionBillingReason;
  created: number;
}

const columns = (inv: Invoice) => ({ customer_id: inv.customer as string, status: inv.status, subscription_id: subscriptionOf(inv) });

function subscriptionOf(inv: Invoice): string | null {
  const parent = inv.parent as { subscription_details?: { subscription: string } } | null;
  return parent?.subscription_details?.subscription ?? null;
}

/** The invoice with this id in ctx's account, or undefined. */
export function findInvoice(ctx: Ctx, id: string): Promise<Invoice | undefined> {
  return invoices.get(ctx.db, ctx.account, id);
}

/** Creates a draft invoice of the subscription's lines; emits `invoice.created`. */
export async function createSubscriptionInvoice(ctx: Ctx, n: NewSubscriptionInvoice): Promise<Invoice> {
  const id = newId('in_');
  const sub = n.subscription;
  const c = n.customer;
  const lines = n.lines.map((l) => lineOf(id, sub, l));
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  const taxes = sumTaxes(n.lines.flatMap((l) => l.taxes));
  const exclusive = taxes.filter((t) => t.tax_behavior === 'exclusive').reduce((sum, t) => sum + t.amount, 0);
  const inclusive = taxes.filter((t) => t.tax_behavior === 'inclusive').reduce((sum, t) => sum + t.amount, 0);
  const total = subtotal + exclusive;
  const st = sub.invoice_settings;
  const invoice: Invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'OpenCheckout',
    account_tax_ids: st.account_tax_ids,
    amount_due: Math.max(0, total),
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: Math.max(0, total),
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: n.billingReason,
    collection_method: sub.collection_method,
    created: n.created,
    currency: sub.currency,
    custom_fields: st.custom_fields,
    customer: c.id,
    customer_account: null,
    customer_address: c.address,
    customer_email: c.email,
    customer_name: c.name,
    customer_phone: c.phone,
    customer_shipping: c.shipping,
    customer_tax_exempt: c.tax_exempt,
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: sub.default_tax_rates,
    description: st.description,
    discounts: [],
    due_date: sub.collection_method === 'send_invoice' ? n.created + (sub.days_until_due ?? 30) * 86_400 : null,
    effective_at: null,
    // A credit (a downgrade's proration) is left on the customer's balance, as Stripe does.
    ending_balance: null,
    footer: st.footer,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: st.issuer,
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: { quote_details: null, subscription_details: { metadata: sub.metadata, subscription: sub.id }, type: 'subscription_details' },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: { object: 'list', data: [], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
    period_end: n.created,
    period_start: n.created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal,
    subtotal_excluding_tax: subtotal - inclusive,
    test_clock: c.test_clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total - exclusive - inclusive,
    total_pretax_credit_amounts: [],
    total_taxes: taxes,
    webhooks_delivered_at: null,
  };
  await invoices.insert(ctx.db, ctx.account, invoice, columns(invoice));
  await emit(ctx, 'invoice.created', invoice, undefined, n.created);
  return invoice;
}

/** Finalizes a draft: it gets its number and becomes `open`; emits `invoice.finalized`. */
export async function finalizeSubscriptionInvoice(ctx: Ctx, inv: Invoice, customer: Customer, at: number): Promise<Invoice> {
  // The customer's invoices so far number it: Stripe's per-customer sequence.
  const count = (await invoices.select(ctx.db, ctx.account, { customer_id: customer.id }, ['id'])).length;
  const transitions = inv.status_transitions as Record<string, number | null>;
  const open: Invoice = {
    ...inv,
    status: 'open',
    number: `${customer.invoice_prefix}-${String(count).padStart(4, '0')}`,
    effective_at: at,
    ending_balance: 0,
    status_transitions: { ...transitions, finalized_at: at },
  };
  return store(ctx, inv, open, 'invoice.finalized', at, false);
}

/**
 * Records a payment of the whole amount due (`paymentIntent`, or none for an invoice of 0):
 * `paid`; emits `invoice.paid` and `invoice.payment_succeeded` (the latter only when money moved).
 */
export async function markSubscriptionInvoicePaid(ctx: Ctx, inv: Invoice, paymentIntent: string | null, at: number): Promise<Invoice> {
  const due = inv.amount_due as number;
  const payments = paymentIntent
    ? [
        {
          id: newId('inpay_'),
          object: 'invoice_payment',
          amount_paid: due,
          amount_requested: due,
          created: at,
          currency: inv.currency,
          invoice: inv.id,
          is_default: true,
          livemode: false,
          payment: { payment_intent: paymentIntent, type: 'payment_intent' },
          status: 'paid',
          status_transitions: { canceled_at: null, paid_at: at },
        },
      ]
    : [];
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
    payments: { ...(inv.payments as object), data: payments },
    status_transitions: { ...transitions, paid_at: at },
  };
  await store(ctx, inv, paid, 'invoice.paid', at, false);
  if (paymentIntent || due === 0) await emit(ctx, 'invoice.payment_succeeded', paid, undefined, at);
  return paid;
}

/** Records a failed attempt: `attempt_count` grows, `next_payment_attempt` says when the next one is (null: none); emits `invoice.payment_failed`. */
export async function recordSubscriptionInvoiceFailure(ctx: Ctx, inv: Invoice, nextAttempt: number | null, at: number): Promise<Invoice> {
  const failed: Invoice = {
    ...inv,
    attempted: true,
    attempt_count: (inv.attempt_count as number) + 1,
    next_payment_attempt: nextAttempt,
    auto_advance: nextAttempt !== null,
  };
  return store(ctx, inv, failed, 'invoice.payment_failed', at, false);
}

/** Ends an invoice without payment: `void` (`invoice.voided`) or `uncollectible` (`invoice.marked_uncollectible`). */
export async function closeSubscriptionInvoice(ctx: Ctx, inv: Invoice, status: 'void' | 'uncollectible', at: number): Promise<Invoice> {
  const transitions = inv.status_transitions as Record<string, number | null>;
  const closed: Invoice = {
    ...inv,
    status,
    auto_advance: false,
    next_payment_attempt: null,
    amount_remaining: status === 'void' ? 0 : inv.amount_remaining,
    status_transitions: status === 'void' ? { ...transitions, voided_at: at } : { ...transitions, marked_uncollectible_at: at },
  };
  return store(ctx, inv, closed, status === 'void' ? 'invoice.voided' : 'invoice.marked_uncollectible', at, true);
}

async function store(ctx: Ctx, before: Invoice, after: Invoice, type: string, at: number, updated: boolean): Promise<Invoice> {
  await invoices.update(ctx.db, ctx.account, after, columns(after));
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

function productIdOf(product: unknown): string {
  return typeof product === 'string' ? product : (product as { id: string }).id;
}

function lineOf(invoiceId: string, sub: Subscription, l: SubscriptionLine) {
  return {
    id: newId('il_'),
    object: 'line_item',
    amount: l.amount,
    currency: sub.currency,
    description: l.description,
    discount_amounts: [],
    discountable: !l.proration || l.amount > 0,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: l.proration ? newId('ii_') : null,
        proration: l.proration,
        proration_details: { credited_items: null },
        subscription: sub.id,
        subscription_item: l.subscriptionItem,
      },
      type: 'subscription_item_details',
    },
    period: { end: l.periodEnd, start: l.periodStart },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: l.price.id, product: productIdOf(l.price.product) },
      type: 'price_details',
      unit_amount_decimal: String(l.price.unit_amount ?? 0),
    },
    quantity: l.quantity,
    taxes: l.taxes,
  };
}
