/**
 * The hosted payment page (docs/decisions.md#the-hosted-page): order summary on the left, payment form on the right. Keeps
 * Stripe's element ids and test ids so end-to-end tests written against Stripe's page run here.
 * Plain template literals: every value that is not this module's own text goes through `esc`.
 */
import { COUNTRIES } from '../checkout/address-form.js';
import { pricedByAddress } from '../checkout/pricing.js';
import type { SavedPaymentMethod } from '../checkout/prefill.js';
import { findPaymentMethodType } from '../payment-method-types/index.js';
import type { LineItem } from '../resources/checkout-sessions/shape.js';
import { collectsPaymentMethod } from '../checkout/no-payment-method.js';
import { esc } from './escape.js';
import { noPaymentMethodHtml, trialSummaryHtml } from './sections/trial.js';
import { input } from './fields.js';
import { lockedEmail, methodTypes, type FormError, type Values } from './form.js';
import { documentHtml, safeHref } from './layout.js';
import type { PageView } from './load.js';
import { formatAmount } from './money.js';
import { customFieldsHtml, customTextHtml, nameFieldsHtml, optionalItemsHtml, promotionsConsentHtml, taxIdHtml, termsConsentHtml } from './sections/index.js';

export interface RenderOptions {
  values: Values;
  csrf: string;
  nonce: string;
  error?: FormError | undefined;
}

const COUNTRY_NAMES = new Map(COUNTRIES);
const COUNTRY_OPTIONS = COUNTRIES.map(([code, name]) => `<option value="${code}">${esc(name)}</option>`).join('');

function countryOptions(selected: string): string {
  if (selected === '') return COUNTRY_OPTIONS;
  if (COUNTRY_NAMES.has(selected)) return COUNTRY_OPTIONS.replace(`<option value="${selected}">`, `<option value="${selected}" selected>`);
  // A prefilled country outside the list stays what it is rather than silently becoming another.
  return /^[A-Z]{2}$/.test(selected) ? `<option value="${selected}" selected>${selected}</option>${COUNTRY_OPTIONS}` : COUNTRY_OPTIONS;
}

function allowedCountryOptions(allowed: string[], selected: string): string {
  return allowed
    .map((c) => `<option value="${esc(c)}"${c === selected ? ' selected' : ''}>${esc(COUNTRY_NAMES.get(c) ?? c)}</option>`)
    .join('');
}

const BRANDS: Record<string, string> = {
  visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club',
  jcb: 'JCB', unionpay: 'UnionPay', cartes_bancaires: 'Cartes Bancaires', eftpos_au: 'eftpos', link: 'Link',
};

/** The locale amounts are written in: the session's (`ja` writes ￥2,000), English by default. */
function pageLocale(view: PageView): string {
  const l = view.session.locale;
  return l && l !== 'auto' ? l : 'en';
}

function itemName(item: LineItem): string {
  return item.description ?? 'Item';
}

interface Recurring {
  interval: string;
  interval_count: number;
}

function recurringOf(item: LineItem): Recurring | null {
  const price = item.price as { recurring?: Recurring | null; unit_amount?: number | null } | null;
  return price?.recurring ?? null;
}

function per(r: Recurring): string {
  return r.interval_count > 1 ? `every ${r.interval_count} ${r.interval}s` : `per ${r.interval}`;
}

const ADVERB: Record<string, string> = { day: 'daily', week: 'weekly', month: 'monthly', year: 'yearly' };

function billed(r: Recurring): string {
  return r.interval_count > 1 ? `Billed every ${r.interval_count} ${r.interval}s` : `Billed ${ADVERB[r.interval] ?? `every ${r.interval}`}`;
}

function itemHtml(item: LineItem, locale: string): string {
  const rec = recurringOf(item);
  const unit = (item.price as { unit_amount?: number | null } | null)?.unit_amount;
  const meta: string[] = [];
  if (item.quantity !== 1) meta.push(`Qty ${item.quantity}`);
  if (item.quantity !== 1 && typeof unit === 'number') meta.push(`${formatAmount(unit, item.currency, locale)} each`);
  if (rec) meta.push(billed(rec));
  const name = itemName(item);
  return (
    `<li class="item" data-testid="line-item"><div class="thumb" aria-hidden="true">${esc(name.trim().charAt(0).toUpperCase() || '·')}</div>` +
    `<div class="item-main"><div class="item-name">${esc(name)}</div>` +
    (meta.length ? `<div class="item-meta">${esc(meta.join(' · '))}</div>` : '') +
    // Before discount and tax: the summary's rows below add those, as Stripe's summary does.
    `</div><div class="item-amt">${esc(formatAmount(item.amount_subtotal, item.currency, locale))}</div></li>`
  );
}

