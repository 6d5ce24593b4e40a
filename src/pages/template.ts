/**
 * The hosted payment page (docs/decisions.md#the-hosted-page): order summary on the left, payment form on the right. Keeps
 * Stripe's element ids and test ids so end-to-end tests written against Stripe's page run here.
 * Plain template literals: every value that is not this module's own text goes through `esc`.
 */
import { hasTrial } from '../checkout/first-period.js';
import { pricedByAddress } from '../checkout/pricing.js';
import type { SavedPaymentMethod } from '../checkout/prefill.js';
import { findPaymentMethodType } from '../payment-method-types/index.js';
import type { LineItem } from '../resources/checkout-sessions/shape.js';
import { allowedCountryOptions, countryOptions } from './countries.js';
import { collectsPaymentMethod } from '../checkout/no-payment-method.js';
import { esc } from './escape.js';
import { noPaymentMethodHtml, trialSummaryHtml } from './sections/trial.js';
import { input } from './fields.js';
import { lockedEmail, methodTypes, type FormError, type Values } from './form.js';
import { documentHtml, footHtml, safeHref } from './layout.js';
import type { PageView } from './load.js';
import { fill, textOf } from './i18n.js';
import { EMBED_SCRIPT } from './embed-script.js';
import { ELEMENT_CONTEXT_FIELDS } from './element.js';
import { formatAmount } from './money.js';
import { FORM_TEXT, type FormText } from './text/form.js';
import { MESSAGE_TEXT } from './text/messages.js';
import { SUMMARY_TEXT, type SummaryText } from './text/summary.js';
import { customFieldsHtml, customTextHtml, isAdjustable, nameFieldsHtml, optionalItemsHtml, promotionsConsentHtml, quantityHtml, showsReuseAgreement, taxIdHtml, termsConsentHtml } from './sections/index.js';

export interface RenderOptions {
  values: Values;
  csrf: string;
  nonce: string;
  error?: FormError | undefined;
  /** Rendered in the merchant's frame (`/c/embed/:id`, docs/decisions.md#embedded-checkout). */
  embed?: boolean;
  /** The payment fields alone, the Payment Element (`/c/element/:id`, docs/decisions.md#checkout-elements). */
  element?: boolean;
}

const BRANDS: Record<string, string> = {
  visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club',
  jcb: 'JCB', unionpay: 'UnionPay', cartes_bancaires: 'Cartes Bancaires', eftpos_au: 'eftpos', link: 'Link',
};

function itemName(item: LineItem, t: SummaryText): string {
  return item.description ?? t.item;
}

interface Recurring {
  interval: string;
  interval_count: number;
}

function recurringOf(item: LineItem): Recurring | null {
  const price = item.price as { recurring?: Recurring | null; unit_amount?: number | null } | null;
  return price?.recurring ?? null;
}

/** The catalog keys of a recurring interval's wording: once (`per month`) and every n (`every 3 months`). */
type IntervalWords = Readonly<Record<string, { one: keyof SummaryText; many: keyof SummaryText }>>;

const PER: IntervalWords = {
  day: { one: 'perDay', many: 'everyDays' },
  week: { one: 'perWeek', many: 'everyWeeks' },
  month: { one: 'perMonth', many: 'everyMonths' },
  year: { one: 'perYear', many: 'everyYears' },
};

const BILLED: IntervalWords = {
  day: { one: 'billedDay', many: 'billedEveryDays' },
  week: { one: 'billedWeek', many: 'billedEveryWeeks' },
  month: { one: 'billedMonth', many: 'billedEveryMonths' },
  year: { one: 'billedYear', many: 'billedEveryYears' },
};

/** A recurring price's interval in words (Stripe's intervals are day, week, month and year). */
function intervalText(r: Recurring, words: IntervalWords, t: SummaryText): string {
  const w = words[r.interval];
  if (!w) return '';
  return r.interval_count > 1 ? fill(t[w.many], { n: r.interval_count }) : t[w.one];
}

