/**
 * The Invoice of a one-time payment (docs/decisions.md#invoices-for-one-time-payments): a
 * payment-mode session with `invoice_creation.enabled` gets a paid Invoice when its payment
 * succeeds — one line per line item with the session's discount and tax, shipping in
 * `amount_shipping`, `invoice_data`'s settings — and `session.invoice` names it. A payment that
 * settles later is invoiced when it succeeds.
 */
import type { Ctx } from '../api/context.js';
import type { LineItem, Session, StoredSession, TaxAmount } from '../resources/checkout-sessions/shape.js';
import { loadLineItems } from '../resources/checkout-sessions/store.js';
import { findCustomer } from '../resources/customers/service.js';
import type { Customer } from '../resources/customers/shape.js';
import { createPaidCheckoutInvoice, type InvoiceTax } from '../resources/invoices/service.js';

interface Input {
  session: StoredSession;
  customer: Customer | undefined;
  items?: LineItem[] | undefined;
  paymentIntent: string;
  now: number;
}

/** Whether the session makes an invoice for its payment. */
export function invoiceCreationEnabled(s: Pick<Session, 'mode' | 'invoice_creation'>): boolean {
  return s.mode === 'payment' && s.invoice_creation?.enabled === true;
}

/** A line's or the session's tax, as an invoice's `taxes[]` carries it. */
export function invoiceTax(t: TaxAmount): InvoiceTax {
  const rate = t.rate as { id: string; inclusive: boolean };
  return {
    amount: t.amount,
    tax_behavior: rate.inclusive ? 'inclusive' : 'exclusive',
    tax_rate_details: { tax_rate: rate.id },
    taxability_reason: t.taxability_reason ?? 'not_available',
    taxable_amount: t.taxable_amount,
    type: 'tax_rate_details',
  };
}

const discountId = (d: { discount: object }) => (d.discount as { id: string }).id;

/** Creates the paid invoice of a session's succeeded payment; the session fields it sets (none when not enabled). */
export async function invoicePayment(ctx: Ctx, i: Input): Promise<Partial<Pick<Session, 'invoice'>>> {
  const s = i.session;
  if (!invoiceCreationEnabled(s) || !i.customer) return {};
  const data = s.invoice_creation?.invoice_data;
  const breakdown = s._internal.pricing?.breakdown ?? { discounts: [], taxes: [] };
  const invoice = await createPaidCheckoutInvoice(ctx, {
    customer: i.customer,
    currency: s.currency ?? 'usd',
    lines: (i.items ?? []).map((li) => ({
      price: li.price as { id: string; product: unknown; unit_amount: number | null },
      quantity: li.quantity,
      description: li.description,
      amount: li.amount_subtotal,
      taxes: (li.taxes ?? []).map(invoiceTax),
      discountAmounts: (li.discounts ?? []).map((d) => ({ amount: d.amount, discount: discountId(d) })),
      metadata: li.metadata,
    })),
    paymentIntent: i.paymentIntent,
    created: i.now,
    charged: {
      discount: s.total_details?.amount_discount ?? 0,
      tax: s.total_details?.amount_tax ?? 0,
      total: s.amount_total ?? 0,
      discounts: breakdown.discounts.map((d) => ({ amount: d.amount, discount: discountId(d) })),
      taxes: breakdown.taxes.map(invoiceTax),
    },
    shipping: s.total_details?.amount_shipping ?? 0,
    settings: {
      account_tax_ids: data?.account_tax_ids ?? null,
      custom_fields: data?.custom_fields ?? null,
      description: data?.description ?? null,
      footer: data?.footer ?? null,
      issuer: data?.issuer ?? null,
      metadata: data?.metadata ?? {},
      rendering: data?.rendering_options ?? null,
    },
  });
  return { invoice: invoice.id };
}

/**
 * The invoice of a payment that settled later (a bank debit, a konbini voucher): made when it
 * succeeds, with the session's customer and line items as completion left them.
 */
export async function invoiceSettledPayment(ctx: Ctx, s: StoredSession, paymentIntent: string, now: number): Promise<Partial<Pick<Session, 'invoice'>>> {
  if (!invoiceCreationEnabled(s) || s.invoice || !s.customer) return {};
  const customer = await findCustomer(ctx, s.customer);
  if (!customer || (customer as { deleted?: boolean }).deleted) return {};
  return invoicePayment(ctx, { session: s, customer: customer as Customer, items: await loadLineItems(ctx, s.id), paymentIntent, now });
}
