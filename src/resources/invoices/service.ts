import type { Ctx } from '../../api/context.js';
import { newId } from '../../api/ids.js';
import { emit } from '../../events/emit.js';
import { ObjectTable } from '../../store/objects.js';
import { takeInvoiceNumber } from '../customers/service.js';
import { recordInvoicePayment } from './payments.js';
import type { Customer } from '../customers/shape.js';
import type { Subscription } from '../subscriptions/service.js';
import { invoicePayment, newInvoice, productIdOf, subscriptionLine, type InvoicePayment, type SubscriptionLine } from './new-invoice.js';
import { invoiceAutomaticTax } from './automatic-tax.js';

/** An Invoice at the current API version (payments listed under `payments`, parent details). */
export type Invoice = Record<string, unknown> & { id: string; object: 'invoice'; created: number; status: string };

export const invoices = new ObjectTable<Invoice>('invoices');

/** A tax's share of a line or of the invoice (`taxes[]`, `total_taxes[]`). */
export interface InvoiceTax {
  amount: number;
  tax_behavior: 'exclusive' | 'inclusive';
  tax_rate_details: { tax_rate: string };
  taxability_reason: string;
  taxable_amount: number | null;
  type: 'tax_rate_details';
}

interface PricedItem {
  price: { id: string; product: unknown; unit_amount: number | null; currency: string };
  quantity: number;
  description: string | null;
  subscriptionItem: string;
  periodStart: number;
  periodEnd: number;
  /** The line's amount when it is not unit × quantity (a trial bills 0, a short first period is prorated). */
  amount?: number;
  /** Whether the amount is a proration (a first period up to `billing_cycle_anchor`). */
  proration?: boolean;
  /** A trial's line reads "Trial period for <product>" rather than "<quantity> × <product>". */
  trial?: boolean;
  taxes?: InvoiceTax[];
  discountAmounts?: Array<{ amount: number; discount: string }>;
}

/** What the invoice charges beside its lines' sum (a discount, tax), and how it is shown. */
export interface InvoiceCharged {
  discount: number;
  tax: number;
  total: number;
  /** `total_discount_amounts[]` and `total_taxes[]`, when a discount or a tax made them. */
  discounts?: Array<{ amount: number; discount: string }>;
  taxes?: InvoiceTax[];
}

/** The invoice's own settings: `invoice_creation.invoice_data`, or a subscription's `invoice_settings`. */
export interface InvoiceSettingsInput {
  account_tax_ids?: string[] | null;
  custom_fields?: Array<{ name: string; value: string }> | null;
  description?: string | null;
  footer?: string | null;
  issuer?: { type: string; account?: string } | null;
  metadata?: Record<string, string>;
  rendering?: { amount_tax_display: string | null; template: string | null } | null;
}

/** What Checkout knows when a subscription's first payment succeeds. */
interface FirstInvoiceInput {
  customer: Customer;
  subscription: Subscription;
  items: PricedItem[];
  /** Null when nothing was charged (a trial, a free first period). */
  paymentIntent: string | null;
  defaultPaymentMethod: string | null;
  created: number;
  /** What Checkout charged when a discount or tax changed it (absent: the lines' sum). */
  charged?: InvoiceCharged | undefined;
}

/**
 * The paid first Invoice of a subscription started in Checkout, paid by `paymentIntent` (none for
 * a trial's invoice of 0). Emits invoice.created, invoice.finalized, invoice.paid and
 * invoice.payment_succeeded.
 */
