/**
 * The customer portal's HTML (docs/decisions.md#customer-portal): Stripe's two columns — the
 * merchant and the way back on the left, the customer's billing on the right — server-rendered,
 * every merchant and customer string escaped, every form with the session's CSRF token.
 */
import { DEFAULT_PAYMENT_METHOD_TYPE, findHostedPaymentMethodType, hostedPaymentMethodType } from '../../payment-method-types/index.js';
import type { PortalConfiguration, PortalSession } from '../../resources/billing-portal/shape.js';
import type { Subscription } from '../../resources/subscriptions/service.js';
import { countryOptions } from '../countries.js';
import { esc } from '../escape.js';
import type { FormError } from '../form.js';
import { fill, formatDate, textOf, type PageLocale } from '../i18n.js';
import { documentHtml, footHtml, safeHref } from '../layout.js';
import { formatAmount } from '../money.js';
import type { ChangePreview, ChangeRequest, ChangeRules, PlanChoice, PortalData } from './model.js';
import { changeRules, pausable } from './model.js';
import { TAX_ID_VALUE_FIELD, taxIdFieldsHtml, taxIdTypeName, taxIdWords } from '../sections/tax-id.js';
import { PORTAL_TEXT } from './text.js';

/** The portal's own styles beside the hosted page's (same nonce). */
const PORTAL_CSS = `
.portal .summary{justify-content:flex-end}
.portal .pay{background:#fff}
.portal .col{max-width:520px}
.headline{font-size:20px;font-weight:600;margin:0 0 12px;overflow-wrap:anywhere}
.links{margin-top:40px;display:flex;gap:16px;font-size:13px;color:#6b6b6b}
.sec{margin:0 0 36px}
.sec h2{font-size:13px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:#6b6b6b;border-bottom:1px solid #ececec;padding-bottom:8px;margin:0 0 14px}
.sec h1{font-size:22px;margin:0 0 18px}
.plan{padding:4px 0 12px}
.plan+.plan{border-top:1px solid #ececec;padding-top:16px}
.plan-name{font-weight:600;font-size:17px}
.plan-price{font-size:15px;margin:2px 0}
.muted{color:#6b6b6b;font-size:14px;margin:4px 0}
.acts{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}
.acts form{margin:0}
.acts form.pause{display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.pause label{font-size:14px;color:#6b7280;white-space:nowrap}
.pause select{font:inherit;font-size:14px;padding:6px 8px;border-radius:6px;border:1px solid #d5d7da;background:#fff}
.b2{display:inline-block;font:inherit;font-size:14px;font-weight:500;padding:7px 14px;border-radius:6px;border:1px solid #d5d7da;background:#fff;color:#1a1a1a;text-decoration:none;cursor:pointer}
.b2:hover{background:#f4f5f6}
.b2.primary{background:#0570de;border-color:#0570de;color:#fff}
.b2.danger{background:#df1b41;border-color:#df1b41;color:#fff}
.pm{display:flex;align-items:center;gap:10px;padding:10px 0}
.pm+.pm{border-top:1px solid #f0f0f0}
.pm-main{flex:1}
.tag{font-size:11px;font-weight:600;background:#e6e8eb;border-radius:4px;padding:1px 6px;margin-left:6px}
.inv{display:flex;gap:12px;padding:8px 0;font-size:14px;align-items:center}
.inv+.inv{border-top:1px solid #f0f0f0}
.inv .d{flex:1}
.inv .st{font-size:12px;color:#6b6b6b;min-width:70px}
.choices{list-style:none;padding:0;margin:0}
.choice{display:flex;justify-content:space-between;align-items:center;gap:12px;border:1px solid #e0e0e0;border-radius:8px;padding:12px 14px;margin-bottom:10px}
.mt{margin-top:18px}
.reasons{border:0;padding:0;margin:16px 0}
.reasons label{display:flex;gap:8px;align-items:center;padding:6px 0;font-size:14px}
.kv{display:flex;justify-content:space-between;padding:8px 0;border-bottom:1px solid #f0f0f0;font-size:15px}
.err{color:#df1b41;font-size:14px;margin:0 0 12px}
.fl{display:block;font-size:13px;color:#6b6b6b;margin:10px 0 4px}
.sec h2.sub{margin-top:28px}
.locked{margin:0 0 4px;font-size:15px}
.adjust{margin:6px 0 14px}
.in.qty{max-width:120px}
@media (max-width:820px){.portal.wrap{grid-template-columns:1fr}.portal .summary{border-right:0;border-bottom:1px solid #ececec;padding:24px 20px;justify-content:flex-start}.portal .pay{padding:24px 20px}.links{margin-top:16px}}
`;

