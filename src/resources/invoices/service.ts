import type { Ctx } from '../../api/context.js';
import { newId } from '../../api/ids.js';
import { emit } from '../../events/emit.js';
import { ObjectTable } from '../../store/objects.js';
import type { Customer } from '../customers/shape.js';
import type { Subscription } from '../subscriptions/service.js';

/** An Invoice at the current API version (payments listed under `payments`, parent details). */
export type Invoice = Record<string, unknown> & { id: string; object: 'invoice'; created: number; status: string };

export const invoices = new ObjectTable<Invoice>('invoices');

interface PricedItem {
  price: { id: string; product: unknown; unit_amount: number | null; currency: string };
  quantity: number;
  description: string | null;
  subscriptionItem: string;
  periodStart: number;
  periodEnd: number;
}

/** What Checkout knows when a subscription's first payment succeeds. */
interface FirstInvoiceInput {
  customer: Customer;
  subscription: Subscription;
  items: PricedItem[];
  paymentIntent: string;
  defaultPaymentMethod: string;
  created: number;
  /** What Checkout charged when a discount or tax changed it (absent: the lines' sum). */
  charged?: { discount: number; tax: number; total: number } | undefined;
}

/**
 * The paid first Invoice of a subscription started in Checkout, paid by `paymentIntent`.
 * Emits invoice.created, invoice.finalized, invoice.paid and invoice.payment_succeeded.
 */
export async function createPaidFirstInvoice(ctx: Ctx, n: FirstInvoiceInput): Promise<Invoice> {
  const id = newId('in_');
  const lines = n.items.map((item) => subscriptionItemLine(id, n.subscription, item));
  const subtotal = totalOf(lines);
  const total = n.charged?.total ?? subtotal;
  const payment = paidInvoicePayment(id, n, total);
  const invoice = paidFirstInvoice(id, n, lines, { subtotal, total, tax: n.charged?.tax ?? 0 }, payment);
  await storeAndAnnounce(ctx, invoice, n);
  return invoice;
}

/** The invoice line billing one subscription item for its first period, at the price's unit amount. */
function subscriptionItemLine(invoiceId: string, subscription: Subscription, item: PricedItem) {
  const unitAmount = item.price.unit_amount ?? 0;
  return {
    id: newId('il_'),
    object: 'line_item',
    amount: unitAmount * item.quantity,
    currency: subscription.currency,
    // Stripe's subscription lines read "<quantity> × <product name>".
    description: item.description ? `${item.quantity} × ${item.description}` : null,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: subscription.id,
        subscription_item: item.subscriptionItem,
      },
      type: 'subscription_item_details',
    },
    period: { end: item.periodEnd, start: item.periodStart },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: item.price.id, product: productIdOf(item.price.product) },
      type: 'price_details',
      unit_amount_decimal: String(unitAmount),
    },
    quantity: item.quantity,
    taxes: [],
  };
}

type InvoiceLine = ReturnType<typeof subscriptionItemLine>;

/** The product's id, whether the price carries it as an id or expanded to the Product. */
function productIdOf(product: unknown): string {
  return typeof product === 'string' ? product : (product as { id: string }).id;
}

/** The sum of the lines: this invoice carries no discounts, taxes or credits to take off. */
function totalOf(lines: readonly InvoiceLine[]): number {
  return lines.reduce((sum, line) => sum + line.amount, 0);
}

/** The one InvoicePayment: the whole total, paid in full by the Checkout PaymentIntent at `created`. */
function paidInvoicePayment(invoiceId: string, n: FirstInvoiceInput, total: number) {
  return {
    id: newId('inpay_'),
    object: 'invoice_payment',
    amount_paid: total,
    amount_requested: total,
    created: n.created,
    currency: n.subscription.currency,
    invoice: invoiceId,
    is_default: true,
    livemode: false,
    payment: { payment_intent: n.paymentIntent, type: 'payment_intent' },
    status: 'paid',
    status_transitions: { canceled_at: null, paid_at: n.created },
  };
}

type InvoicePayment = ReturnType<typeof paidInvoicePayment>;

/** The customer's invoice number: their prefix and next sequence number, four digits at least. */
function invoiceNumber(c: Customer): string {
  return `${c.invoice_prefix}-${String(c.next_invoice_sequence).padStart(4, '0')}`;
}

/**
 * The Invoice object, finalized and paid at `created`. Its own period is that instant: an
 * invoice's period looks back at usage before it and a first invoice has none; the lines carry
 * the service period. Keys are in Stripe's order, as the JSON is stored and served as built.
 */
function paidFirstInvoice(id: string, n: FirstInvoiceInput, lines: InvoiceLine[], amounts: { subtotal: number; total: number; tax: number }, payment: InvoicePayment): Invoice {
  const c = n.customer;
  const { subtotal, total, tax } = amounts;
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'OpenCheckout',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: total,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 1,
    attempted: true,
    auto_advance: false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: 'subscription_create',
    collection_method: 'charge_automatically',
    created: n.created,
    currency: n.subscription.currency,
    custom_fields: null,
    // The customer fields are a copy taken at finalization, as Stripe's are.
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
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: n.created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: invoiceNumber(c),
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: n.subscription.metadata, subscription: n.subscription.id },
      type: 'subscription_details',
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: { object: 'list', data: [payment], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
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
    status: 'paid',
    status_transitions: { finalized_at: n.created, marked_uncollectible_at: null, paid_at: n.created, voided_at: null },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: c.test_clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total - tax,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

/**
 * Stores the paid invoice and emits the four events Stripe sends for an invoice created, finalized
 * and paid at once, in that order and all at `created`.
 */
async function storeAndAnnounce(ctx: Ctx, invoice: Invoice, n: FirstInvoiceInput): Promise<void> {
  await invoices.insert(ctx.db, ctx.account, invoice, { customer_id: n.customer.id, status: 'paid', subscription_id: n.subscription.id });
  for (const type of ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']) {
    await emit(ctx, type, invoice, undefined, n.created);
  }
}
