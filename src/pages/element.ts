/**
 * The Payment Element's frame (docs/decisions.md#checkout-elements): `/c/element/:id` shows the
 * hosted page's payment fields alone (template.ts, the same services and rules) for a
 * `ui_mode: elements` session, in the merchant's page; the merchant's `checkout.confirm()` posts
 * it. What the merchant's page collected itself (email, shipping address) is the session's
 * (`POST /v1/payment_pages/:id/checkout`) or comes with the confirmation. `/c/element/:id/done`
 * tells the merchant's page the session is complete.
 */
import type { Deps } from '../api/context.js';
import type { StoredSession } from '../resources/checkout-sessions/shape.js';
import { findPageSession } from '../resources/checkout-sessions/store.js';
import { EMBED_SCRIPT } from './embed-script.js';
import { esc } from './escape.js';
import { returnUrlOf } from './embed.js';
import { resolvePageLocale } from './i18n.js';
import { noticeHtml } from './layout.js';
import { NOTICES } from './notices.js';
import { newNonce, type PageReply } from './route.js';

export const ELEMENT_PATH = /^\/c\/element\/([^/?#]+)\/?$/;
export const ELEMENT_DONE_PATH = /^\/c\/element\/([^/?#]+)\/done\/?$/;

/** A session paid through the merchant's own page and the Payment Element. */
export function isElements(s: { ui_mode: string | null }): boolean {
  return s.ui_mode === 'elements';
}

/** The hidden fields of the Payment Element's form the merchant's page fills at confirm (the hosted page's field names). */
export const ELEMENT_CONTEXT_FIELDS = [
  'email', 'phoneNumber', 'expectedTotal',
  'shippingName', 'shippingCountry', 'shippingAddressLine1', 'shippingAddressLine2', 'shippingLocality', 'shippingPostalCode', 'shippingAdministrativeArea',
] as const;

/**
 * The Payment Element's post read as the hosted page's form: the email and shipping address the
 * confirmation did not carry are the session's (the buyer's `updateEmail`, `updateShippingAddress`,
 * or what the merchant set), so the page's rules check them as they check the hosted page's.
 */
export function elementBody(posted: URLSearchParams, s: StoredSession): URLSearchParams {
  const body = new URLSearchParams(posted);
  const fill = (name: string, value: string | null | undefined) => {
    if (!body.get(name) && value) body.set(name, value);
  };
  fill('email', s._internal.buyer?.email ?? s.customer_email);
  const ship = s.collected_information?.shipping_details;
  if (ship && !body.get('shippingCountry')) {
    fill('shippingName', ship.name);
    fill('shippingCountry', ship.address.country);
    fill('shippingAddressLine1', ship.address.line1);
    fill('shippingAddressLine2', ship.address.line2);
    fill('shippingLocality', ship.address.city);
    fill('shippingPostalCode', ship.address.postal_code);
    fill('shippingAdministrativeArea', ship.address.state);
  }
  return body;
}

/** `GET /c/element/:id/done`: the paid notice in the frame, telling the merchant's page the session is complete and where to go. */
export async function elementDoneReply(deps: Deps, id: string, lang: string | undefined): Promise<PageReply> {
  const found = await findPageSession(deps.store.reader ?? deps.store.db, id);
  const nonce = newNonce();
  if (!found || !isElements(found.session)) return { status: 404, nonce, html: noticeHtml(NOTICES.notFound(resolvePageLocale(null, lang)), nonce), frameable: true };
  const s = found.session;
  if (s.status !== 'complete') return { status: 303, nonce, html: '', location: `/c/element/${encodeURIComponent(s.id)}`, frameable: true };
  const to = returnUrlOf(s);
  const marker = `<div hidden data-oc-complete="${esc(s.id)}"${to ? ` data-oc-return="${esc(to)}"` : ''}></div><script nonce="${nonce}">${EMBED_SCRIPT}</script>`;
  const html = noticeHtml(NOTICES.paid(s.mode, resolvePageLocale(s.locale, lang)), nonce).replace('</body></html>', `${marker}</body></html>`);
  return { status: 200, nonce, html, frameable: true };
}