function itemHtml(item: LineItem, view: PageView, t: SummaryText): string {
  const rec = recurringOf(item);
  const unit = (item.price as { unit_amount?: number | null } | null)?.unit_amount;
  const meta: string[] = [];
  // An adjustable line shows its quantity in its own field (sections/quantities.ts), not twice.
  if (item.quantity !== 1 && !isAdjustable(item)) meta.push(fill(t.qty, { n: item.quantity }));
  if (item.quantity !== 1 && typeof unit === 'number') meta.push(fill(t.each, { amount: formatAmount(unit, item.currency, view.locale) }));
  if (rec) meta.push(intervalText(rec, BILLED, t));
  const name = itemName(item, t);
  return (
    `<li class="item" data-testid="line-item"><div class="thumb" aria-hidden="true">${esc(name.trim().charAt(0).toUpperCase() || '·')}</div>` +
    `<div class="item-main"><div class="item-name">${esc(name)}</div>` +
    (meta.length ? `<div class="item-meta">${esc(meta.join(' · '))}</div>` : '') +
    quantityHtml(item, view.locale) +
    // Before discount and tax: the summary's rows below add those, as Stripe's summary does.
    `</div><div class="item-amt">${esc(formatAmount(item.amount_subtotal, item.currency, view.locale))}</div></li>`
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

interface EstimateBound {
  unit: string;
  value: number;
}

/** The catalog keys of a delivery estimate's unit, one and many (`1 business day`, `3 business days`). */
const ETA_UNITS: Readonly<Record<string, readonly [keyof SummaryText, keyof SummaryText]>> = {
  hour: ['etaHour', 'etaHours'],
  day: ['etaDay', 'etaDays'],
  business_day: ['etaBusinessDay', 'etaBusinessDays'],
  week: ['etaWeek', 'etaWeeks'],
  month: ['etaMonth', 'etaMonths'],
};

function estimateBound(b: EstimateBound, t: SummaryText): string {
  const keys = ETA_UNITS[b.unit];
  return keys ? fill(t[b.value === 1 ? keys[0] : keys[1]], { n: b.value }) : String(b.value);
}

/** A rate's delivery estimate in words: `3–5 business days` when both ends share a unit. */
function estimateOf(r: RateShown, t: SummaryText): string | null {
  const e = r.delivery_estimate;
  if (!e || (!e.minimum && !e.maximum)) return null;
  const { minimum: min, maximum: max } = e;
  if (min && max) {
    const keys = ETA_UNITS[max.unit];
    if (min.unit === max.unit && keys) return fill(t[keys[1]], { n: `${min.value}–${max.value}` });
    return `${estimateBound(min, t)} – ${estimateBound(max, t)}`;
  }
  return estimateBound((min ?? max) as EstimateBound, t);
}

function pricingView(view: PageView, t: SummaryText): PricingView {
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
      return { id: o.shipping_rate, name: r?.display_name ?? t.shipping, amount: o.shipping_amount, estimate: r ? estimateOf(r, t) : null, selected: s.shipping_cost?.shipping_rate === o.shipping_rate };
    }),
    tax:
      s.automatic_tax.enabled || (details?.amount_tax ?? 0) > 0 || (pricing !== undefined && pricedByAddress(pricing))
        ? { amount: details?.amount_tax ?? 0, pending: s.automatic_tax.status === 'requires_location_inputs' }
        : null,
  };
}

/** The promotion code field (`allow_promotion_codes`), or the applied code with a way to remove it. */
function promotionCodeHtml(view: PageView, pv: PricingView, o: RenderOptions, t: SummaryText): string {
  if (!view.session.allow_promotion_codes) return '';
  if (pv.discount?.code) {
    return (
      `<div class="promo applied" data-testid="applied-promotion-code"><span class="chip">${esc(pv.discount.code)}</span>` +
      `<button class="link" type="submit" form="payment-form" name="action" value="remove_promotion_code">${esc(t.remove)}</button></div>`
    );
  }
  const invalid = o.error?.field === 'promotionCode';
  return (
    '<div class="promo">' +
    `<input class="in" id="promotionCode" name="promotionCode" form="payment-form" value="${esc(o.values.promotionCode)}" placeholder="${esc(t.addPromotionCode)}" aria-label="${esc(t.promotionCode)}" autocomplete="off" data-testid="promotion-code-input"${invalid ? ' aria-invalid="true" aria-describedby="promotion-code-error"' : ''}>` +
    `<button class="promo-apply" type="submit" form="payment-form" name="action" value="apply_promotion_code" data-testid="promotion-code-apply">${esc(t.apply)}</button>` +
    (invalid && o.error ? `<p class="field-error" id="promotion-code-error" role="alert" data-testid="promotion-code-error">${esc(o.error.message)}</p>` : '') +
    '</div>'
  );
}

