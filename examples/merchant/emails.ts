import type Stripe from 'stripe';
import { escapeHtml } from './html.js';
import { formatMoney } from './money.js';

/** An email ready for the outbox. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

function itemLines(lineItems: Stripe.LineItem[]): string[] {
  return lineItems.map((li) => `${li.quantity ?? 1} × ${li.description ?? 'item'} — ${formatMoney(li.amount_total, li.currency)}`);
}

/** The order confirmation (seed: "send the customer an order confirmation"). */
export function confirmationEmail(orderNumber: string, session: Stripe.Checkout.Session, lineItems: Stripe.LineItem[], orderUrl: string): EmailContent {
  const name = session.customer_details?.name ?? 'there';
  const total = formatMoney(session.amount_total, session.currency);
  const lines = itemLines(lineItems);
  const text = [
    `Hi ${name},`,
    '',
    `Thank you for your order ${orderNumber}. Your payment of ${total} was received.`,
    '',
    ...lines,
    '',
    `We are preparing your shipment. Order details: ${orderUrl}`,
    '',
    'Tanuki Goods',
  ].join('\n');
  const html = `<p>Hi ${escapeHtml(name)},</p>
<p>Thank you for your order <strong>${escapeHtml(orderNumber)}</strong>. Your payment of ${escapeHtml(total)} was received.</p>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p>We are preparing your shipment. <a href="${escapeHtml(orderUrl)}">Order details</a></p>
<p>Tanuki Goods</p>`;
  return { subject: `Order ${orderNumber} confirmed`, text, html };
}

/** The failed-payment notice with a link back on-session (seed: "bring them back on-session"). */
export function paymentFailedEmail(orderNumber: string, session: Stripe.Checkout.Session, payAgainUrl: string): EmailContent {
  const name = session.customer_details?.name ?? 'there';
  const total = formatMoney(session.amount_total, session.currency);
  const text = [
    `Hi ${name},`,
    '',
    `The bank payment of ${total} for your order ${orderNumber} did not go through, so the order is on hold.`,
    '',
    `Complete your payment here (you can use a card or another bank account): ${payAgainUrl}`,
    '',
    'Tanuki Goods',
  ].join('\n');
  const html = `<p>Hi ${escapeHtml(name)},</p>
<p>The bank payment of ${escapeHtml(total)} for your order <strong>${escapeHtml(orderNumber)}</strong> did not go through, so the order is on hold.</p>
<p><a href="${escapeHtml(payAgainUrl)}">Complete your payment</a> (you can use a card or another bank account).</p>
<p>Tanuki Goods</p>`;
  return { subject: `Payment failed for order ${orderNumber}`, text, html };
}
