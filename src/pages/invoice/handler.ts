/**
 * `/invoices/:id`: an invoice's `hosted_invoice_url` (docs/decisions.md#hosted-invoice-page). GET
 * shows the invoice — its lines, status, amount due and due date, the PDF link — and, while it is
 * open, a form per payment method type the invoice's currency takes (card, and a bank debit where
 * one fits) read through the payment-method seam; once paid, its receipt. POST pays it through the
 * Invoices service's `payInvoiceOnSession` (a 3D Secure card goes through `/c/3ds` and back), after
 * creating and attaching the payment method through the PaymentMethods service. The unguessable `in_` id is the credential, as on Stripe.
 */
import type { IncomingMessage } from 'node:http';
import { inTransaction, makeCtx, type Deps } from '../../api/context.js';
import { StripeError } from '../../api/errors.js';
import { readBody, type PathHandler } from '../../api/server.js';
import { bankTransferPath, DEFAULT_PAYMENT_METHOD_TYPE, findHostedPaymentMethodType, HOSTED_PAYMENT_METHOD_TYPES, hostedPaymentMethodType, type HostedPaymentMethodType } from '../../payment-method-types/index.js';
import { requireCustomer } from '../../resources/customers/service.js';
import { payInvoiceOnSession } from '../../resources/invoices/lifecycle.js';
import { waitingBankTransfer } from '../../resources/invoices/charge.js';
import type { Invoice } from '../../resources/invoices/service.js';
import { invoiceWithAccount } from '../../resources/invoices/store.js';
import { attachToCustomer, createPaymentMethodOfType } from '../../resources/payment-methods/service.js';
import { checkCsrf, csrfToken } from '../csrf.js';
import { esc } from '../escape.js';
import type { FormError } from '../form.js';
import { fill, formatDate, resolvePageLocale, textOf, type PageLocale } from '../i18n.js';
import { documentHtml, footHtml, noticeHtml, safeHref } from '../layout.js';
import { formatAmount } from '../money.js';
import { NOTICES } from '../notices.js';
import { answerFormPage, idFromPath, newNonce, type PageReply } from '../route.js';
import { INVOICE_TEXT } from './text.js';

const PATH = /^\/invoices\/(in_[A-Za-z0-9]{1,64})\/?$/;
const MAX_FORM_BYTES = 64 * 1024;

const CSS = `
.inv-page .summary{justify-content:flex-end}
.inv-page .col{max-width:460px}
.due-big{font-size:36px;font-weight:600;letter-spacing:-.02em;margin:4px 0}
.meta{color:#6b6b6b;font-size:14px;margin:2px 0}
.dl{display:inline-block;margin-top:18px;font-size:14px}
.lines{width:100%;border-collapse:collapse;font-size:14px;margin:0 0 12px}
.lines th{text-align:left;color:#6b6b6b;font-weight:500;border-bottom:1px solid #e0e0e0;padding:6px 0}
.lines td{padding:8px 0;border-bottom:1px solid #f0f0f0;vertical-align:top}
.lines .n{text-align:right;white-space:nowrap;padding-left:10px}
.kv{display:flex;justify-content:space-between;padding:6px 0;font-size:14px}
.kv.strong{font-weight:600;font-size:15px;border-top:1px solid #e0e0e0;padding-top:10px}
.payform{margin-top:22px;padding-top:18px;border-top:1px solid #ececec}
.payform h2{font-size:15px;margin:0 0 10px}
.payform .btn{margin-top:12px}
.err{color:#df1b41;font-size:14px;margin:0 0 12px}
.paybtn{margin-top:14px;width:100%;font:inherit;font-weight:600;padding:11px;border-radius:6px;border:0;background:#0570de;color:#fff;cursor:pointer}
.state{display:inline-block;font-size:12px;font-weight:600;border-radius:4px;padding:2px 8px;background:#e6e8eb}
.state.paid{background:#d7f7c2;color:#05690d}
.fl{display:block;font-size:13px;color:#6b6b6b;margin:10px 0 4px}
@media (max-width:820px){.inv-page.wrap{grid-template-columns:1fr}.inv-page .summary{border-right:0;border-bottom:1px solid #ececec;padding:24px 20px;justify-content:flex-start}.inv-page .pay{padding:24px 20px}}
`;

type Line = { description: string | null; quantity: number | null; amount: number };