/** Subtotal, discount, shipping and tax rows, as Stripe's order summary shows them. */
function totalsRows(view: PageView, pv: PricingView, o: RenderOptions, subtotal: number, cur: string, t: SummaryText): string {
  const row = (label: string, amount: string, testid: string) => `<div class="row"><span>${esc(label)}</span><span data-testid="${testid}">${esc(amount)}</span></div>`;
  const money = (amount: number) => formatAmount(amount, cur, view.locale);
  const chosen = pv.shipping.find((r) => r.selected);
  return (
    row(t.subtotal, money(subtotal), 'subtotal-amount') +
    (pv.discount ? row(pv.discount.label, `−${money(pv.discount.amount)}`, 'discount-amount') : '') +
    promotionCodeHtml(view, pv, o, t) +
    (chosen ? row(fill(t.shippingRow, { name: chosen.name }), money(chosen.amount), 'shipping-amount') : '') +
    (pv.tax ? row(t.tax, pv.tax.pending ? t.taxPending : money(pv.tax.amount), 'tax-amount') : '')
  );
}

/** The shipping options to choose from (`shipping_options`), inside the payment form. */
function shippingOptionsHtml(view: PageView, pv: PricingView, cur: string, t: SummaryText): string {
  const options = pv.shipping;
  if (options.length === 0) return '';
  const radios = options
    .map(
      (r) =>
        `<label class="rate" data-testid="shipping-rate"><input type="radio" name="shippingRate" value="${esc(r.id)}"${r.selected ? ' checked' : ''}>` +
        `<span class="rate-name">${esc(r.name)}${r.estimate ? `<span class="rate-eta">${esc(r.estimate)}</span>` : ''}</span>` +
        `<span class="rate-amt">${esc(formatAmount(r.amount, cur, view.locale))}</span></label>`,
    )
    .join('');
  return (
    `<section><h2>${esc(t.shippingMethod)}</h2><div class="rates" role="radiogroup" aria-label="${esc(t.shippingMethod)}">${radios}</div>` +
    `<button class="link js-hide" type="submit" name="action" value="select_shipping_rate" data-testid="shipping-rate-update">${esc(t.updateShipping)}</button></section>`
  );
}

function summaryHtml(view: PageView, pv: PricingView, o: RenderOptions, t: SummaryText): string {
  const s = view.session;
  const cur = s.currency ?? 'usd';
  const back = safeHref(s.cancel_url);
  const top =
    '<div class="top">' +
    (back ? `<a class="back" href="${esc(back)}" data-testid="business-link">&#8592; ${esc(t.back)}</a>` : '') +
    `<span class="badge">${esc(t.testMode)}</span></div>`;
  if (s.mode === 'setup') {
    return `${top}<p class="caption">${esc(t.setupCaption)}</p><p class="sub">${esc(t.setupSub)}</p>`;
  }
  const items = view.lineItems;
  const first = items[0];
  const rec = items.map(recurringOf).find((r) => r !== null) ?? null;
  const total = s.amount_total ?? items.reduce((n, i) => n + i.amount_total, 0);
  const caption =
    s.mode === 'subscription' && first ? fill(t.subscribeTo, { name: itemName(first, t) }) : items.length === 1 && first ? itemName(first, t) : t.payCaption;
  const subtotal = s.amount_subtotal ?? total;
  const trial = trialSummaryHtml(view, items.map((i) => itemHtml(i, view, t)).join(''), promotionCodeHtml(view, pv, o, t));
  if (trial) return top + trial;
  return (
    top +
    `<p class="caption">${esc(caption)}</p>` +
    `<p class="total-big" data-testid="product-summary-total-amount">${esc(formatAmount(total, cur, view.locale))}</p>` +
    `<p class="sub">${rec ? esc(intervalText(rec, PER, t)) : '&nbsp;'}</p>` +
    `<ul class="items">${items.map((i) => itemHtml(i, view, t)).join('')}</ul>` +
    optionalItemsHtml(view) +
    '<div class="totals">' +
    totalsRows(view, pv, o, subtotal, cur, t) +
    `<div class="row grand"><span>${esc(rec ? t.totalDueToday : t.totalDue)}</span><span data-testid="total-amount">${esc(formatAmount(total, cur, view.locale))}</span></div>` +
    '</div>'
  );
}