export interface PortalPageInput {
  data: PortalData;
  locale: PageLocale;
  csrf: string;
  nonce: string;
  /** What the right column shows: the home, or one flow's step. */
  view: PortalView;
  error?: FormError | undefined;
}

export type PortalView =
  | { kind: 'home' }
  | { kind: 'cancel'; sub: Subscription }
  | { kind: 'update'; sub: Subscription; choices: PlanChoice[] }
  | { kind: 'confirm'; sub: Subscription; choice: PlanChoice; preview: ChangePreview | null; request: ChangeRequest; rules: ChangeRules; refusal?: FormError }
  | { kind: 'card' }
  | { kind: 'details' };

const intervalKey = { day: 'perDay', week: 'perWeek', month: 'perMonth', year: 'perYear' } as const;

function priceText(price: { unit_amount: number | null; currency: string; recurring: { interval: 'day' | 'week' | 'month' | 'year' } | null }, quantity: number, locale: PageLocale): string {
  const t = textOf(PORTAL_TEXT, locale);
  const amount = formatAmount((price.unit_amount ?? 0) * quantity, price.currency, locale);
  return price.recurring ? fill(t[intervalKey[price.recurring.interval]], { amount }) : amount;
}

/** The name of a shown subscription's product. */
function productName(i: PortalPageInput, sub: Subscription): string {
  return i.data.subscriptions.find((s) => s.sub.id === sub.id)?.productName ?? '';
}

/**
 * A form posting one action, with the CSRF token. `fields` values are escaped here; `inputs` is
 * markup the caller built (and escaped) for what the customer chooses, shown before the button.
 */
function actionForm(csrf: string, action: string, fields: Record<string, string>, label: string, cls: string, testid: string, inputs?: { html: string; formClass: string }): string {
  const hidden = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const open = inputs ? `<form method="post" class="${esc(inputs.formClass)}">` : '<form method="post">';
  return `${open}<input type="hidden" name="csrf_token" value="${esc(csrf)}"><input type="hidden" name="action" value="${esc(action)}">${hidden}${inputs?.html ?? ''}<button class="b2 ${cls}" type="submit" data-testid="${esc(testid)}">${esc(label)}</button></form>`;
}

/** The pause action: one button when the pause is indefinite, else a choice of the configured lengths. */
function pauseForm(i: PortalPageInput, subscription: string): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const d = i.data.config.features.subscription_pause.duration;
  if (d.type !== 'interval_options') return actionForm(i.csrf, 'pause', { subscription }, t.pause, '', 'pause-subscription');
  // Each length in the buyer's language, by Intl's unit names ("2 months", "2 か月").
  const options = d.interval_options
    .map((o, n) => `<option value="${n}">${esc(new Intl.NumberFormat(i.locale, { style: 'unit', unit: o.interval, unitDisplay: 'long' }).format(o.interval_count))}</option>`)
    .join('');
  const choice = `<label for="pause-${esc(subscription)}">${esc(t.pauseLength)}</label><select id="pause-${esc(subscription)}" name="option" data-testid="pause-length">${options}</select>`;
  return actionForm(i.csrf, 'pause', { subscription }, t.pause, '', 'pause-subscription', { html: choice, formClass: 'pause' });
}

