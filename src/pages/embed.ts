/**
 * The embedded form's own rules (docs/decisions.md#embedded-checkout): `/c/embed/:id` is the
 * hosted page's form (handler.ts) rendered for the merchant's frame; this module says who may open
 * it and renders its end, `/c/embed/:id/done`, which tells the merchant's page how the session
 * ended (embed-script.ts) and where to go.
 */
import type { Deps } from '../api/context.js';
import type { Db } from '../store/db.js';
import { publishableAccount } from '../api/keys.js';
import { isEmbedded, type StoredSession } from '../resources/checkout-sessions/shape.js';
import { findPageSession } from '../resources/checkout-sessions/store.js';
import { EMBED_SCRIPT } from './embed-script.js';
import { esc } from './escape.js';
import { resolvePageLocale } from './i18n.js';
import { noticeHtml } from './layout.js';
import { NOTICES } from './notices.js';
import { newNonce, type PageReply } from './route.js';

export const EMBED_PATH = /^\/c\/embed\/([^/?#]+)\/?$/;
export const EMBED_DONE_PATH = /^\/c\/embed\/([^/?#]+)\/done\/?$/;

/**
 * Whether the frame's query may open the session: the `client_secret` Stripe.js passes must be
 * the session's, and the publishable key (`pk`) must be of the session's account. Either may be
 * absent (the frame coming back from 3D Secure carries neither): like the hosted page, the id is
 * a bearer link; what is sent is checked.
 */
export function embedAllowed(deps: Deps, found: { account: string; session: StoredSession }, query: string): boolean {
  const q = new URLSearchParams(query);
  const secret = q.get('client_secret');
  if (secret !== null && secret !== found.session.client_secret) return false;
  const pk = q.get('pk');
  if (pk !== null) {
    const allowed = deps.config.apiKeys ? new Set(deps.config.apiKeys) : undefined;
    if (publishableAccount(pk, allowed) !== found.account) return false;
  }
  return true;
}

/**
 * Where the merchant's page goes when the session is complete: `return_url` with the session id
 * in it when the session redirects (`always`, the default), else nowhere: `onComplete` fires.
 * A card payment never needs a redirect, so `if_required` does not redirect.
 */
export function returnUrlOf(s: StoredSession): string | null {
  const mode = s.redirect_on_completion ?? 'always';
  if (mode !== 'always' || !s.return_url) return null;
  return s.return_url.replaceAll('{CHECKOUT_SESSION_ID}', s.id);
}

/** `GET /c/embed/:id/done`: the paid notice in the frame, telling the merchant's page it is complete. */
export async function embedDoneReply(deps: Deps, id: string, lang: string | undefined): Promise<PageReply> {
  const found = await findPageSession(deps.store.reader ?? deps.store.db, id);
  const buyer = resolvePageLocale(null, lang);
  const nonce = newNonce();
  if (!found || !isEmbedded(found.session)) return { status: 404, nonce, html: noticeHtml(NOTICES.notFound(buyer), nonce), frameable: true };
  const s = found.session;
  if (s.status !== 'complete') return { status: 303, nonce, html: '', location: `/c/embed/${encodeURIComponent(s.id)}`, frameable: true };
  const locale = resolvePageLocale(s.locale, lang);
  const to = returnUrlOf(s);
  const marker = `<div hidden data-oc-complete="${esc(s.id)}"${to ? ` data-oc-return="${esc(to)}"` : ''}></div><script nonce="${nonce}">${EMBED_SCRIPT}</script>`;
  const html = noticeHtml(NOTICES.paid(s.mode, locale), nonce).replace('</body></html>', `${marker}</body></html>`);
  return { status: 200, nonce, html, frameable: true };
}

/** Whether the session `id` is paid in a frame of the merchant's page, embedded or the Payment Element (its 3D Secure page then shows in the frame too). */
export async function embeddedSession(db: Db, id: string): Promise<boolean> {
  const found = await findPageSession(db, id);
  return found !== null && (isEmbedded(found.session) || found.session.ui_mode === 'elements');
}
