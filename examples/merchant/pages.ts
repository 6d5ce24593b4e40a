import type Stripe from 'stripe';
import type { CartLine, Product } from './catalog.js';
import { escapeHtml as e } from './html.js';
import { formatMoney } from './money.js';
import type { User } from './users.js';
import type { MailView, OrderView } from './views.js';

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#faf8f5}
header{display:flex;gap:1.5rem;align-items:center;padding:.8rem 2rem;background:#2d2a26;color:#fff}
header a{color:#fff}header .who{margin-left:auto}header form{display:inline}
main{max-width:52rem;margin:2rem auto;padding:0 1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem}
.card{background:#fff;border:1px solid #e4ded6;border-radius:8px;padding:1rem}
button{font:inherit;padding:.4rem 1rem;border-radius:6px;border:1px solid #2d2a26;background:#2d2a26;color:#fff;cursor:pointer}
button.link{background:none;color:inherit;border:none;text-decoration:underline;padding:0}
table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;border-bottom:1px solid #e4ded6;text-align:left}
.note{color:#6b645c;font-size:.9rem}.state{font-weight:600}
pre{white-space:pre-wrap;background:#fff;border:1px solid #e4ded6;padding:1rem;border-radius:6px}
`;

/** The page frame: header with navigation and who is signed in. */
export function layout(title: string, user: User | undefined, body: string): string {
  const who = user
    ? `<span class="who">Signed in as <strong data-testid="signed-in-as">${e(user.name)}</strong> (${e(user.email)})
         <form action="/signout" method="POST"><button class="link" type="submit">Sign out</button></form></span>`
    : `<span class="who"><a href="/signin">Sign in</a></span>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)} · Tanuki Goods</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><header><strong>Tanuki Goods</strong><a href="/">Shop</a><a href="/orders">Orders</a><a href="/outbox">Mailbox</a>${who}</header>
<main>${body}</main></body></html>`;
}

/** Sign-in: the demo users (each an existing Stripe Customer) and a form for a new user. */
export function signInPage(users: User[]): string {
  const rows = users
    .map(
      (u) => `<li class="card"><form action="/signin" method="POST"><input type="hidden" name="email" value="${e(u.email)}">
        <button type="submit" data-testid="sign-in-${e(u.email)}">Sign in as ${e(u.name)}</button></form>
        <div class="note">${e(u.email)}${u.demo_note ? ` — ${e(u.demo_note)}` : ''}</div></li>`,
    )
    .join('');
  return layout(
    'Sign in',
    undefined,
    `<h1>Sign in</h1>
<p>Pick an existing customer. Each one is a Stripe Customer; some have a saved card that Checkout prefills.</p>
<ul class="grid" style="list-style:none;padding:0">${rows}</ul>
<h2>New customer</h2>
<form action="/signin" method="POST" class="card">
  <label>Email <input id="signin-email" name="email" type="email" required></label>
  <label>Name <input id="signin-name" name="name"></label>
  <button type="submit" id="signin-submit">Sign in</button>
  <p class="note">A new customer gets a Stripe Customer the first time they sign in.</p>
</form>`,
  );
}

/** The product page, with the cart and the seed's Checkout form. */
export function shopPage(user: User, products: Product[], cart: CartLine[], message?: string): string {
  const items = products
    .map(
      (p) => `<div class="card"><h3>${e(p.name)}</h3><p>${e(p.description)}</p><p><strong>${e(formatMoney(p.unit_amount, p.currency))}</strong></p>
        <form action="/cart" method="POST"><input type="hidden" name="sku" value="${e(p.sku)}">
        <button type="submit" data-testid="add-${e(p.sku)}">Add to cart</button></form></div>`,
    )
    .join('');
  const total = cart.reduce((sum, l) => sum + l.product.unit_amount * l.quantity, 0);
  const cartHtml = cart.length
    ? `<table data-testid="cart">${cart.map((l) => `<tr><td>${l.quantity} ×</td><td>${e(l.product.name)}</td><td>${e(formatMoney(l.product.unit_amount * l.quantity, l.product.currency))}</td></tr>`).join('')}
       <tr><th colspan="2">Total</th><th>${e(formatMoney(total, cart[0]?.product.currency))}</th></tr></table>
       <form action="/cart/clear" method="POST"><button class="link" type="submit">Empty cart</button></form>`
    : '<p data-testid="cart">Your cart is empty.</p>';
  // The seed's Checkout button, as is.
  const checkoutForm = '<form action="/create-checkout-session" method="POST"> <button type="submit">Checkout</button> </form>';
  return layout(
    'Shop',
    user,
    `${message ? `<p role="status">${e(message)}</p>` : ''}<h1>Shop</h1><div class="grid">${items}</div><h2>Cart</h2>${cartHtml}${checkoutForm}`,
  );
}

/** What the success page says about a session: the order and its payment state. */
export interface SuccessView {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  orderNumber: string;
  /** paid | processing | failed | open */
  state: 'paid' | 'processing' | 'failed' | 'open';
  order: OrderView | undefined;
  payAgainUrl: string | undefined;
}

/** The success page (success_url): the order and whether it is paid or still processing. */
export function successPage(user: User | undefined, v: SuccessView): string {
  const { session } = v;
  const lines = v.lineItems
    .map((li) => `<tr><td>${li.quantity ?? 1} ×</td><td>${e(li.description)}</td><td>${e(formatMoney(li.amount_total, li.currency))}</td></tr>`)
    .join('');
  const headline = {
    paid: `Thank you! Your order ${v.orderNumber} is confirmed.`,
    processing: `Thank you! Your payment for order ${v.orderNumber} is processing.`,
    failed: `The payment for order ${v.orderNumber} failed.`,
    open: `Order ${v.orderNumber} is not paid yet.`,
  }[v.state];
  const detail = {
    paid: v.order
      ? `A confirmation email ${v.order.email_sent ? 'was sent' : 'is on its way'} to ${e(v.order.email)}. Shipment: <span data-testid="shipment-status">${e(v.order.shipment_status)}</span>.`
      : 'We are confirming your order.',
    processing: 'Bank payments take a little while to clear. We will email you and ship your order once the payment succeeds.',
    failed: v.payAgainUrl ? `Your bank declined the debit. <a href="${e(v.payAgainUrl)}">Try again</a> with another payment method.` : 'Your bank declined the debit.',
    open: session.url ? `<a href="${e(session.url)}">Return to checkout</a>` : '',
  }[v.state];
  return layout(
    'Order',
    user,
    `<h1 data-testid="success-headline">${e(headline)}</h1>
<p>Payment: <span class="state" data-testid="payment-state">${v.state}</span></p>
<p>${detail}</p>
<table data-testid="order-lines">${lines}<tr><th colspan="2">Total</th><th data-testid="order-total">${e(formatMoney(session.amount_total, session.currency))}</th></tr></table>
<p class="note">Checkout Session <code>${e(session.id)}</code></p>
<p><a href="/">Continue shopping</a></p>`,
  );
}

/** The cancel page (cancel_url): nothing was charged, the cart is kept. */
export function cancelPage(user: User | undefined): string {
  return layout('Checkout canceled', user, `<h1>Checkout canceled</h1><p>Nothing was charged. Your cart is still here.</p><p><a href="/">Back to the shop</a></p>`);
}

/** The signed-in customer's orders. */
export function ordersPage(user: User, orders: OrderView[]): string {
  const rows = orders
    .map(
      (o) => `<tr><td><a href="/success?session_id=${e(encodeURIComponent(o.session_id))}">${e(o.order_number)}</a></td><td>${e(o.created_at)}</td>
        <td>${e(formatMoney(o.amount_total, o.currency))}</td><td>${e(o.status)}</td><td>${o.email_sent ? 'sent' : 'queued'}</td>
        <td>${e(o.shipment_status)}${o.tracking_number ? ` (${e(o.tracking_number)})` : ''}</td></tr>`,
    )
    .join('');
  return layout(
    'Orders',
    user,
    `<h1>Your orders</h1>${orders.length ? `<table><tr><th>Order</th><th>Placed</th><th>Total</th><th>Status</th><th>Email</th><th>Shipment</th></tr>${rows}</table>` : '<p>No orders yet.</p>'}`,
  );
}

/** What the local SMTP catcher received, with links made clickable. */
export function mailboxPage(user: User | undefined, mail: MailView[]): string {
  const linkify = (text: string) => e(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
  const items = mail
    .map((m) => `<div class="card"><strong>${e(m.subject)}</strong><div class="note">to ${e(m.to)} · ${e(m.sent_at ?? m.received_at)}</div><pre>${linkify(m.text ?? '')}</pre></div>`)
    .join('');
  return layout('Mailbox', user, `<h1>Mailbox</h1><p class="note">Email the shop sent, as the local SMTP catcher received it.</p>${items || '<p>No email yet.</p>'}`);
}

/** A short page with a heading and a message (errors, "already paid"). */
export function messagePage(user: User | undefined, title: string, message: string): string {
  return layout(title, user, `<h1>${e(title)}</h1><p>${e(message)}</p><p><a href="/">Back to the shop</a></p>`);
}