function returnHost(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

function left(session: PortalSession, config: PortalConfiguration, locale: PageLocale): string {
  const t = textOf(PORTAL_TEXT, locale);
  const back = safeHref(session.return_url);
  const host = returnHost(session.return_url);
  const bp = config.business_profile;
  const privacy = safeHref(bp.privacy_policy_url);
  const terms = safeHref(bp.terms_of_service_url);
  return (
    '<div class="col">' +
    (back ? `<a class="back" href="${esc(back)}" data-testid="return-link">&larr; ${esc(fill(t.returnTo, { merchant: host ?? back }))}</a>` : '') +
    `<div class="top mt"><span class="merchant">${esc(t.title)}</span><span class="badge">${esc(t.testMode)}</span></div>` +
    (bp.headline ? `<p class="headline" data-testid="headline">${esc(bp.headline)}</p>` : '') +
    '<div class="links">' +
    (terms ? `<a href="${esc(terms)}">${esc(t.terms)}</a>` : '') +
    (privacy ? `<a href="${esc(privacy)}">${esc(t.privacy)}</a>` : '') +
    '</div>' +
    footHtml(locale) +
    '</div>'
  );
}

function subscriptionsHtml(i: PortalPageInput): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const f = i.data.config.features;
  const rows = i.data.subscriptions.map(({ sub, next }) => {
    const item = sub.items.data[0];
    const price = item?.price as unknown as Parameters<typeof priceText>[0];
    const canceling = sub.cancel_at_period_end || sub.cancel_at !== null;
    const lines: string[] = [];
    if (sub.status === 'trialing' && sub.trial_end) lines.push(fill(t.trialEnds, { date: formatDate(sub.trial_end, i.locale) }));
    const paused = sub.pause_collection;
    if (paused) lines.push(paused.resumes_at ? fill(t.pausedUntil, { date: formatDate(paused.resumes_at, i.locale) }) : t.paused);
    if (canceling) lines.push(fill(t.cancelsOn, { date: formatDate(sub.cancel_at ?? 0, i.locale) }));
    else if (next) lines.push(fill(t.nextInvoice, { amount: formatAmount(next.amount, next.currency, i.locale), date: formatDate(next.date, i.locale) }));
    const acts: string[] = [];
    if (!canceling && f.subscription_update.enabled) {
      // With prices to choose among, the plan list; else straight to the change of the current plan (its quantity, a code).
      const current = (price as unknown as { id: string } | undefined)?.id ?? '';
      const rules = changeRules(i.data.config, current);
      const listed = f.subscription_update.products.some((p) => p.prices.includes(current));
      if (rules.price) acts.push(`<a class="b2" href="?view=update&amp;sub=${esc(sub.id)}" data-testid="update-plan">${esc(t.updatePlan)}</a>`);
      else if (listed && (rules.quantity || rules.promotionCode)) {
        acts.push(`<a class="b2" href="?view=confirm&amp;sub=${esc(sub.id)}&amp;price=${esc(current)}" data-testid="update-plan">${esc(t.updateSubscription)}</a>`);
      }
    }
    if (!canceling && f.subscription_cancel.enabled) acts.push(`<a class="b2" href="?view=cancel&amp;sub=${esc(sub.id)}" data-testid="cancel-subscription">${esc(t.cancel)}</a>`);
    if (canceling && f.subscription_cancel.enabled) acts.push(actionForm(i.csrf, 'renew', { subscription: sub.id }, t.renew, 'primary', 'renew-subscription'));
    if (f.subscription_pause.enabled && pausable(sub)) acts.push(pauseForm(i, sub.id));
    if (f.subscription_pause.enabled && paused) acts.push(actionForm(i.csrf, 'resume_payments', { subscription: sub.id }, t.resumePayments, 'primary', 'resume-payments'));
    return (
      `<div class="plan" data-testid="subscription" data-id="${esc(sub.id)}">` +
      `<div class="plan-name">${esc(productName(i, sub))}</div>` +
      (price ? `<div class="plan-price" data-testid="plan-price">${esc(priceText(price, item?.quantity ?? 1, i.locale))}</div>` : '') +
      ((item?.quantity ?? 1) !== 1 ? `<p class="muted" data-testid="plan-quantity">${esc(fill(t.quantityIs, { quantity: item?.quantity ?? 1 }))}</p>` : '') +
      lines.map((l) => `<p class="muted" data-testid="subscription-note">${esc(l)}</p>`).join('') +
      (acts.length ? `<div class="acts">${acts.join('')}</div>` : '') +
      '</div>'
    );
  });
  return `<section class="sec"><h2>${esc(t.subscriptions)}</h2>${rows.length ? rows.join('') : `<p class="muted">${esc(t.noSubscriptions)}</p>`}</section>`;
}