function stateAndPostal(prefix: 'billing' | 'shipping', o: RenderOptions, full: boolean, f: FormText): string {
  const v = o.values;
  const postal = input(`${prefix}PostalCode`, v[`${prefix}PostalCode`], `autocomplete="${prefix} postal-code" placeholder="${esc(full ? f.postalCode : f.zipOrPostal)}" aria-label="${esc(f.postalCode)}"`, o);
  const state = input(`${prefix}AdministrativeArea`, v[`${prefix}AdministrativeArea`], `autocomplete="${prefix} address-level1" placeholder="${esc(f.stateOrProvince)}" aria-label="${esc(f.state)}"`, o);
  return full ? `<div class="split"><div class="f-postal">${postal}</div><div class="f-state">${state}</div></div>` : `<div class="f-postal">${postal}</div>`;
}

function countrySelect(prefix: 'billing' | 'shipping', options: string, o: RenderOptions, f: FormText): string {
  const invalid = o.error?.field === `${prefix}Country` ? ' aria-invalid="true"' : '';
  return `<select class="in" id="${prefix}Country" name="${prefix}Country" autocomplete="${prefix} country" aria-label="${esc(f.countryOrRegion)}"${invalid}>${options}</select>`;
}

/** A full address block (name, country, lines, city, postal, state) in one bordered group. */
function fullAddress(prefix: 'billing' | 'shipping', options: string, o: RenderOptions, f: FormText): string {
  const v = o.values;
  return (
    `<div class="grp addr-${prefix} full">` +
    input(`${prefix}Name`, v[`${prefix}Name`], `autocomplete="${prefix} name" placeholder="${esc(f.fullName)}" aria-label="${esc(f.fullName)}"`, o) +
    countrySelect(prefix, options, o, f) +
    input(`${prefix}AddressLine1`, v[`${prefix}AddressLine1`], `autocomplete="${prefix} address-line1" placeholder="${esc(f.line1)}" aria-label="${esc(f.line1)}"`, o) +
    input(`${prefix}AddressLine2`, v[`${prefix}AddressLine2`], `autocomplete="${prefix} address-line2" placeholder="${esc(f.line2Optional)}" aria-label="${esc(f.line2)}"`, o) +
    input(`${prefix}Locality`, v[`${prefix}Locality`], `autocomplete="${prefix} address-level2" placeholder="${esc(f.city)}" aria-label="${esc(f.city)}"`, o) +
    stateAndPostal(prefix, o, true, f) +
    '</div>'
  );
}

function billingHtml(view: PageView, o: RenderOptions, f: FormText): string {
  const options = countryOptions(o.values.billingCountry ?? '', view.locale);
  if (view.session.billing_address_collection === 'required') {
    return `<section><h3>${esc(f.billingAddress)}</h3>${fullAddress('billing', options, o, f)}</section>`;
  }
  // Stripe's Payment Element asks for no cardholder name (the merchant's page may know it); the hosted page does.
  const name = o.element ? '' : `<div class="f">${input('billingName', o.values.billingName, `autocomplete="billing name" placeholder="${esc(f.nameOnCard)}"`, o, esc(f.cardholderName))}</div>`;
  return (
    `<section class="billing-auto">${name}` +
    `<div class="f"><span class="lbl">${esc(f.countryOrRegion)}</span><div class="grp addr-billing auto">${countrySelect('billing', options, o, f)}${stateAndPostal('billing', o, false, f)}</div></div></section>`
  );
}

function shippingHtml(view: PageView, o: RenderOptions, f: FormText): string {
  const allowed = view.session.shipping_address_collection?.allowed_countries;
  if (!allowed) return '';
  return `<section><h2>${esc(f.shippingInformation)}</h2>${customTextHtml(view, 'shipping_address')}${fullAddress('shipping', allowedCountryOptions(allowed, o.values.shippingCountry ?? '', view.locale), o, f)}</section>`;
}

function savedCardHtml(pm: SavedPaymentMethod, checked: boolean, f: FormText): string {
  const card = pm.card;
  const brand = card ? BRANDS[card.brand] ?? card.brand : pm.type;
  const exp = card ? `${String(card.exp_month).padStart(2, '0')}/${String(card.exp_year % 100).padStart(2, '0')}` : '';
  return (
    `<label class="saved" role="radio" aria-checked="${checked}" data-testid="saved-payment-method" data-payment-method="${esc(pm.id)}">` +
    `<input class="sr" type="radio" name="paymentMethod" value="${esc(pm.id)}"${checked ? ' checked' : ''}>` +
    `<span class="dot" aria-hidden="true"></span><span class="brand">${esc(brand)}</span>` +
    `<span><span class="sr">${esc(fill(f.endingIn, { brand, last4: card?.last4 ?? '' }))}</span><span aria-hidden="true">&bull;&bull;&bull;&bull; ${esc(card?.last4 ?? '')}</span></span>` +
    (exp ? `<span class="exp">${esc(fill(f.expires, { date: exp }))}</span>` : '') +
    '</label>'
  );
}