/** What the summary shows of a session's pricing: its discount, shipping options and tax. */
interface PricingView {
  discount: { label: string; amount: number; code: string | null } | null;
  shipping: Array<{ id: string; name: string; amount: number; estimate: string | null; selected: boolean }>;
  tax: { amount: number; pending: boolean } | null;
}

interface RateShown {
  id: string;
  display_name: string | null;
  delivery_estimate: { minimum: { unit: string; value: number } | null; maximum: { unit: string; value: number } | null } | null;
}

function estimateOf(r: RateShown): string | null {
  const e = r.delivery_estimate;
  if (!e || (!e.minimum && !e.maximum)) return null;
  const part = (b: { unit: string; value: number }) => `${b.value} ${b.unit.replace(/_/g, ' ')}${b.value === 1 ? '' : 's'}`;
  if (e.minimum && e.maximum) return `${e.minimum.value}–${part(e.maximum)}`;
  return part((e.minimum ?? e.maximum) as { unit: string; value: number });
}

function pricingView(view: PageView): PricingView {
  const s = view.session;
  const pricing = s._internal?.pricing;
  const details = s.total_details;
  const d = pricing?.discount;
  const coupon = d?.coupon as { id: string; name: string | null } | undefined;
  const code = (d?.promotion_code as { code: string } | null | undefined)?.code ?? null;
  const options = s.shipping_options;
  const rates = new Map(((pricing?.shipping_rates ?? []) as RateShown[]).map((r) => [r.id, r]));
  return {
    discount: coupon && details ? { label: coupon.name ?? code ?? coupon.id, amount: details.amount_discount, code } : null,
    shipping: options.map((o) => {
      const r = rates.get(o.shipping_rate);
      return { id: o.shipping_rate, name: r?.display_name ?? 'Shipping', amount: o.shipping_amount, estimate: r ? estimateOf(r) : null, selected: s.shipping_cost?.shipping_rate === o.shipping_rate };
    }),
    tax:
      s.automatic_tax.enabled || (details?.amount_tax ?? 0) > 0 || (pricing !== undefined && pricedByAddress(pricing))
        ? { amount: details?.amount_tax ?? 0, pending: s.automatic_tax.status === 'requires_location_inputs' }
        : null,
  };
}

/** The promotion code field (`allow_promotion_codes`), or the applied code with a way to remove it. */
function promotionCodeHtml(view: PageView, pv: PricingView, o: RenderOptions): string {
  if (!view.session.allow_promotion_codes) return '';
  if (pv.discount?.code) {
    return (
      `<div class="promo applied" data-testid="applied-promotion-code"><span class="chip">${esc(pv.discount.code)}</span>` +
      '<button class="link" type="submit" form="payment-form" name="action" value="remove_promotion_code">Remove</button></div>'
    );
  }
  const invalid = o.error?.field === 'promotionCode';
  return (
    '<div class="promo">' +
    `<input class="in" id="promotionCode" name="promotionCode" form="payment-form" value="${esc(o.values.promotionCode)}" placeholder="Add promotion code" aria-label="Promotion code" autocomplete="off" data-testid="promotion-code-input"${invalid ? ' aria-invalid="true" aria-describedby="promotion-code-error"' : ''}>` +
    '<button class="promo-apply" type="submit" form="payment-form" name="action" value="apply_promotion_code" data-testid="promotion-code-apply">Apply</button>' +
    (invalid && o.error ? `<p class="field-error" id="promotion-code-error" role="alert" data-testid="promotion-code-error">${esc(o.error.message)}</p>` : '') +
    '</div>'
  );
}

/** Subtotal, discount, shipping and tax rows, as Stripe's order summary shows them. */
function totalsRows(view: PageView, pv: PricingView, o: RenderOptions, subtotal: number, cur: string): string {
  const row = (label: string, amount: string, testid: string) => `<div class="row"><span>${label}</span><span data-testid="${testid}">${amount}</span></div>`;
  const chosen = pv.shipping.find((r) => r.selected);
  return (
    row('Subtotal', esc(formatAmount(subtotal, cur, pageLocale(view))), 'subtotal-amount') +
    (pv.discount ? row(esc(pv.discount.label), esc(`−${formatAmount(pv.discount.amount, cur, pageLocale(view))}`), 'discount-amount') : '') +
    promotionCodeHtml(view, pv, o) +
    (chosen ? row(esc(`Shipping (${chosen.name})`), esc(formatAmount(chosen.amount, cur, pageLocale(view))), 'shipping-amount') : '') +
    (pv.tax ? row('Tax', pv.tax.pending ? 'Enter address to calculate' : esc(formatAmount(pv.tax.amount, cur, pageLocale(view))), 'tax-amount') : '')
  );
}