function paymentMethodsHtml(i: PortalPageInput): string {
  if (!i.data.config.features.payment_method_update.enabled) return '';
  const t = textOf(PORTAL_TEXT, i.locale);
  const def = i.data.customer.invoice_settings.default_payment_method;
  const rows = i.data.paymentMethods.map((pm) => {
    const card = (pm as unknown as Record<string, unknown>)[pm.type] as { brand?: string; last4?: string; exp_month?: number; exp_year?: number } | undefined;
    const label = `${card?.brand ? card.brand.toUpperCase() : (findHostedPaymentMethodType(pm.type)?.page.label[i.locale] ?? pm.type)} •••• ${card?.last4 ?? ''}`;
    const exp = card?.exp_month ? fill(t.expires, { date: `${String(card.exp_month).padStart(2, '0')}/${card.exp_year ?? ''}` }) : '';
    const isDef = pm.id === def;
    return (
      `<div class="pm" data-testid="payment-method" data-id="${esc(pm.id)}"><div class="pm-main">${esc(label)}${isDef ? `<span class="tag" data-testid="default-tag">${esc(t.isDefault)}</span>` : ''}` +
      (exp ? `<div class="muted">${esc(exp)}</div>` : '') +
      '</div>' +
      (isDef ? '' : actionForm(i.csrf, 'set_default', { payment_method: pm.id }, t.makeDefault, '', 'make-default')) +
      actionForm(i.csrf, 'remove', { payment_method: pm.id }, t.remove, '', 'remove-payment-method') +
      '</div>'
    );
  });
  return `<section class="sec"><h2>${esc(t.paymentMethods)}</h2>${rows.join('')}<div class="acts"><a class="b2" href="?view=card" data-testid="add-payment-method">+ ${esc(t.addCard)}</a></div></section>`;
}

const addressLine = (a: { line1: string | null; line2: string | null; city: string | null; state: string | null; postal_code: string | null; country: string | null } | null | undefined): string | null =>
  a ? [a.line1, a.line2, a.city, a.state, a.postal_code, a.country].filter(Boolean).join(', ') || null : null;

function billingHtml(i: PortalPageInput): string {
  const cu = i.data.config.features.customer_update;
  if (!cu.enabled) return '';
  const t = textOf(PORTAL_TEXT, i.locale);
  const c = i.data.customer;
  const ship = c.shipping;
  const rows: Array<[string, string | null, string]> = [
    [t.name, c.name, 'name'],
    [t.email, c.email, 'email'],
    [t.phone, c.phone, 'phone'],
    [t.line1, addressLine(c.address), 'address'],
    [t.shipping, ship ? [ship.name, addressLine(ship.address)].filter(Boolean).join(', ') : null, 'shipping'],
    ...i.data.taxIds.map((x): [string, string, string] => [taxIdTypeName(x.type, i.locale), x.value, 'tax-id']),
  ];
  return (
    `<section class="sec" data-testid="billing-information"><h2>${esc(t.billingInfo)}</h2>` +
    rows
      .filter(([, v]) => v)
      .map(([k, v, id]) => `<div class="kv" data-testid="billing-${id}"><span class="muted">${esc(k)}</span><span>${esc(v)}</span></div>`)
      .join('') +
    `<div class="acts"><a class="b2" href="?view=details" data-testid="update-information">${esc(t.updateInfo)}</a></div></section>`
  );
}