/**
 * The types the page offers for an invoice: cards, and the reusable bank debits its currency
 * takes; only those its `payment_settings.payment_method_types` names, when it names some.
 */
function offeredTypes(inv: Invoice): HostedPaymentMethodType[] {
  const currency = inv.currency as string;
  const card = hostedPaymentMethodType(DEFAULT_PAYMENT_METHOD_TYPE);
  const debits = HOSTED_PAYMENT_METHOD_TYPES.filter((t) => t.settlement === 'delayed' && t.reusable && t.currencies !== null && t.currencies.includes(currency));
  const named = (inv.payment_settings as { payment_method_types: string[] | null } | undefined)?.payment_method_types;
  return [card, ...debits].filter((t) => !named || named.includes(t.type));
}

interface Render {
  inv: Invoice;
  /** The instructions page of the bank transfer the invoice waits for, if it does. */
  transferUrl?: string | null;
  locale: PageLocale;
  csrf: string;
  nonce: string;
  error?: { type: string; error: FormError } | undefined;
}

function pageHtml(r: Render): string {
  const t = textOf(INVOICE_TEXT, r.locale);
  const inv = r.inv;
  const cur = inv.currency as string;
  const money = (n: number) => formatAmount(n, cur, r.locale);
  const status = inv.status;
  const pdf = safeHref(inv.invoice_pdf as string | null);
  const paidAt = (inv.status_transitions as { paid_at: number | null }).paid_at;
  const head =
    '<div class="col">' +
    `<div class="top"><span class="merchant">${esc(fill(t.invoiceFrom, { merchant: String(inv.account_name ?? '') }))}</span><span class="badge">${esc(t.testMode)}</span></div>` +
    (status === 'paid'
      ? `<p class="caption" data-testid="receipt-heading">${esc(t.paidHeading)}</p><p class="due-big" data-testid="amount-paid">${esc(money(inv.amount_paid as number))}</p>` +
        (paidAt ? `<p class="meta">${esc(fill(t.paidOn, { date: formatDate(paidAt, r.locale) }))}</p>` : '')
      : `<p class="caption">${esc(t.amountDue)}</p><p class="due-big" data-testid="amount-due">${esc(money(inv.amount_remaining as number))}</p>` +
        (inv.due_date ? `<p class="meta" data-testid="due-date">${esc(fill(t.due, { date: formatDate(inv.due_date as number, r.locale) }))}</p>` : '')) +
    `<p class="meta">${esc(t.number)}: ${esc(String(inv.number ?? inv.id))} <span class="state ${esc(status)}" data-testid="invoice-status">${esc((t as Record<string, string>)[`status_${status}`] ?? status)}</span></p>` +
    (pdf ? `<a class="dl" href="${esc(pdf)}" data-testid="download-pdf">&darr; ${esc(status === 'paid' ? t.receipt : t.download)} (PDF)</a>` : '') +
    footHtml(r.locale) +
    '</div>';
  const lines = (inv.lines as { data: Line[] }).data
    .map((l) => `<tr data-testid="invoice-line"><td>${esc(l.description ?? '')}</td><td class="n">${esc(l.quantity ?? 1)}</td><td class="n">${esc(money(l.amount))}</td></tr>`)
    .join('');
  const discounts = (inv.total_discount_amounts as Array<{ amount: number }>).reduce((s, d) => s + d.amount, 0);
  const taxes = ((inv.total_taxes as Array<{ amount: number }> | undefined) ?? []).reduce((s, x) => s + x.amount, 0);
  const totals =
    `<div class="kv"><span>${esc(t.subtotal)}</span><span>${esc(money(inv.subtotal as number))}</span></div>` +
    (discounts ? `<div class="kv"><span>${esc(t.discount)}</span><span>-${esc(money(discounts))}</span></div>` : '') +
    (taxes ? `<div class="kv"><span>${esc(t.tax)}</span><span>${esc(money(taxes))}</span></div>` : '') +
    `<div class="kv strong"><span>${esc(t.total)}</span><span data-testid="invoice-total">${esc(money(inv.total as number))}</span></div>` +
    `<div class="kv"><span>${esc(t.amountPaid)}</span><span>${esc(money(inv.amount_paid as number))}</span></div>` +
    `<div class="kv strong"><span>${esc(t.amountDue)}</span><span>${esc(money(inv.amount_remaining as number))}</span></div>`;
  let pay = '';
  if (status === 'open' && (inv.amount_remaining as number) > 0) {
    pay = offeredTypes(inv)
      .map((type) => {
        const err = r.error?.type === type.type ? r.error.error : undefined;
        const label = type.page.label[r.locale];
        return (
          `<form method="post" class="payform" data-testid="pay-${esc(type.type)}"><h2>${esc(fill(t.payWith, { method: label }))}</h2>` +
          (err ? `<p class="err" role="alert" id="payment-error" data-testid="pay-error">${esc(err.message)}</p>` : '') +
          `<input type="hidden" name="csrf_token" value="${esc(r.csrf)}"><input type="hidden" name="pm_type" value="${esc(type.type)}">` +
          // A type that asks for a name of its own (an account holder) is not asked for another.
          (type.page.requiresBillingFields
            ? `<label class="fl" for="billingName-${esc(type.type)}">${esc(t.name)}</label><input class="in" id="billingName-${esc(type.type)}" name="billingName" value="${esc(String(inv.customer_name ?? ''))}" autocomplete="name">`
            : '') +
          type.page.render({ values: type.page.initial, error: err, offerSave: false, locale: r.locale }) +
          `<button class="paybtn" type="submit" data-testid="pay-button">${esc(fill(t.pay, { amount: money(inv.amount_remaining as number) }))}</button></form>`
        );
      })
      .join('');
    if (r.transferUrl) {
      pay =
        `<section class="payform" data-testid="pay-bank-transfer"><h2>${esc(t.bankTransfer)}</h2>` +
        `<p class="meta">${esc(fill(t.bankTransferText, { amount: money(inv.amount_remaining as number) }))}</p>` +
        `<a class="btn" href="${esc(r.transferUrl)}" data-testid="bank-transfer-instructions">${esc(t.bankTransferLink)}</a></section>` +
        pay;
    }
  } else if (status === 'void') {
    pay = `<p class="meta" data-testid="void-notice">${esc(t.voidHeading)}</p>`;
  } else if (status === 'uncollectible') {
    pay = `<p class="meta">${esc(t.uncollectible)}</p>`;
  }
  const body =
    `<style nonce="${r.nonce}">${CSS}</style>` +
    `<main class="wrap inv-page" data-testid="hosted-invoice" data-status="${esc(status)}"><div class="summary">${head}</div>` +
    `<div class="pay"><div class="col"><table class="lines"><thead><tr><th>${esc(t.description)}</th><th class="n">${esc(t.qty)}</th><th class="n">${esc(t.amount)}</th></tr></thead><tbody>${lines}</tbody></table>${totals}${pay}</div></div></main>`;
  return documentHtml(fill(t.title, { number: String(inv.number ?? inv.id) }), r.nonce, body, false, r.locale);
}