/** The session lets a signed-in buyer save what they type (not in setup mode, which always saves). */
function offersSave(view: PageView): boolean {
  const s = view.session;
  return s.saved_payment_method_options?.payment_method_save === 'enabled' && s.customer !== null && s.mode !== 'setup';
}

/** One accordion item per type the session offers; each type renders its own fields. */
function methodsHtml(view: PageView, o: RenderOptions, f: FormText): string {
  const saved = view.prefill.savedCards;
  const chosen = o.values.paymentMethod ?? '';
  const savedHtml = saved.length
    ? `<div class="saved-list" role="radiogroup" aria-label="${esc(f.savedCards)}">${saved.map((pm) => savedCardHtml(pm, pm.id === chosen, f)).join('')}</div>`
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
  return `<section><h2>${esc(f.paymentMethod)}</h2>${savedHtml}<div class="acc">${items}</div></section>`;
}

/**
 * The submit button's verb, the word alone as on Stripe's page (suites click the exact text
 * "Pay"): `submit_type` book / donate / subscribe, else the mode's verb; a subscription that
 * starts with a trial reads "Start trial"; setup mode reads "Save".
 */
function submitVerb(view: PageView, f: FormText): string {
  const s = view.session;
  if (s.mode === 'setup') return f.save;
  if (s.submit_type === 'donate') return f.donate;
  if (s.submit_type === 'book') return f.book;
  if (s.mode === 'subscription') return hasTrial(s) ? f.startTrial : f.subscribe;
  return s.submit_type === 'subscribe' ? f.subscribe : f.pay;
}

/** The address fields whose change reprices the page, and the button that does it without the script. */
function repriceControls(view: PageView, f: FormText): { attr: string; button: string } {
  const pricing = view.session._internal?.pricing;
  if (!pricing || !pricedByAddress(pricing)) return { attr: '', button: '' };
  const prefix = view.session.shipping_address_collection ? 'shipping' : 'billing';
  const fields = ['Country', 'PostalCode', 'AdministrativeArea'].map((f) => `${prefix}${f}`).join(' ');
  return {
    attr: ` data-reprice-on="${fields}"`,
    button: `<button class="link js-hide" type="submit" name="action" value="update_address" data-testid="update-address">${esc(f.calculateTax)}</button>`,
  };
}

/**
 * The Payment Element of an Elements session: the page's payment method fields and the card's
 * billing fields, in a form the merchant's `confirm()` fills (the email and shipping address
 * its page collected, the total it showed) and submits. A refusal is shown in the frame and told
 * to the merchant's page (`data-oc-error`, embed-script.ts).
 */
function renderPaymentElement(view: PageView, o: RenderOptions): string {
  const s = view.session;
  const f = textOf(FORM_TEXT, view.locale);
  const e = o.error;
  const alert = e ? `<div class="alert" role="alert" id="payment-error" data-testid="payment-error">${esc(e.message)}</div>` : '';
  const told = e ? `<div hidden data-oc-error="${esc(e.code)}" data-oc-message="${esc(e.message)}"${e.declineCode ? ` data-oc-decline="${esc(e.declineCode)}"` : ''}></div>` : '';
  const context = ELEMENT_CONTEXT_FIELDS.map((name) => `<input type="hidden" name="${name}" value="">`).join('');
  const form =
    `<form id="payment-form" method="post" action="/c/element/${esc(s.id)}" data-oc-element novalidate>` +
    `<input type="hidden" name="csrf_token" value="${esc(o.csrf)}">${context}` +
    (collectsPaymentMethod(s) ? methodsHtml(view, o, f) + billingHtml(view, o, f) : noPaymentMethodHtml(view)) +
    alert +
    '</form>';
  const style = `<style nonce="${o.nonce}">.element{max-width:none;padding:4px 2px}.element section h2{display:none}</style>`;
  return documentHtml(f.paymentMethod, o.nonce, `${style}<main class="element">${form}</main>${told}<script nonce="${o.nonce}">${EMBED_SCRIPT}</script>`, true, view.locale);
}

/**
 * An embedded form whose shipping details the merchant's server sets (`permissions.update_shipping_details:
 * server_only`): its script asks the merchant's page when the buyer enters an address
 * (embed-script.ts, docs/decisions.md#shipping-details-from-the-server). The address shown is
 * accepted when the session has shipping details already; a refusal without the merchant's own
 * message shows the page's.
 */