function invoicesHtml(i: PortalPageInput): string {
  if (!i.data.config.features.invoice_history.enabled) return '';
  const t = textOf(PORTAL_TEXT, i.locale);
  const statusText = (s: string) => (t as Record<string, string>)[`status_${s}`] ?? s;
  const rows = i.data.invoices.map((inv) => {
    const href = safeHref(inv.hosted_invoice_url as string | null);
    const date = formatDate((inv.effective_at as number | null) ?? (inv.created as number), i.locale);
    const amount = formatAmount(inv.total as number, inv.currency as string, i.locale);
    const inner = `<span class="d">${esc(date)}</span><span>${esc(amount)}</span><span class="st">${esc(statusText(inv.status as string))}</span>`;
    return href ? `<a class="inv" href="${esc(href)}" data-testid="invoice-row">${inner}</a>` : `<div class="inv" data-testid="invoice-row">${inner}</div>`;
  });
  return `<section class="sec"><h2>${esc(t.invoiceHistory)}</h2>${rows.length ? rows.join('') : `<p class="muted">${esc(t.noInvoices)}</p>`}</section>`;
}

function errorHtml(e: FormError | undefined): string {
  return e ? `<p class="err" role="alert" id="payment-error" data-testid="portal-error">${esc(e.message)}</p>` : '';
}

function backLink(t: Record<string, string>): string {
  return `<a class="b2" href="?view=home" data-testid="go-back">${esc(t.goBack as string)}</a>`;
}

function cancelHtml(i: PortalPageInput, sub: Subscription): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const sc = i.data.config.features.subscription_cancel;
  const text = sc.mode === 'at_period_end' ? fill(t.cancelAtEnd, { date: formatDate(sub.items.data[0]?.current_period_end ?? 0, i.locale) }) : t.cancelNow;
  const reasons = sc.cancellation_reason.enabled
    ? `<fieldset class="reasons"><legend class="fl">${esc(t.reasonQuestion)}</legend>` +
      sc.cancellation_reason.options.map((o) => `<label><input type="radio" name="reason" value="${esc(o)}" data-testid="reason-${esc(o)}"> ${esc((t as Record<string, string>)[`reason_${o}`] ?? o)}</label>`).join('') +
      '</fieldset>'
    : '';
  return (
    `<section class="sec" data-testid="cancel-view"><h1>${esc(t.cancelTitle)}</h1>${errorHtml(i.error)}` +
    `<div class="plan"><div class="plan-name">${esc(productName(i, sub))}</div><p class="muted" data-testid="cancel-text">${esc(text)}</p></div>` +
    `<form method="post"><input type="hidden" name="csrf_token" value="${esc(i.csrf)}"><input type="hidden" name="action" value="cancel"><input type="hidden" name="subscription" value="${esc(sub.id)}">` +
    reasons +
    `<div class="acts"><button class="b2 danger" type="submit" data-testid="confirm-cancel">${esc(t.cancel)}</button>${backLink(t)}</div></form></section>`
  );
}