export function createInvoicePageHandler(deps: Deps): PathHandler {
  const localeOf = (req: IncomingMessage) => {
    const asked = new URL(req.url ?? '/', 'http://invoice.invalid').searchParams.get('locale');
    return resolvePageLocale(asked, req.headers['accept-language']);
  };
  const notice = (status: number, n: Parameters<typeof noticeHtml>[0]): PageReply => {
    const nonce = newNonce();
    return { status, nonce, html: noticeHtml(n, nonce) };
  };

  async function render(inv: Invoice, locale: PageLocale, status = 200, error?: Render['error'], account?: string): Promise<PageReply> {
    const nonce = newNonce();
    const waiting = account ? await waitingBankTransfer(makeCtx(deps, account, deps.store.reader ?? deps.store.db), inv) : null;
    const transferUrl = waiting ? `${deps.publicUrl()}${bankTransferPath(waiting.id)}` : null;
    return { status, nonce, html: pageHtml({ inv, locale, nonce, csrf: await csrfToken(deps.store.db, inv.id), error, transferUrl }) };
  }

  async function show(req: IncomingMessage, id: string): Promise<PageReply> {
    const locale = localeOf(req);
    const found = await invoiceWithAccount(deps.store.reader ?? deps.store.db, id);
    if (!found || found.invoice.status === 'draft') return notice(404, NOTICES.notFound(locale));
    // Back from a failed 3D Secure: the invoice is still open, the card form says why.
    const failed = new URL(req.url ?? '/', 'http://invoice.invalid').searchParams.get('redirect_status') === 'failed';
    if (failed && found.invoice.status === 'open') {
      const message = textOf(INVOICE_TEXT, locale).authenticationFailed;
      return render(found.invoice, locale, 200, { type: DEFAULT_PAYMENT_METHOD_TYPE, error: { code: 'payment_intent_authentication_failure', message, field: undefined } }, found.account);
    }
    return render(found.invoice, locale, 200, undefined, found.account);
  }

  async function submit(req: IncomingMessage, id: string, requestId: string): Promise<PageReply> {
    const locale = localeOf(req);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_FORM_BYTES);
    } catch {
      return { ...notice(413, NOTICES.tooLarge(locale)), close: true };
    }
    const body = new URLSearchParams(raw.toString('utf8'));
    const found = await invoiceWithAccount(deps.store.db, id);
    if (!found || found.invoice.status === 'draft') return notice(404, NOTICES.notFound(locale));
    if (!(await checkCsrf(deps.store.db, id, body.get('csrf_token')))) {
      deps.log.warn({ requestId, invoice: id }, 'hosted invoice post refused: bad CSRF token');
      return notice(403, NOTICES.forbidden(locale));
    }
    const { account, invoice } = found;
    if (invoice.status !== 'open') return render(invoice, locale, 409);
    const type = findHostedPaymentMethodType(body.get('pm_type') ?? '');
    if (!type || !offeredTypes(invoice).includes(type)) return notice(400, NOTICES.forbidden(locale));
    const entry = type.page.read(body, locale);
    if (!('params' in entry)) return render(invoice, locale, 400, { type: type.type, error: entry }, account);
    const name = (body.get('billingName') ?? '').trim().slice(0, 200) || entry.billingName;
    try {
      // The payment method is made and attached first (the invoice is charged off the customer's
      // attached methods), then the invoice is paid by the Invoices service.
      const pm = await inTransaction(
        deps,
        account,
        async (ctx) => {
          const customer = await requireCustomer(ctx, invoice.customer as string);
          const made = await createPaymentMethodOfType(ctx, type.type, entry.params, { billing_details: { ...(name ? { name } : {}), ...(invoice.customer_email ? { email: invoice.customer_email as string } : {}) } });
          return attachToCustomer(ctx, made, customer);
        },
        requestId,
      );
      const back = `${deps.publicUrl()}/invoices/${id}${req.url?.includes('?') ? `?${new URL(req.url, 'http://invoice.invalid').searchParams.toString()}` : ''}`;
      const answer = await inTransaction(deps, account, (ctx) => payInvoiceOnSession(ctx, id, pm.id, back), requestId);
      if (answer instanceof StripeError) {
        // A card asking for 3D Secure: the buyer authenticates on the test page, which pays the
        // invoice through its PaymentIntent and sends them back here (docs/decisions.md#hosted-invoice-page).
        const intent = (answer.body as { payment_intent?: { id: string; status: string } }).payment_intent;
        if (answer.body.code === 'invoice_payment_intent_requires_action' && intent?.status === 'requires_action') {
          deps.log.info({ requestId, invoice: id, payment_intent: intent.id }, 'hosted invoice payment waits for 3D Secure');
          return { status: 303, nonce: newNonce(), html: '', location: `${deps.publicUrl()}/c/3ds/${encodeURIComponent(intent.id)}` };
        }
        throw answer;
      }
    } catch (err) {
      if (!(err instanceof StripeError) || err.status >= 500) throw err;
      const b = err.body;
      deps.log.info({ requestId, invoice: id, error: b }, 'hosted invoice payment refused');
      const after = (await invoiceWithAccount(deps.store.db, id))?.invoice ?? invoice;
      return render(after, locale, err.status === 402 ? 402 : 400, { type: type.type, error: { code: b.code ?? 'invalid', message: b.message, field: undefined } }, account);
    }
    deps.log.info({ requestId, invoice: id }, 'invoice paid on the hosted invoice page');
    return { status: 303, nonce: newNonce(), html: '', location: `${deps.publicUrl()}/invoices/${id}` };
  }

  return async function invoicePage(req, res, requestId) {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const id = idFromPath(PATH, path);
    if (id === undefined) return false;
    return answerFormPage(deps, req, res, requestId, id, {
      show: (r, i) => show(r, i),
      submit: (r, i) => submit(r, i, requestId),
      notAllowed: (r) => notice(405, NOTICES.method(localeOf(r))),
      failed: (r) => notice(500, NOTICES.failed(requestId, localeOf(r))),
      logPath: '/invoices/:id',
      logMessage: 'hosted invoice page failed',
    });
  };
}
