/**
 * What the page's fields share, the page's own (template.ts, form.ts) and each payment method
 * type's (src/payment-method-types/): rendering one input, reading one posted value.
 */
import { esc } from './escape.js';
import type { FormError } from './form.js';

/** One labelled text input; `extra` is the caller's own attribute text. Ids are Stripe's. */
export function input(id: string, value: string | undefined, extra: string, o: { error?: FormError | undefined }, label?: string): string {
  const invalid = o.error?.field === id ? ' aria-invalid="true" aria-describedby="payment-error"' : '';
  const lbl = label ? `<label for="${id}">${label}</label>` : '';
  return `${lbl}<input class="in" id="${id}" name="${id}" value="${esc(value)}" ${extra}${invalid}>`;
}

const MAX_FIELD = 500;

/** A posted field, trimmed and capped: a form post is the buyer's, and is shown again. */
export function field(body: URLSearchParams, name: string): string {
  return (body.get(name) ?? '').trim().slice(0, MAX_FIELD);
}