function updateHtml(i: PortalPageInput, sub: Subscription, choices: PlanChoice[]): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const current = (sub.items.data[0]?.price as unknown as { id: string } | undefined)?.id;
  const rows = choices.map(({ price, productName: name }) => {
    const isCurrent = price.id === current;
    return (
      `<li class="choice" data-testid="plan-choice" data-price="${esc(price.id)}"><div><div class="plan-name">${esc(name)}${price.nickname ? ` · ${esc(price.nickname)}` : ''}</div>` +
      `<div class="plan-price">${esc(priceText(price, 1, i.locale))}</div></div>` +
      (isCurrent ? `<span class="tag">${esc(t.currentPlan)}</span>` : `<a class="b2 primary" href="?view=confirm&amp;sub=${esc(sub.id)}&amp;price=${esc(price.id)}" data-testid="select-plan">${esc(t.select)}</a>`) +
      '</li>'
    );
  });
  return `<section class="sec" data-testid="update-view"><h1>${esc(t.choosePlan)}</h1>${errorHtml(i.error)}<ul class="choices">${rows.join('')}</ul><div class="acts">${backLink(t)}</div></section>`;
}

/** A refusal in the customer's language where the portal words it itself (quantity, code, tax ID), else the service's message. */
function refusalText(e: FormError, locale: PageLocale, rules?: ChangeRules): string {
  const t = textOf(PORTAL_TEXT, locale);
  if (e.field === 'quantity' && rules?.quantity) {
    const q = rules.quantity;
    return q.max !== null ? fill(t.quantityRange, { min: q.min, max: q.max }) : fill(t.quantityMin, { min: q.min });
  }
  if (e.field?.includes('promotion_code')) return t.promoInvalid;
  if (e.field === TAX_ID_VALUE_FIELD && e.code === 'tax_id_invalid') return taxIdWords(locale).invalid;
  return e.message;
}

function refusalHtml(e: FormError | undefined, locale: PageLocale, rules?: ChangeRules): string {
  return e ? `<p class="err" role="alert" id="payment-error" data-testid="portal-error">${esc(refusalText(e, locale, rules))}</p>` : '';
}

function confirmHtml(i: PortalPageInput, v: Extract<PortalView, { kind: 'confirm' }>): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const { sub, choice, preview: p, request, rules } = v;
  const item = sub.items.data[0];
  const quantity = request.quantity ?? item?.quantity ?? 1;
  const code = request.promotionCode ?? '';
  const money = (n: number) => formatAmount(n, p?.currency ?? choice.price.currency, i.locale);
  const error = v.refusal ?? i.error;
  const hidden = (fields: Record<string, string>) =>
    Object.entries(fields)
      .map(([k, val]) => `<input type="hidden" name="${esc(k)}" value="${esc(val)}">`)
      .join('');
  // Quantity and code are chosen on this step; "Apply" previews again (a GET: nothing changes until Confirm).
  const q = rules.quantity;
  const adjust =
    q || rules.promotionCode
      ? `<form method="get" class="adjust" data-testid="adjust-form">${hidden({ view: 'confirm', sub: sub.id, price: choice.price.id })}` +
        (q
          ? `<label class="fl" for="pf-quantity">${esc(t.quantity)}</label><input class="in qty" id="pf-quantity" name="quantity" type="number" inputmode="numeric" min="${q.min}"${q.max !== null ? ` max="${q.max}"` : ''} value="${quantity}" data-testid="field-quantity"${error?.field === 'quantity' ? ' aria-invalid="true" aria-describedby="payment-error"' : ''}>`
          : hidden({ quantity: String(quantity) })) +
        (rules.promotionCode
          ? `<label class="fl" for="pf-promotion_code">${esc(t.promoCode)}</label><input class="in" id="pf-promotion_code" name="promotion_code" value="${esc(code)}" autocomplete="off" data-testid="field-promotion_code"${error?.field?.includes('promotion_code') ? ' aria-invalid="true" aria-describedby="payment-error"' : ''}>`
          : '') +
        `<div class="acts"><button class="b2" type="submit" data-testid="apply-change">${esc(t.apply)}</button></div></form>`
      : '';
  const summary = p
    ? `<div class="kv"><span>${esc(t.proration)}</span><span data-testid="proration-amount" data-amount="${p.proration}">${esc(money(p.proration))}</span></div>` +
      `<div class="kv"><span>${esc(t.dueToday)}</span><span data-testid="due-today" data-amount="${p.dueToday}">${esc(money(p.dueToday))}</span></div>` +
      (code ? `<p class="muted" data-testid="promotion-applied">${esc(fill(t.promoApplied, { code: code.toUpperCase() }))}</p>` : '') +
      (p.discounts.length ? `<p class="muted" data-testid="discounts-applied">${esc(fill(t.discountsLine, { names: p.discounts.join(', ') }))}</p>` : '') +
      `<p class="muted" data-testid="next-invoice" data-amount="${p.next.amount}">${esc(fill(t.newNext, { amount: money(p.next.amount), date: formatDate(p.next.date, i.locale) }))}</p>`
    : '';
  const confirm = p
    ? `<form method="post">${hidden({ csrf_token: i.csrf, action: 'update', subscription: sub.id, price: choice.price.id, quantity: String(quantity), promotion_code: code, proration_date: String(p.at) })}` +
      `<div class="acts mt"><button class="b2 primary" type="submit" data-testid="confirm-update">${esc(t.confirm)}</button>${backLink(t)}</div></form>`
    : `<div class="acts mt">${backLink(t)}</div>`;
  return (
    `<section class="sec" data-testid="confirm-view"><h1>${esc(t.confirmTitle)}</h1>${refusalHtml(error, i.locale, rules)}` +
    `<div class="plan"><div class="plan-name">${esc(choice.productName)}</div><div class="plan-price" data-testid="confirm-price">${esc(priceText(choice.price, quantity, i.locale))}</div>` +
    (quantity !== 1 ? `<p class="muted">${esc(fill(t.quantityIs, { quantity }))}</p>` : '') +
    '</div>' +
    adjust +
    summary +
    confirm +
    '</section>'
  );
}