/** The shipping options to choose from (`shipping_options`), inside the payment form. */
function shippingOptionsHtml(view: PageView, pv: PricingView, cur: string): string {
  const options = pv.shipping;
  if (options.length === 0) return '';
  const radios = options
    .map(
      (r) =>
        `<label class="rate" data-testid="shipping-rate"><input type="radio" name="shippingRate" value="${esc(r.id)}"${r.selected ? ' checked' : ''}>` +
        `<span class="rate-name">${esc(r.name)}${r.estimate ? `<span class="rate-eta">${esc(r.estimate)}</span>` : ''}</span>` +
        `<span class="rate-amt">${esc(formatAmount(r.amount, cur, pageLocale(view)))}</span></label>`,
    )
    .join('');
  return (
    `<section><h2>Shipping method</h2><div class="rates" role="radiogroup" aria-label="Shipping method">${radios}</div>` +
    '<button class="link js-hide" type="submit" name="action" value="select_shipping_rate" data-testid="shipping-rate-update">Update shipping</button></section>'
  );
}

function summaryHtml(view: PageView, pv: PricingView, o: RenderOptions): string {
  const s = view.session;
  const cur = s.currency ?? 'usd';
  const back = safeHref(s.cancel_url);
  const top =
    '<div class="top">' +
    (back ? `<a class="back" href="${esc(back)}" data-testid="business-link">&#8592; Back</a>` : '') +
    '<span class="badge">Test mode</span></div>';
  if (s.mode === 'setup') {
    return `${top}<p class="caption">Set up payment details</p><p class="sub">Save a payment method for future payments. You will not be charged now.</p>`;
  }
  const items = view.lineItems;
  const first = items[0];
  const rec = items.map(recurringOf).find((r) => r !== null) ?? null;
  const total = s.amount_total ?? items.reduce((n, i) => n + i.amount_total, 0);
  const caption = s.mode === 'subscription' && first ? `Subscribe to ${itemName(first)}` : items.length === 1 && first ? itemName(first) : 'Pay';
  const subtotal = s.amount_subtotal ?? total;
  const trial = trialSummaryHtml(view, items.map((i) => itemHtml(i, pageLocale(view))).join(''));
  if (trial) return top + trial;
  return (
    top +
    `<p class="caption">${esc(caption)}</p>` +
    `<p class="total-big" data-testid="product-summary-total-amount">${esc(formatAmount(total, cur, pageLocale(view)))}</p>` +
    `<p class="sub">${rec ? esc(`${per(rec)}`) : '&nbsp;'}</p>` +
    `<ul class="items">${items.map((i) => itemHtml(i, pageLocale(view))).join('')}</ul>` +
    optionalItemsHtml(view) +
    '<div class="totals">' +
    totalsRows(view, pv, o, subtotal, cur) +
    `<div class="row grand"><span>${rec ? 'Total due today' : 'Total due'}</span><span data-testid="total-amount">${esc(formatAmount(total, cur, pageLocale(view)))}</span></div>` +
    '</div>'
  );
}

function stateAndPostal(prefix: 'billing' | 'shipping', o: RenderOptions, full: boolean): string {
  const v = o.values;
  const postal = input(`${prefix}PostalCode`, v[`${prefix}PostalCode`], `autocomplete="${prefix} postal-code" placeholder="${full ? 'Postal code' : 'ZIP / Postal code'}" aria-label="Postal code"`, o);
  const state = input(`${prefix}AdministrativeArea`, v[`${prefix}AdministrativeArea`], `autocomplete="${prefix} address-level1" placeholder="State / Province" aria-label="State"`, o);
  return full ? `<div class="split"><div class="f-postal">${postal}</div><div class="f-state">${state}</div></div>` : `<div class="f-postal">${postal}</div>`;
}

function countrySelect(prefix: 'billing' | 'shipping', options: string, o: RenderOptions): string {
  const invalid = o.error?.field === `${prefix}Country` ? ' aria-invalid="true"' : '';
  return `<select class="in" id="${prefix}Country" name="${prefix}Country" autocomplete="${prefix} country" aria-label="Country or region"${invalid}>${options}</select>`;
}