export async function createPaidFirstInvoice(ctx: Ctx, n: FirstInvoiceInput): Promise<Invoice> {
  const id = newId('in_');
  const lines = n.items.map((item) => subscriptionLine(id, n.subscription, lineOfItem(item)));
  const subtotal = totalOf(lines);
  const total = n.charged?.total ?? subtotal;
  const settings = n.subscription.invoice_settings;
  const invoice = paidInvoice(id, {
    customer: n.customer,
    currency: n.subscription.currency,
    lines,
    amounts: { subtotal, total, tax: n.charged?.tax ?? 0, discounts: n.charged?.discounts ?? [], taxes: n.charged?.taxes ?? [] },
    payment: n.paymentIntent ? invoicePayment(id, n.paymentIntent, n.subscription.currency, total, n.created) : null,
    created: n.created,
    billingReason: 'subscription_create',
    parent: { quote_details: null, subscription_details: { metadata: n.subscription.metadata, subscription: n.subscription.id }, type: 'subscription_details' },
    settings: { account_tax_ids: settings.account_tax_ids, custom_fields: settings.custom_fields, description: settings.description, footer: settings.footer, issuer: settings.issuer },
    shipping: 0,
  });
  // Checkout computed its tax with Stripe Tax when the subscription has it: the first invoice says so, as its renewals will.
  if (n.subscription.automatic_tax.enabled) invoice.automatic_tax = invoiceAutomaticTax(true);
  await storeAndAnnounce(ctx, invoice, n.customer.id, n.subscription.id, n.created);
  return invoice;
}

/** One line of a payment-mode Checkout invoice: a session line item billed once. */
export interface CheckoutInvoiceLine {
  price: { id: string; product: unknown; unit_amount: number | null };
  quantity: number;
  description: string | null;
  amount: number;
  taxes: InvoiceTax[];
  discountAmounts: Array<{ amount: number; discount: string }>;
  metadata: Record<string, string>;
}

/** What a payment-mode session with `invoice_creation.enabled` knows when its payment succeeds. */
export interface CheckoutInvoiceInput {
  customer: Customer;
  currency: string;
  lines: CheckoutInvoiceLine[];
  paymentIntent: string;
  created: number;
  charged: InvoiceCharged;
  shipping: number;
  settings: InvoiceSettingsInput;
}

/**
 * The paid Invoice of a payment-mode Checkout Session with `invoice_creation.enabled`
 * (docs/decisions.md#invoices-for-one-time-payments): one line per session line item, the
 * session's discount, tax and shipping, paid by its PaymentIntent. Emits the same four events.
 */
export async function createPaidCheckoutInvoice(ctx: Ctx, n: CheckoutInvoiceInput): Promise<Invoice> {
  const id = newId('in_');
  const lines = n.lines.map((line) => invoiceItemLine(id, n.currency, line, n.created));
  const subtotal = totalOf(lines);
  const invoice = paidInvoice(id, {
    customer: n.customer,
    currency: n.currency,
    lines,
    amounts: { subtotal, total: n.charged.total, tax: n.charged.tax, discounts: n.charged.discounts ?? [], taxes: n.charged.taxes ?? [] },
    payment: invoicePayment(id, n.paymentIntent, n.currency, n.charged.total, n.created),
    created: n.created,
    billingReason: 'manual',
    parent: null,
    settings: n.settings,
    shipping: n.shipping,
  });
  await storeAndAnnounce(ctx, invoice, n.customer.id, null, n.created);
  return invoice;
}

/** A first invoice's item as a subscription line: "<quantity> × <product>", a trial's "Trial period for <product>". */
function lineOfItem(item: PricedItem): SubscriptionLine {
  const name = item.description;
  return {
    price: item.price,
    quantity: item.quantity,
    description: name ? (item.trial ? `Trial period for ${name}` : `${item.quantity} × ${name}`) : null,
    amount: item.amount ?? (item.price.unit_amount ?? 0) * item.quantity,
    subscriptionItem: item.subscriptionItem,
    periodStart: item.periodStart,
    periodEnd: item.periodEnd,
    proration: item.proration ?? false,
    taxes: item.taxes ?? [],
    ...(item.discountAmounts ? { discountAmounts: item.discountAmounts } : {}),
  };
}

/** The invoice line of a one-time Checkout line item (an invoice item made for it, as on Stripe). */
function invoiceItemLine(invoiceId: string, currency: string, line: CheckoutInvoiceLine, created: number): InvoiceLine {
  const unitAmount = line.price.unit_amount ?? 0;
  return {
    id: newId('il_'),
    object: 'line_item',
    amount: line.amount,
    currency,
    description: line.description,
    discount_amounts: line.discountAmounts,
    discountable: true,
    discounts: line.discountAmounts.map((d) => d.discount),
    invoice: invoiceId,
    livemode: false,
    metadata: line.metadata,
    parent: {
      invoice_item_details: { invoice_item: newId('ii_'), proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    period: { end: created, start: created },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: line.price.id, product: productIdOf(line.price.product) },
      type: 'price_details',
      unit_amount_decimal: String(unitAmount),
    },
    quantity: line.quantity,
    taxes: line.taxes,
  };
}