function cardHtml(i: PortalPageInput): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const type = hostedPaymentMethodType(DEFAULT_PAYMENT_METHOD_TYPE);
  return (
    `<section class="sec" data-testid="card-view"><h1>${esc(t.addCard)}</h1>${errorHtml(i.error)}` +
    `<form method="post"><input type="hidden" name="csrf_token" value="${esc(i.csrf)}"><input type="hidden" name="action" value="add_card">` +
    type.page.render({ values: type.page.initial, error: i.error, offerSave: false, locale: i.locale }) +
    `<div class="acts mt"><button class="b2 primary" type="submit" data-testid="add-card">${esc(t.add)}</button>${backLink(t)}</div></form></section>`
  );
}

/** An address's fields; with no address yet the country starts empty, so an untouched address is not saved. */
function addressFields(t: Readonly<Record<string, string>>, locale: PageLocale, prefix: string, a: { line1: string | null; line2: string | null; city: string | null; state: string | null; postal_code: string | null; country: string | null } | null | undefined): string {
  const inp = (name: string, label: string, value: string | null | undefined) =>
    `<label class="fl" for="pf-${prefix}${name}">${esc(label)}</label><input class="in" id="pf-${prefix}${name}" name="${prefix}${name}" value="${esc(value ?? '')}" data-testid="field-${prefix}${name}">`;
  return (
    `<label class="fl" for="pf-${prefix}country">${esc(t.country as string)}</label><select class="in" id="pf-${prefix}country" name="${prefix}country" data-testid="field-${prefix}country">${a?.country ? '' : '<option value="" selected></option>'}${countryOptions(a?.country ?? '', locale)}</select>` +
    inp('line1', t.line1 as string, a?.line1) +
    inp('line2', t.line2 as string, a?.line2) +
    inp('city', t.city as string, a?.city) +
    inp('state', t.state as string, a?.state) +
    inp('postal_code', t.postalCode as string, a?.postal_code)
  );
}

