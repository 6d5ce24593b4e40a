/**
 * The one builder of a new Invoice object and of its payments, shared by drafts (draft.ts,
 * preview.ts), subscription invoices (renewal.ts) and the paid invoices of Checkout (service.ts).
 */
import { newId } from '../../api/ids.js';
import type { Customer } from '../customers/shape.js';
import type { Invoice, InvoiceTax } from './service.js';
import { NO_PAYMENT_SETTINGS } from './params-payment-settings.js';

/** One line of a subscription invoice: an item's period, or a proration of a change. */
export interface SubscriptionLine {
  price: { id: string; product: unknown; unit_amount: number | null };
  quantity: number;
  /** "1 × Pro", "Trial period for Pro", "Unused time on Pro after ..." (null: the product has no name to show). */
  description: string | null;
  amount: number;
  subscriptionItem: string;
  periodStart: number;
  periodEnd: number;
  proration: boolean;
  taxes: InvoiceTax[];
  /** The tax rates the taxes come from (TaxRate objects), so a discount can tax what is left. */
  taxRates?: object[];
  /** The discounts' shares of the line (`discount_amounts[]`), when a discount applies. */
  discountAmounts?: Array<{ amount: number; discount: string }>;
}

/**
 * The one builder of a subscription invoice's line (a first invoice, a renewal, an update billed
 * now): the subscription item's period, or a proration of a change (an invoice item of its own,
 * as on Stripe; a credit is not discountable).
 */
export function subscriptionLine(invoiceId: string, sub: { id: string; currency: string }, l: SubscriptionLine) {
  const discounts = l.discountAmounts ?? [];
  return {
    id: newId('il_'),
    object: 'line_item' as const,
    amount: l.amount,
    currency: sub.currency,
    description: l.description,
    discount_amounts: discounts,
    discountable: !l.proration || l.amount > 0,
    discounts: discounts.map((d) => d.discount),
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
    } as object,
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

/**
 * The Invoice object of a new draft, in Stripe's field order: every invoice starts from it. A
 * caller that builds an invoice in another state spreads its own values over it
 * (`{ ...newInvoice(...), status: 'paid' }`); a spread keeps each key where it stands here, so the
 * stored JSON keeps Stripe's order.
 */
export function newInvoice(id: string, c: Customer, currency: string, created: number, billingReason: string): Invoice {
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'OpenCheckout',
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: billingReason,
    collection_method: 'charge_automatically',
    created,
    currency,
    custom_fields: null,
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
    effective_at: null,
    ending_balance: null,
    footer: c.invoice_settings.footer,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { ...NO_PAYMENT_SETTINGS },
    payments: { object: 'list', data: [], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
    period_end: created,
    period_start: created,
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
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: c.test_clock,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

/** The `invoice_payment` of a payment of `amount` by `paymentIntent`, paid at `at`. */
export function invoicePayment(invoiceId: string, paymentIntent: string, currency: string, amount: number, at: number) {
  return {
    id: newId('inpay_'),
    object: 'invoice_payment',
    amount_paid: amount as number | null,
    amount_requested: amount,
    created: at,
    currency,
    invoice: invoiceId,
    is_default: true,
    livemode: false,
    payment: { payment_intent: paymentIntent, type: 'payment_intent' },
    status: 'paid' as 'paid' | 'open' | 'canceled',
    status_transitions: { canceled_at: null as number | null, paid_at: at as number | null },
  };
}

/** An entry of an invoice's `payments.data`. */
export type InvoicePayment = ReturnType<typeof invoicePayment>;

/** The id of a line's product, whether the price carries it as an id or expanded. */
export function productIdOf(product: unknown): string {
  return typeof product === 'string' ? product : (product as { id: string }).id;
}
