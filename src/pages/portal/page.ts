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
import type { ChangePreview, PlanChoice, PortalData } from './model.js';
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
  | { kind: 'confirm'; sub: Subscription; choice: PlanChoice; preview: ChangePreview }
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

/** A form posting one action, with the CSRF token. `fields` values are escaped here. */
function actionForm(csrf: string, action: string, fields: Record<string, string>, label: string, cls: string, testid: string): string {
  const hidden = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return `<form method="post"><input type="hidden" name="csrf_token" value="${esc(csrf)}"><input type="hidden" name="action" value="${esc(action)}">${hidden}<button class="b2 ${cls}" type="submit" data-testid="${esc(testid)}">${esc(label)}</button></form>`;
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
    if (canceling) lines.push(fill(t.cancelsOn, { date: formatDate(sub.cancel_at ?? 0, i.locale) }));
    else if (next) lines.push(fill(t.nextInvoice, { amount: formatAmount(next.amount, next.currency, i.locale), date: formatDate(next.date, i.locale) }));
    const acts: string[] = [];
    if (!canceling && f.subscription_update.enabled) acts.push(`<a class="b2" href="?view=update&amp;sub=${esc(sub.id)}" data-testid="update-plan">${esc(t.updatePlan)}</a>`);
    if (!canceling && f.subscription_cancel.enabled) acts.push(`<a class="b2" href="?view=cancel&amp;sub=${esc(sub.id)}" data-testid="cancel-subscription">${esc(t.cancel)}</a>`);
    if (canceling && f.subscription_cancel.enabled) acts.push(actionForm(i.csrf, 'renew', { subscription: sub.id }, t.renew, 'primary', 'renew-subscription'));
    return (
      `<div class="plan" data-testid="subscription" data-id="${esc(sub.id)}">` +
      `<div class="plan-name">${esc(productName(i, sub))}</div>` +
      (price ? `<div class="plan-price" data-testid="plan-price">${esc(priceText(price, item?.quantity ?? 1, i.locale))}</div>` : '') +
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

function billingHtml(i: PortalPageInput): string {
  const cu = i.data.config.features.customer_update;
  if (!cu.enabled) return '';
  const t = textOf(PORTAL_TEXT, i.locale);
  const c = i.data.customer;
  const a = c.address;
  const rows: Array<[string, string | null]> = [
    [t.name, c.name],
    [t.email, c.email],
    [t.phone, c.phone],
    [t.line1, a ? [a.line1, a.line2, a.city, a.state, a.postal_code, a.country].filter(Boolean).join(', ') : null],
  ];
  return (
    `<section class="sec" data-testid="billing-information"><h2>${esc(t.billingInfo)}</h2>` +
    rows
      .filter(([, v]) => v)
      .map(([k, v]) => `<div class="kv"><span class="muted">${esc(k)}</span><span>${esc(v)}</span></div>`)
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

function confirmHtml(i: PortalPageInput, sub: Subscription, choice: PlanChoice, p: ChangePreview): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const money = (n: number) => formatAmount(n, p.currency, i.locale);
  return (
    `<section class="sec" data-testid="confirm-view"><h1>${esc(t.confirmTitle)}</h1>${errorHtml(i.error)}` +
    `<div class="plan"><div class="plan-name">${esc(choice.productName)}</div><div class="plan-price">${esc(priceText(choice.price, sub.items.data[0]?.quantity ?? 1, i.locale))}</div></div>` +
    `<div class="kv"><span>${esc(t.proration)}</span><span data-testid="proration-amount" data-amount="${p.proration}">${esc(money(p.proration))}</span></div>` +
    `<div class="kv"><span>${esc(t.dueToday)}</span><span data-testid="due-today" data-amount="${p.dueToday}">${esc(money(p.dueToday))}</span></div>` +
    `<p class="muted" data-testid="next-invoice" data-amount="${p.next.amount}">${esc(fill(t.newNext, { amount: money(p.next.amount), date: formatDate(p.next.date, i.locale) }))}</p>` +
    `<form method="post"><input type="hidden" name="csrf_token" value="${esc(i.csrf)}"><input type="hidden" name="action" value="update"><input type="hidden" name="subscription" value="${esc(sub.id)}"><input type="hidden" name="price" value="${esc(choice.price.id)}"><input type="hidden" name="proration_date" value="${p.at}">` +
    `<div class="acts"><button class="b2 primary" type="submit" data-testid="confirm-update">${esc(t.confirm)}</button>${backLink(t)}</div></form></section>`
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

function detailsHtml(i: PortalPageInput): string {
  const t = textOf(PORTAL_TEXT, i.locale);
  const allowed = new Set(i.data.config.features.customer_update.allowed_updates);
  const c = i.data.customer;
  const a = c.address;
  const inp = (name: string, label: string, value: string | null | undefined, type = 'text') =>
    `<label class="fl" for="pf-${name}">${esc(label)}</label><input class="in" id="pf-${name}" name="${name}" type="${type}" value="${esc(value ?? '')}" data-testid="field-${name}">`;
  let body = '';
  if (allowed.has('name')) body += inp('name', t.name, c.name);
  if (allowed.has('email')) body += inp('email', t.email, c.email, 'email');
  if (allowed.has('phone')) body += inp('phone', t.phone, c.phone, 'tel');
  if (allowed.has('address')) {
    body +=
      `<label class="fl" for="pf-country">${esc(t.country)}</label><select class="in" id="pf-country" name="country">${countryOptions(a?.country ?? '', i.locale)}</select>` +
      inp('line1', t.line1, a?.line1) +
      inp('line2', t.line2, a?.line2) +
      inp('city', t.city, a?.city) +
      inp('state', t.state, a?.state) +
      inp('postal_code', t.postalCode, a?.postal_code);
  }
  return (
    `<section class="sec" data-testid="details-view"><h1>${esc(t.billingInfo)}</h1>${errorHtml(i.error)}` +
    `<form method="post"><input type="hidden" name="csrf_token" value="${esc(i.csrf)}"><input type="hidden" name="action" value="details">${body}` +
    `<div class="acts mt"><button class="b2 primary" type="submit" data-testid="save-details">${esc(t.save)}</button>${backLink(t)}</div></form></section>`
  );
}

function right(i: PortalPageInput): string {
  switch (i.view.kind) {
    case 'cancel':
      return cancelHtml(i, i.view.sub);
    case 'update':
      return updateHtml(i, i.view.sub, i.view.choices);
    case 'confirm':
      return confirmHtml(i, i.view.sub, i.view.choice, i.view.preview);
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
