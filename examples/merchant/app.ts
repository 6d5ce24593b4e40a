import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { addToCart, cartOf, clearCart, listProducts } from './catalog.js';
import { newOrderNumber, openCheckout } from './checkout.js';
import type { MerchantConfig } from './config.js';
import { openMerchantDb } from './db.js';
import { fulfillCheckout } from './fulfil.js';
import { startMailer } from './mailer.js';
import * as pages from './pages.js';
import { payAgain, payAgainUrlFor } from './pay-again.js';
import { startShippingWorker } from './shipping.js';
import type { Shop } from './shop.js';
import { createStripe } from './stripe-client.js';
import { currentUser, signIn, signOut, type User } from './users.js';
import { listMailbox, listOrders, listWebhookLog } from './views.js';
import { handleWebhook } from './webhook.js';

/** A running shop. */
export interface Merchant {
  url: string;
  shop: Shop;
  close(): Promise<void>;
}

type Req = http.IncomingMessage;
type Res = http.ServerResponse;

const MAX_BODY = 1024 * 1024;

function readBody(req: Req): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: Res, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

function json(res: Res, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value, null, 2), { 'content-type': 'application/json' });
}

function redirect(res: Res, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

async function form(req: Req): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req)).toString('utf8'));
}

/** The shop's routes. Pages need a signed-in user except sign-in, success, cancel, pay-again and the JSON views. */
async function route(shop: Shop, req: Req, res: Res): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://shop.local');
  const { db } = shop;
  const user: User | undefined = currentUser(db, req.headers.cookie);
  const key = `${req.method} ${url.pathname}`;

  if (key === 'POST /webhook') {
    const answer = await handleWebhook(shop, await readBody(req), req.headers['stripe-signature'] as string | undefined);
    return json(res, answer.status, answer.body);
  }
  if (key === 'GET /orders.json') return json(res, 200, listOrders(db));
  if (key === 'GET /outbox.json') return json(res, 200, listMailbox(db));
  if (key === 'GET /webhooks.json') return json(res, 200, listWebhookLog(db));
  if (key === 'GET /signin') return send(res, 200, pages.signInPage(db.prepare('SELECT * FROM users WHERE demo_note IS NOT NULL ORDER BY id').all() as User[]));
  if (key === 'POST /signin') {
    const body = await form(req);
    const email = body.get('email')?.trim() ?? '';
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) return send(res, 400, pages.messagePage(undefined, 'Sign in', 'Enter an email address.'));
    const { cookie } = await signIn(db, shop.stripe, email, body.get('name')?.trim() ?? '');
    return redirect(res, '/', { 'set-cookie': cookie });
  }
  if (key === 'POST /signout') return redirect(res, '/signin', { 'set-cookie': signOut(db, req.headers.cookie) });
  if (key === 'GET /success') {
    const sessionId = url.searchParams.get('session_id') ?? '';
    if (!/^cs_[A-Za-z0-9_]+$/.test(sessionId)) return send(res, 400, pages.messagePage(user, 'Order', 'This link is missing its checkout session.'));
    // The landing page fulfils too: the buyer sees their order even if the webhook is late.
    const r = await fulfillCheckout(shop, sessionId, 'success_page').catch((err: unknown) => {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    });
    if (!r) return send(res, 404, pages.messagePage(user, 'Order not found', 'There is no checkout session with this id.'));
    const order = listOrders(db).find((o) => o.session_id === sessionId);
    const state =
      r.session.payment_status !== 'unpaid' ? 'paid' : r.checkout.state === 'payment_failed' ? 'failed' : r.session.status === 'complete' ? 'processing' : 'open';
    return send(
      res,
      200,
      pages.successPage(user, { session: r.session, lineItems: r.lineItems, orderNumber: r.checkout.order_number, state, order, payAgainUrl: payAgainUrlFor(shop, sessionId) }),
    );
  }
  if (key === 'GET /cancel') return send(res, 200, pages.cancelPage(user));
  if (req.method === 'GET' && url.pathname.startsWith('/pay-again/')) {
    const outcome = await payAgain(shop, decodeURIComponent(url.pathname.slice('/pay-again/'.length)));
    if (outcome.kind === 'checkout') return redirect(res, outcome.url);
    if (outcome.kind === 'already_paid') return send(res, 200, pages.messagePage(user, 'Already paid', `Order ${outcome.orderNumber} is already paid. Thank you!`));
    return send(res, 404, pages.messagePage(user, 'Link not found', 'This payment link is not valid.'));
  }
  if (key === 'GET /outbox') return send(res, 200, pages.mailboxPage(user, listMailbox(db)));

  // Everything below is for a signed-in customer.
  if (!user) return redirect(res, '/signin');
  if (key === 'GET /') return send(res, 200, pages.shopPage(user, listProducts(db), cartOf(db, user.id), url.searchParams.get('message') ?? undefined));
  if (key === 'GET /orders') return send(res, 200, pages.ordersPage(user, user.customer_id ? listOrders(db, user.customer_id) : []));
  if (key === 'POST /cart') {
    addToCart(db, user.id, (await form(req)).get('sku') ?? '');
    return redirect(res, '/');
  }
  if (key === 'POST /cart/clear') {
    clearCart(db, user.id);
    return redirect(res, '/');
  }
  if (key === 'POST /create-checkout-session') {
    const cart = cartOf(db, user.id);
    if (cart.length === 0 || !user.customer_id) return redirect(res, '/?message=' + encodeURIComponent('Your cart is empty.'));
    const session = await openCheckout(shop, {
      customerId: user.customer_id,
      userId: user.id,
      items: cart.map((l) => ({ price: l.product.price_id, quantity: l.quantity })),
      orderNumber: newOrderNumber(),
    });
    if (!session.url) throw new Error(`Checkout Session ${session.id} has no url`);
    return redirect(res, session.url);
  }
  return send(res, 404, pages.messagePage(user, 'Not found', 'There is no such page.'));
}

/** Starts the shop: its database, mailer, shipping worker and HTTP server. */
export async function startMerchant(config: MerchantConfig, log: Shop['log'] = defaultLog): Promise<Merchant> {
  const db = openMerchantDb(config.databasePath);
  const stripe = createStripe(config.stripeSecretKey, config.stripeApiBase);
  const mailer = startMailer(db, config, log);
  const shipping = startShippingWorker(db);
  const hostName = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  let publicUrl = config.publicUrl ?? `http://${hostName}:${config.port}`;
  const shop: Shop = { db, stripe, config, publicUrl: () => publicUrl, kickMailer: () => mailer.kick(), log };

  const server = http.createServer((req, res) => {
    route(shop, req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log('request failed', { method: req.method, url: req.url, error: message });
      if (!res.headersSent) send(res, 500, pages.messagePage(undefined, 'Something went wrong', message));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (!config.publicUrl) publicUrl = `http://${hostName}:${port}`;
  return {
    url: publicUrl,
    shop,
    async close() {
      shipping.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mailer.stop();
      db.close();
    },
  };
}

function defaultLog(message: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`[shop] ${message} ${Object.keys(fields).length ? JSON.stringify(fields) : ''}\n`);
}
