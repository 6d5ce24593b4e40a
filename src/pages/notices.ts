/**
 * The one-message pages: a session that is complete or expired (both refuse payment), a link that
 * is not valid, a refused form post, a failure. Each is written in the page's language: the
 * session's, or, where there is no session, the buyer's `Accept-Language` (i18n.ts).
 */
import type { Mode } from '../resources/checkout-sessions/shape.js';
import { fill, textOf, type PageLocale } from './i18n.js';
import type { Notice } from './layout.js';
import type { PageView } from './load.js';
import { NOTICE_TEXT } from './text/notices.js';

/** Where "Continue" leads on the complete page: success_url with the session id substituted. */
function successLink(view: PageView): string | null {
  const url = view.session.success_url;
  return url ? url.replaceAll('{CHECKOUT_SESSION_ID}', view.session.id) : null;
}

/** The page of a session that no longer takes payment. */
export function closedNotice(view: PageView): Notice {
  const { locale } = view;
  const t = textOf(NOTICE_TEXT, locale);
  if (view.state === 'complete') {
    const setup = view.session.mode === 'setup';
    return {
      kind: 'complete',
      tone: 'ok',
      locale,
      title: setup ? t.alreadySetUpTitle : t.alreadyPaidTitle,
      heading: setup ? t.alreadySetUpHeading : t.alreadyPaidHeading,
      text: setup ? t.alreadySetUpText : t.alreadyPaidText,
      link: { href: successLink(view), label: t.continue },
    };
  }
  return {
    kind: 'expired',
    tone: 'warn',
    locale,
    title: t.expiredTitle,
    heading: t.expiredHeading,
    text: t.expiredText,
    link: { href: view.session.cancel_url, label: `← ${t.back}` },
  };
}

/** The notices that are not about one session's state, each in `locale`. */
export const NOTICES = {
  notFound(locale: PageLocale): Notice {
    const t = textOf(NOTICE_TEXT, locale);
    return { kind: 'not_found', tone: 'warn', locale, title: t.notFoundTitle, heading: t.notFoundHeading, text: t.notFoundText };
  },
  forbidden(locale: PageLocale): Notice {
    const t = textOf(NOTICE_TEXT, locale);
    return { kind: 'forbidden', tone: 'warn', locale, title: t.refusedTitle, heading: t.refusedHeading, text: t.forbiddenText };
  },
  tooLarge(locale: PageLocale): Notice {
    const t = textOf(NOTICE_TEXT, locale);
    return { kind: 'too_large', tone: 'warn', locale, title: t.refusedTitle, heading: t.refusedHeading, text: t.tooLargeText };
  },
  method(locale: PageLocale): Notice {
    const t = textOf(NOTICE_TEXT, locale);
    return { kind: 'method_not_allowed', tone: 'warn', locale, title: t.methodTitle, heading: t.methodHeading, text: t.methodText };
  },
  paid(mode: Mode, locale: PageLocale): Notice {
    const t = textOf(NOTICE_TEXT, locale);
    const setup = mode === 'setup';
    return {
      kind: 'paid',
      tone: 'ok',
      locale,
      title: setup ? t.setupDone : t.paymentDone,
      heading: setup ? t.setupDone : t.paymentDone,
      text: setup ? t.setupDoneText : t.paymentDoneText,
    };
  },
  failed(requestId: string, locale: PageLocale): Notice {
    const t = textOf(NOTICE_TEXT, locale);
    return { kind: 'error', tone: 'warn', locale, title: t.failed, heading: t.failed, text: fill(t.failedText, { id: requestId }) };
  },
} satisfies Record<string, (...a: never[]) => Notice>;