/** The customer's tax IDs, each with a form that removes it, and a form that adds one (`tax_id` among `allowed_updates`). */
function taxIdsHtml(i: PortalPageInput): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const rows = i.data.taxIds.map(
    (x) =>
      `<div class="pm" data-testid="tax-id-row" data-id="${esc(x.id)}"><div class="pm-main">${esc(x.value)}<div class="muted">${esc(taxIdTypeName(x.type, i.locale))}</div></div>` +
      actionForm(i.csrf, 'remove_tax_id', { tax_id: x.id }, t.remove, '', 'remove-tax-id') +
      '</div>',
  );
  const taxError = i.error?.field === TAX_ID_VALUE_FIELD ? i.error : undefined;
  return (
    `<section class="sec mt" data-testid="tax-ids"><h2>${esc(taxIdWords(i.locale).label)}</h2>${rows.join('')}` +
    `<form method="post" class="mt"><input type="hidden" name="csrf_token" value="${esc(i.csrf)}"><input type="hidden" name="action" value="add_tax_id">` +
    taxIdFieldsHtml(i.locale, { values: {}, error: taxError, required: true, unlabelled: true }) +
    `<div class="acts"><button class="b2" type="submit" data-testid="add-tax-id">${esc(t.addTaxId)}</button></div></form></section>`
  );
}

function detailsHtml(i: PortalPageInput): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const allowed = new Set(i.data.config.features.customer_update.allowed_updates);
  const c = i.data.customer;
  const inp = (name: string, label: string, value: string | null | undefined, type = 'text') =>
    `<label class="fl" for="pf-${name}">${esc(label)}</label><input class="in" id="pf-${name}" name="${name}" type="${type}" value="${esc(value ?? '')}" data-testid="field-${name}">`;
  let body = '';
  if (allowed.has('name')) body += inp('name', t.name, c.name);
  if (allowed.has('email')) {
    body += i.data.emailLocked
      ? `<label class="fl">${esc(t.email)}</label><p class="locked" data-testid="email-locked">${esc(c.email ?? '')}</p>`
      : inp('email', t.email, c.email, 'email');
  }
  if (allowed.has('phone')) body += inp('phone', t.phone, c.phone, 'tel');
  if (allowed.has('address')) body += addressFields(t, i.locale, '', c.address);
  if (allowed.has('shipping')) {
    body += `<h2 class="sub">${esc(t.shipping)}</h2>` + inp('shipping_name', t.name, c.shipping?.name ?? c.name) + addressFields(t, i.locale, 'shipping_', c.shipping?.address);
  }
  return (
    `<section class="sec" data-testid="details-view"><h1>${esc(t.billingInfo)}</h1>${refusalHtml(i.error, i.locale)}` +
    `<form method="post"><input type="hidden" name="csrf_token" value="${esc(i.csrf)}"><input type="hidden" name="action" value="details">${body}` +
    `<div class="acts mt"><button class="b2 primary" type="submit" data-testid="save-details">${esc(t.save)}</button>${backLink(t)}</div></form></section>` +
    (allowed.has('tax_id') ? taxIdsHtml(i) : '')
  );
}

function right(i: PortalPageInput): string {
  switch (i.view.kind) {
    case 'cancel':
      return cancelHtml(i, i.view.sub);
    case 'update':
      return updateHtml(i, i.view.sub, i.view.choices);
    case 'confirm':
      return confirmHtml(i, i.view);
    case 'card':
      return cardHtml(i);
    case 'details':
      return detailsHtml(i);
    case 'home':
      return errorHtml(i.error) + subscriptionsHtml(i) + paymentMethodsHtml(i) + billingHtml(i) + invoicesHtml(i);
  }
}

/** The whole portal page. */
export function portalHtml(i: PortalPageInput): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const body =
    `<style nonce="${i.nonce}">${PORTAL_CSS}</style>` +
    `<main class="wrap portal" data-testid="customer-portal" data-view="${i.view.kind}"><div class="summary">${left(i.data.session, i.data.config, i.locale)}</div>` +
    `<div class="pay"><div class="col">${right(i)}</div></div></main>`;
  return documentHtml(t.title, i.nonce, body, false, i.locale);
}