/** A full address block (name, country, lines, city, postal, state) in one bordered group. */
function fullAddress(prefix: 'billing' | 'shipping', options: string, o: RenderOptions): string {
  const v = o.values;
  return (
    `<div class="grp addr-${prefix} full">` +
    input(`${prefix}Name`, v[`${prefix}Name`], `autocomplete="${prefix} name" placeholder="Full name" aria-label="Full name"`, o) +
    countrySelect(prefix, options, o) +
    input(`${prefix}AddressLine1`, v[`${prefix}AddressLine1`], `autocomplete="${prefix} address-line1" placeholder="Address line 1" aria-label="Address line 1"`, o) +
    input(`${prefix}AddressLine2`, v[`${prefix}AddressLine2`], `autocomplete="${prefix} address-line2" placeholder="Address line 2 (optional)" aria-label="Address line 2"`, o) +
    input(`${prefix}Locality`, v[`${prefix}Locality`], `autocomplete="${prefix} address-level2" placeholder="City" aria-label="City"`, o) +
    stateAndPostal(prefix, o, true) +
    '</div>'
  );
}

function billingHtml(view: PageView, o: RenderOptions): string {
  const options = countryOptions(o.values.billingCountry ?? '');
  if (view.session.billing_address_collection === 'required') {
    return `<section><h3>Billing address</h3>${fullAddress('billing', options, o)}</section>`;
  }
  return (
    `<section class="billing-auto"><div class="f">${input('billingName', o.values.billingName, 'autocomplete="billing name" placeholder="Full name on card"', o, 'Cardholder name')}</div>` +
    `<div class="f"><span class="lbl">Country or region</span><div class="grp addr-billing auto">${countrySelect('billing', options, o)}${stateAndPostal('billing', o, false)}</div></div></section>`
  );
}

function shippingHtml(view: PageView, o: RenderOptions): string {
  const allowed = view.session.shipping_address_collection?.allowed_countries;
  if (!allowed) return '';
  return `<section><h2>Shipping information</h2>${customTextHtml(view, 'shipping_address')}${fullAddress('shipping', allowedCountryOptions(allowed, o.values.shippingCountry ?? ''), o)}</section>`;
}

function savedCardHtml(pm: SavedPaymentMethod, checked: boolean): string {
  const card = pm.card;
  const brand = card ? BRANDS[card.brand] ?? card.brand : pm.type;
  const exp = card ? `${String(card.exp_month).padStart(2, '0')}/${String(card.exp_year % 100).padStart(2, '0')}` : '';
  return (
    `<label class="saved" role="radio" aria-checked="${checked}" data-testid="saved-payment-method" data-payment-method="${esc(pm.id)}">` +
    `<input class="sr" type="radio" name="paymentMethod" value="${esc(pm.id)}"${checked ? ' checked' : ''}>` +
    `<span class="dot" aria-hidden="true"></span><span class="brand">${esc(brand)}</span>` +
    `<span><span class="sr">${esc(brand)} ending in </span><span aria-hidden="true">&bull;&bull;&bull;&bull; </span>${esc(card?.last4 ?? '')}</span>` +
    (exp ? `<span class="exp">Expires ${esc(exp)}</span>` : '') +
    '</label>'
  );
}

/** The session lets a signed-in buyer save what they type (not in setup mode, which always saves). */
function offersSave(view: PageView): boolean {
  const s = view.session;
  return s.saved_payment_method_options?.payment_method_save === 'enabled' && s.customer !== null && s.mode !== 'setup';
}

/** One accordion item per type the session offers; each type renders its own fields. */
function methodsHtml(view: PageView, o: RenderOptions): string {
  const saved = view.prefill.savedCards;
  const chosen = o.values.paymentMethod ?? '';
  const savedHtml = saved.length
    ? `<div class="saved-list" role="radiogroup" aria-label="Saved cards">${saved.map((pm) => savedCardHtml(pm, pm.id === chosen)).join('')}</div>`
    : '';
  const offerSave = offersSave(view);
  const items = methodTypes(view)
    .map((type) => {
      const checked = type === chosen;
      const page = findPaymentMethodType(type)?.page;
      const label = !page ? type : (saved.length > 0 && page.labelBesideSaved ? page.labelBesideSaved : page.label)[view.locale];
      const body = page ? page.render({ values: o.values, error: o.error, offerSave, locale: view.locale }) : '';
      return (
        // A type that names the payer in its own fields (bank debits, konbini, Link) hides the card's billing fields.
        `<div class="acc-item" data-testid="${esc(type)}-accordion-item"${page && !page.requiresBillingFields ? ' data-own-billing' : ''}>` +
        `<label class="acc-head" data-testid="${esc(type)}-accordion-item-button" aria-expanded="${checked}">` +
        `<input class="sr" type="radio" name="paymentMethod" value="${esc(type)}"${checked ? ' checked' : ''}>` +
        `<span class="dot" aria-hidden="true"></span>${esc(label)}</label>` +
        `<div class="acc-body">${body}</div></div>`
      );
    })
    .join('');
  return `<section><h2>Payment method</h2>${savedHtml}<div class="acc">${items}</div></section>`;
}

