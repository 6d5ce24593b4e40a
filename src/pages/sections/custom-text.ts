/**
 * `custom_text`: the merchant's messages where Stripe shows them — `shipping_address` under the
 * shipping heading, `submit` under the pay button, `after_submit` at the foot of the form
 * (`terms_of_service_acceptance` replaces the terms sentence: consent.ts). Merchant text, so only
 * the Markdown of merchant-text.ts becomes markup (docs/decisions.md#what-the-page-asks-beside-payment).
 */
import type { PageView } from '../load.js';
import { merchantText } from './merchant-text.js';

type Place = 'shipping_address' | 'submit' | 'after_submit';

/** The message the session sets for `place`, as a block of the page; '' when none. */
export function customTextHtml(view: PageView, place: Place): string {
  const message = view.session.custom_text?.[place]?.message;
  if (!message) return '';
  return `<p class="custom-text custom-text-${place.replace('_', '-')}" data-testid="custom-text-${place}">${merchantText(message)}</p>`;
}
