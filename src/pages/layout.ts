/**
 * The HTML document around every hosted page: head, inline stylesheet and script under the
 * response's CSP nonce, and the notice pages (complete, expired, not found, refused).
 */
import { esc } from './escape.js';
import type { LocalText, PageLocale } from './i18n.js';
import { SCRIPT } from './script.js';
import { CSS } from './styles.js';

/** A whole document in the page's language (`<html lang>`). `body` is already-escaped HTML. */
export function documentHtml(title: string, nonce: string, body: string, withScript: boolean, lang: PageLocale = 'en'): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex,nofollow"><link rel="icon" href="data:,">' +
    `<title>${esc(title)}</title><style nonce="${nonce}">${CSS}</style></head><body>${body}` +
    (withScript ? `<script nonce="${nonce}">${SCRIPT}</script>` : '') +
    '</body></html>'
  );
}

const POWERED_BY: LocalText = {
  en: 'Powered by OpenCheckout',
  ja: 'OpenCheckout 提供',
  fr: 'Propulsé par OpenCheckout',
  de: 'Bereitgestellt von OpenCheckout',
  es: 'Con la tecnología de OpenCheckout',
  it: 'Con tecnologia OpenCheckout',
  nl: 'Mogelijk gemaakt door OpenCheckout',
  pt: 'Com tecnologia OpenCheckout',
  zh: '由 OpenCheckout 提供支持',
  ko: 'OpenCheckout 제공',
};

/** The footer line of every page, in its language. */
export function footHtml(locale: PageLocale): string {
  return `<p class="foot">${esc(POWERED_BY[locale])}</p>`;
}

/** Only http(s) links are ever rendered as hrefs (the API validates them; this is the second lock). */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  return /^https?:\/\//i.test(url) ? url : null;
}

export interface Notice {
  title: string;
  heading: string;
  text: string;
  tone: 'ok' | 'warn';
  link?: { href: string | null; label: string } | undefined;
  /** Marks the notice for tests and assistive tech: `complete`, `expired`, ... */
  kind: string;
  /** The language the notice is written in. */
  locale: PageLocale;
}

/** A centred one-message page: payment complete, session expired, link not valid. */
export function noticeHtml(n: Notice, nonce: string): string {
  const href = safeHref(n.link?.href);
  const body =
    `<main class="notice" data-testid="checkout-notice" data-kind="${esc(n.kind)}">` +
    `<div class="icon${n.tone === 'warn' ? ' warn' : ''}" aria-hidden="true">${n.tone === 'warn' ? '!' : '&#10003;'}</div>` +
    `<h1>${esc(n.heading)}</h1><p>${esc(n.text)}</p>` +
    (href && n.link ? `<a class="btn" href="${esc(href)}">${esc(n.link.label)}</a>` : '') +
    `${footHtml(n.locale)}</main>`;
  return documentHtml(n.title, nonce, body, false, n.locale);
}