type InvoiceLine = ReturnType<typeof subscriptionLine>;

/** The product's id, whether the price carries it as an id or expanded to the Product. */
/** The sum of the lines: this invoice carries no discounts, taxes or credits to take off. */
function totalOf(lines: readonly InvoiceLine[]): number {
  return lines.reduce((sum, line) => sum + line.amount, 0);
}

/** Everything the paid invoice is built from. */
interface PaidInvoiceInput {
  customer: Customer;
  currency: string;
  lines: InvoiceLine[];
  amounts: { subtotal: number; total: number; tax: number; discounts: Array<{ amount: number; discount: string }>; taxes: InvoiceTax[] };
  payment: InvoicePayment | null;
  created: number;
  billingReason: 'subscription_create' | 'manual';
  parent: object | null;
  settings: InvoiceSettingsInput;
  shipping: number;
}

/**
 * The Invoice object, finalized and paid at `created` (an invoice of 0 has no payment). Its own period is that instant: an
 * invoice's period looks back at usage before it and a first invoice has none; the lines carry
 * the service period. Keys are in Stripe's order, as the JSON is stored and served as built.
 */
function paidInvoice(id: string, n: PaidInvoiceInput): Invoice {
  const c = n.customer;
  const { subtotal, total, tax } = n.amounts;
  const st = n.settings;
  const inclusiveTax = n.amounts.taxes.filter((t) => t.tax_behavior === 'inclusive').reduce((sum, t) => sum + t.amount, 0);
  return {
    // Its customer fields are a copy taken at finalization, as Stripe's are.
    ...newInvoice(id, c, n.currency, n.created, n.billingReason),
    account_tax_ids: st.account_tax_ids ?? null,
    amount_due: total,
    amount_paid: total,
    amount_shipping: n.shipping,
    attempt_count: 1,
    attempted: true,
    custom_fields: st.custom_fields ?? null,
    description: st.description ?? null,
    discounts: n.amounts.discounts.map((d) => d.discount),
    effective_at: n.created,
    ending_balance: 0,
    footer: st.footer ?? null,
    issuer: st.issuer ?? { type: 'self' },
    lines: { object: 'list', data: n.lines, has_more: false, total_count: n.lines.length, url: `/v1/invoices/${id}/lines` },
    metadata: st.metadata ?? {},
    number: null,
    parent: n.parent,
    payments: { object: 'list', data: n.payment ? [n.payment] : [], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
    rendering: st.rendering ? { amount_tax_display: st.rendering.amount_tax_display, pdf: null, template: st.rendering.template, template_version: null } : null,
    status: 'paid',
    status_transitions: { finalized_at: n.created, marked_uncollectible_at: null, paid_at: n.created, voided_at: null },
    subtotal,
    subtotal_excluding_tax: subtotal - inclusiveTax,
    total,
    total_discount_amounts: n.amounts.discounts,
    total_excluding_tax: total - tax,
    total_taxes: n.amounts.taxes,
  };
}

/**
 * Stores the paid invoice and emits the four events Stripe sends for an invoice created, finalized
 * and paid at once, in that order and all at `created`.
 */
async function storeAndAnnounce(ctx: Ctx, invoice: Invoice, customer: string, subscription: string | null, created: number): Promise<void> {
  // Numbered from the customer's sequence, which moves on (docs/decisions.md#invoices).
  invoice.number = await takeInvoiceNumber(ctx, customer);
  await invoices.insert(ctx.db, ctx.account, invoice, { customer_id: customer, status: 'paid', subscription_id: subscription, collection_method: 'charge_automatically' });
  for (const type of ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']) {
    await emit(ctx, type, invoice, undefined, created);
  }
  for (const payment of (invoice.payments as { data: InvoicePayment[] }).data) await recordInvoicePayment(ctx, payment);
}