function submitLabel(view: PageView): string {
  const s = view.session;
  if (s.mode === 'setup') return 'Save payment details';
  if (s.mode === 'subscription') return 'Subscribe';
  const total = formatAmount(s.amount_total ?? view.lineItems.reduce((n, i) => n + i.amount_total, 0), s.currency ?? 'usd', pageLocale(view));
  const verb = s.submit_type === 'donate' ? 'Donate' : s.submit_type === 'book' ? 'Book' : 'Pay';
  return `${verb} ${total}`;
}

/** The address fields whose change reprices the page, and the button that does it without the script. */
function repriceControls(view: PageView): { attr: string; button: string } {
  const pricing = view.session._internal?.pricing;
  if (!pricing || !pricedByAddress(pricing)) return { attr: '', button: '' };
  const prefix = view.session.shipping_address_collection ? 'shipping' : 'billing';
  const fields = ['Country', 'PostalCode', 'AdministrativeArea'].map((f) => `${prefix}${f}`).join(' ');
  return {
    attr: ` data-reprice-on="${fields}"`,
    button: '<button class="link js-hide" type="submit" name="action" value="update_address" data-testid="update-address">Calculate tax</button>',
  };
}

/** The whole payment page of an open session. */
export function renderPaymentPage(view: PageView, o: RenderOptions): string {
  const s = view.session;
  const email = lockedEmail(view) !== null;
  const v = o.values;
  const reprice = repriceControls(view);
  const pv = pricingView(view);
  const alert = o.error && o.error.field !== 'promotionCode' ? `<div class="alert" role="alert" id="payment-error" data-testid="payment-error">${esc(o.error.message)}</div>` : '';
  const phone = s.phone_number_collection?.enabled
    ? `<div class="f">${input('phoneNumber', v.phoneNumber, 'type="tel" autocomplete="tel" placeholder="(201) 555-0123"', o, 'Phone number')}</div>`
    : '';
  const form =
    `<form id="payment-form" method="post" action="/c/pay/${esc(s.id)}"${reprice.attr} novalidate>` +
    `<input type="hidden" name="csrf_token" value="${esc(o.csrf)}">` +
    // The total the buyer saw: a payment is refused if repricing (an address, a code) changed it.
    `<input type="hidden" name="expectedTotal" value="${esc(String(s.amount_total ?? ''))}">` +
    `<section><h2>Contact information</h2><div class="f">${input('email', v.email, `type="email" autocomplete="email" placeholder="email@example.com"${email ? ' readonly' : ''}`, o, 'Email')}</div>${phone}${nameFieldsHtml(view, o)}${taxIdHtml(view, o)}${promotionsConsentHtml(view, o)}</section>` +
    shippingHtml(view, o) +
    shippingOptionsHtml(view, pv, s.currency ?? 'usd') +
    customFieldsHtml(view, o) +
    (collectsPaymentMethod(s) ? methodsHtml(view, o) + billingHtml(view, o) : noPaymentMethodHtml(view)) +
    reprice.button +
    termsConsentHtml(view, o) +
    customTextHtml(view, 'submit') +
    alert +
    `<button class="SubmitButton" type="submit" data-testid="hosted-payment-submit-button"><span class="lbl-text">${esc(submitLabel(view))}</span></button>` +
    (s.mode === 'subscription' || s.mode === 'setup'
      ? '<p class="fine">By confirming, you allow this business to charge your payment method for future payments in accordance with their terms.</p>'
      : '') +
    customTextHtml(view, 'after_submit') +
    '</form><p class="foot">Powered by OpenCheckout</p>';
  // Enter in any field pays: the first submit button of the form in document order is this one,
  // ahead of the summary's promotion code button.
  const defaultButton = '<button class="sr" type="submit" form="payment-form" name="action" value="pay" tabindex="-1" aria-hidden="true">Pay</button>';
  const body = `${defaultButton}<div class="wrap"><aside class="summary"><div class="col">${summaryHtml(view, pv, o)}</div></aside><main class="pay"><div class="col">${form}</div></main></div>`;
  return documentHtml(s.mode === 'setup' ? 'Set up payment details' : 'Checkout', o.nonce, body, true);
}
