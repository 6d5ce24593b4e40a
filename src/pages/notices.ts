/**
 * The one-message pages: a session that is complete or expired (both refuse payment), a link that
 * is not valid, a refused form post, a failure.
 */
import type { Mode } from '../resources/checkout-sessions/shape.js';
import type { Notice } from './layout.js';
import type { PageView } from './load.js';

/** Where "Continue" leads on the complete page: success_url with the session id substituted. */
function successLink(view: PageView): string | null {
  const url = view.session.success_url;
  return url ? url.replaceAll('{CHECKOUT_SESSION_ID}', view.session.id) : null;
}

/** The page of a session that no longer takes payment. */
export function closedNotice(view: PageView): Notice {
  if (view.state === 'complete') {
    const setup = view.session.mode === 'setup';
    return {
      kind: 'complete',
      tone: 'ok',
      title: setup ? 'Already set up' : 'Already paid',
      heading: setup ? 'Your payment details are already saved' : 'This payment is already complete',
      text: setup
        ? 'This checkout session is complete. Nothing more is needed.'
        : 'This checkout session has already been paid. You will not be charged again.',
      link: { href: successLink(view), label: 'Continue' },
    };
  }
  return {
    kind: 'expired',
    tone: 'warn',
    title: 'Session expired',
    heading: 'This checkout session has expired',
    text: 'The link you followed is no longer active, and no payment can be made with it. Return to the store to start again.',
    link: { href: view.session.cancel_url, label: '← Back' },
  };
}

export const NOTICES = {
  notFound: {
    kind: 'not_found',
    tone: 'warn',
    title: 'Not found',
    heading: 'This checkout link is not valid',
    text: 'Check the link you followed, or return to the store to start again.',
  },
  forbidden: {
    kind: 'forbidden',
    tone: 'warn',
    title: 'Request refused',
    heading: 'This form could not be accepted',
    text: 'The payment form was not valid for this checkout. Nothing was charged. Go back and reload the page to try again.',
  },
  tooLarge: {
    kind: 'too_large',
    tone: 'warn',
    title: 'Request refused',
    heading: 'This form could not be accepted',
    text: 'The form was too large. Nothing was charged.',
  },
  method: {
    kind: 'method_not_allowed',
    tone: 'warn',
    title: 'Not allowed',
    heading: 'This request is not allowed here',
    text: 'Open the checkout link in your browser.',
  },
  paid(mode: Mode): Notice {
    const setup = mode === 'setup';
    return {
      kind: 'paid',
      tone: 'ok',
      title: setup ? 'Setup complete' : 'Payment complete',
      heading: setup ? 'Setup complete' : 'Payment complete',
      text: setup ? 'Your payment details were saved. You can close this page.' : 'Thank you. Your payment was received. You can close this page.',
    };
  },
  failed(requestId: string): Notice {
    return {
      kind: 'error',
      tone: 'warn',
      title: 'Something went wrong',
      heading: 'Something went wrong',
      text: `We could not process this request. Nothing was charged. Please try again. (Request ${requestId})`,
    };
  },
} satisfies Record<string, Notice | ((...a: never[]) => Notice)>;
