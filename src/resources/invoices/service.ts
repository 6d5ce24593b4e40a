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

/**
 * The paid first Invoice of a subscription started in Checkout, paid by `paymentIntent`.
 * Emits invoice.created, invoice.finalized, invoice.paid and invoice.payment_succeeded.
 */
export async function createPaidFirstInvoice(
  ctx: Ctx,
  n: { customer: Customer; subscription: Subscription; items: PricedItem[]; paymentIntent: string; defaultPaymentMethod: string; created: number },
): Promise<Invoice> {
  const id = newId('in_');
  const total = n.items.reduce((sum, i) => sum + (i.price.unit_amount ?? 0) * i.quantity, 0);
  const currency = n.subscription.currency;
  const c = n.customer;
  const lines = n.items.map((i) => ({
    id: newId('il_'),
    object: 'line_item',
    amount: (i.price.unit_amount ?? 0) * i.quantity,
    currency,
    description: i.description ? `${i.quantity} × ${i.description}` : null,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: id,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: n.subscription.id,
        subscription_item: i.subscriptionItem,
      },
      type: 'subscription_item_details',
    },
    period: { end: i.periodEnd, start: i.periodStart },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: i.price.id, product: typeof i.price.product === 'string' ? i.price.product : (i.price.product as { id: string }).id },
      type: 'price_details',
      unit_amount_decimal: String(i.price.unit_amount ?? 0),
    },
    quantity: i.quantity,
    taxes: [],
  }));
  const invoice: Invoice = {
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
    number: `${c.invoice_prefix}-${String(c.next_invoice_sequence).padStart(4, '0')}`,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: n.subscription.metadata, subscription: n.subscription.id },
      type: 'subscription_details',
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: {
      object: 'list',
      data: [
        {
          id: newId('inpay_'),
          object: 'invoice_payment',
          amount_paid: total,
          amount_requested: total,
          created: n.created,
          currency,
          invoice: id,
          is_default: true,
          livemode: false,
          payment: { payment_intent: n.paymentIntent, type: 'payment_intent' },
          status: 'paid',
          status_transitions: { canceled_at: null, paid_at: n.created },
        },
      ],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${id}`,
    },
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
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: c.test_clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  await invoices.insert(ctx.db, ctx.account, invoice, { customer_id: c.id, status: 'paid', subscription_id: n.subscription.id });
  for (const type of ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']) {
    await emit(ctx, type, invoice, undefined, n.created);
  }
  return invoice;
}