function serverShippingAttrs(view: PageView, o: RenderOptions): string {
  const s = view.session;
  if (!o.embed || s.permissions?.update_shipping_details !== 'server_only' || !s.shipping_address_collection) return '';
  const accepted = s.collected_information?.shipping_details ? ' data-oc-shipping-accepted' : '';
  return ` data-oc-shipping-server${accepted} data-oc-shipping-rejected="${esc(textOf(MESSAGE_TEXT, view.locale).shippingLine1)}"`;
}

/** The whole payment page of an open session. */
export function renderPaymentPage(view: PageView, o: RenderOptions): string {
  if (o.element) return renderPaymentElement(view, o);
  const s = view.session;
  const email = lockedEmail(view) !== null;
  const v = o.values;
  const t = textOf(SUMMARY_TEXT, view.locale);
  const f = textOf(FORM_TEXT, view.locale);
  const reprice = repriceControls(view, f);
  const pv = pricingView(view, t);
  const alert = o.error && o.error.field !== 'promotionCode' ? `<div class="alert" role="alert" id="payment-error" data-testid="payment-error">${esc(o.error.message)}</div>` : '';
  const phone = s.phone_number_collection?.enabled
    ? `<div class="f">${input('phoneNumber', v.phoneNumber, 'type="tel" autocomplete="tel" placeholder="(201) 555-0123"', o, esc(f.phoneNumber))}</div>`
    : '';
  const form =
    `<form id="payment-form" method="post" action="/c/${o.embed ? 'embed' : 'pay'}/${esc(s.id)}"${reprice.attr}${serverShippingAttrs(view, o)} novalidate>` +
    `<input type="hidden" name="csrf_token" value="${esc(o.csrf)}">` +
    // The total the buyer saw: a payment is refused if repricing (an address, a code) changed it.
    `<input type="hidden" name="expectedTotal" value="${esc(String(s.amount_total ?? ''))}">` +
    `<section><h2>${esc(f.contactInformation)}</h2><div class="f">${input('email', v.email, `type="email" autocomplete="email" placeholder="email@example.com"${email ? ' readonly' : ''}`, o, esc(f.email))}</div>${phone}${nameFieldsHtml(view, o)}${taxIdHtml(view, o)}${promotionsConsentHtml(view, o)}</section>` +
    shippingHtml(view, o, f) +
    shippingOptionsHtml(view, pv, s.currency ?? 'usd', t) +
    customFieldsHtml(view, o) +
    (collectsPaymentMethod(s) ? methodsHtml(view, o, f) + billingHtml(view, o, f) : noPaymentMethodHtml(view)) +
    reprice.button +
    termsConsentHtml(view, o) +
    customTextHtml(view, 'submit') +
    alert +
    // The verb alone in its own element, as Stripe's `.SubmitButton-Text--current`; the script shows "Processing…" from data-processing.
    `<button class="SubmitButton" type="submit" data-testid="hosted-payment-submit-button" data-processing="${esc(f.processing)}">` +
    `<span class="lbl-text SubmitButton-Text SubmitButton-Text--current">${esc(submitVerb(view, f))}</span></button>` +
    // No mandate to show when no payment method is collected (a free trial with if_required).
    ((s.mode === 'subscription' || s.mode === 'setup') && collectsPaymentMethod(s) && showsReuseAgreement(view) ? `<p class="fine">${esc(f.futureUse)}</p>` : '') +
    customTextHtml(view, 'after_submit') +
    `</form>${footHtml(view.locale)}`;
  // Enter in any field pays: the first submit button of the form in document order is this one,
  // ahead of the summary's promotion code button.
  const defaultButton = `<button class="sr" type="submit" form="payment-form" name="action" value="pay" tabindex="-1" aria-hidden="true">${esc(f.pay)}</button>`;
  const body = `${defaultButton}<div class="wrap"><aside class="summary"><div class="col">${summaryHtml(view, pv, o, t)}</div></aside><main class="pay"><div class="col">${form}</div></main></div>`;
  // In a frame, the page also speaks to the merchant's page around it (embed.ts).
  const embed = o.embed ? `<script nonce="${o.nonce}">${EMBED_SCRIPT}</script>` : '';
  return documentHtml(s.mode === 'setup' ? t.setupCaption : t.title, o.nonce, body + embed, true, view.locale);
}
