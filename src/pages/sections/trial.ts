/**
 * The order summary of a subscription that starts with a free trial
 * (docs/decisions.md#subscription-data-from-checkout), as Stripe's page shows it: "Try <plan>",
 * "14 days free", then what each period costs after the trial, and "Total due today" of 0. When
 * the session collects no payment method (`payment_method_collection: if_required`), the form
 * says so in place of the payment method fields.
 */
import { hasTrial, trialDays } from '../../checkout/first-period.js';
import type { LineItem } from '../../resources/checkout-sessions/shape.js';
import { esc } from '../escape.js';
import { fill, textOf, type Catalog } from '../i18n.js';
import type { PageView } from '../load.js';
import { formatAmount } from '../money.js';

const en = {
  tryName: 'Try {name}',
  dayFree: '1 day free',
  daysFree: '{days} days free',
  thenDay: 'Then {amount} per day',
  thenDays: 'Then {amount} every {count} days',
  thenWeek: 'Then {amount} per week',
  thenWeeks: 'Then {amount} every {count} weeks',
  thenMonth: 'Then {amount} per month',
  thenMonths: 'Then {amount} every {count} months',
  thenYear: 'Then {amount} per year',
  thenYears: 'Then {amount} every {count} years',
  totalAfterTrial: 'Total after trial',
  dueToday: 'Total due today',
  noPaymentMethod: 'No payment method is needed to start your trial.',
};

type Key = keyof typeof en;

const TRIAL_TEXT: Catalog<Key> = {
  en,
  ja: {
    tryName: '{name}をお試し',
    dayFree: '1日間無料',
    daysFree: '{days}日間無料',
    thenDay: 'その後は1日あたり{amount}',
    thenDays: 'その後は{count}日ごとに{amount}',
    thenWeek: 'その後は毎週{amount}',
    thenWeeks: 'その後は{count}週間ごとに{amount}',
    thenMonth: 'その後は毎月{amount}',
    thenMonths: 'その後は{count}か月ごとに{amount}',
    thenYear: 'その後は毎年{amount}',
    thenYears: 'その後は{count}年ごとに{amount}',
    totalAfterTrial: 'トライアル終了後の合計',
    dueToday: '本日のお支払い金額',
    noPaymentMethod: 'トライアルを始めるのにお支払い方法は必要ありません。',
  },
  fr: {
    tryName: 'Essayer {name}',
    dayFree: '1 jour gratuit',
    daysFree: '{days} jours gratuits',
    thenDay: 'Puis {amount} par jour',
    thenDays: 'Puis {amount} tous les {count} jours',
    thenWeek: 'Puis {amount} par semaine',
    thenWeeks: 'Puis {amount} toutes les {count} semaines',
    thenMonth: 'Puis {amount} par mois',
    thenMonths: 'Puis {amount} tous les {count} mois',
    thenYear: 'Puis {amount} par an',
    thenYears: 'Puis {amount} tous les {count} ans',
    totalAfterTrial: "Total après la période d'essai",
    dueToday: "Total dû aujourd'hui",
    noPaymentMethod: "Aucun moyen de paiement n'est nécessaire pour commencer votre essai.",
  },
  de: {
    tryName: '{name} testen',
    dayFree: '1 Tag kostenlos',
    daysFree: '{days} Tage kostenlos',
    thenDay: 'Danach {amount} pro Tag',
    thenDays: 'Danach {amount} alle {count} Tage',
    thenWeek: 'Danach {amount} pro Woche',
    thenWeeks: 'Danach {amount} alle {count} Wochen',
    thenMonth: 'Danach {amount} pro Monat',
    thenMonths: 'Danach {amount} alle {count} Monate',
    thenYear: 'Danach {amount} pro Jahr',
    thenYears: 'Danach {amount} alle {count} Jahre',
    totalAfterTrial: 'Gesamtbetrag nach dem Testzeitraum',
    dueToday: 'Heute fällig',
    noPaymentMethod: 'Zum Starten des Testzeitraums ist keine Zahlungsmethode nötig.',
  },
  es: {
    tryName: 'Prueba {name}',
    dayFree: '1 día gratis',
    daysFree: '{days} días gratis',
    thenDay: 'Después, {amount} al día',
    thenDays: 'Después, {amount} cada {count} días',
    thenWeek: 'Después, {amount} a la semana',
    thenWeeks: 'Después, {amount} cada {count} semanas',
    thenMonth: 'Después, {amount} al mes',
    thenMonths: 'Después, {amount} cada {count} meses',
    thenYear: 'Después, {amount} al año',
    thenYears: 'Después, {amount} cada {count} años',
    totalAfterTrial: 'Total tras la prueba',
    dueToday: 'Total a pagar hoy',
    noPaymentMethod: 'No necesitas ningún método de pago para empezar la prueba.',
  },
  it: {
    tryName: 'Prova {name}',
    dayFree: '1 giorno gratis',
    daysFree: '{days} giorni gratis',
    thenDay: 'Poi {amount} al giorno',
    thenDays: 'Poi {amount} ogni {count} giorni',
    thenWeek: 'Poi {amount} a settimana',
    thenWeeks: 'Poi {amount} ogni {count} settimane',
    thenMonth: 'Poi {amount} al mese',
    thenMonths: 'Poi {amount} ogni {count} mesi',
    thenYear: "Poi {amount} all'anno",
    thenYears: 'Poi {amount} ogni {count} anni',
    totalAfterTrial: 'Totale dopo la prova',
    dueToday: 'Totale dovuto oggi',
    noPaymentMethod: 'Non serve alcun metodo di pagamento per iniziare la prova.',
  },
  nl: {
    tryName: 'Probeer {name}',
    dayFree: '1 dag gratis',
    daysFree: '{days} dagen gratis',
    thenDay: 'Daarna {amount} per dag',
    thenDays: 'Daarna {amount} elke {count} dagen',
    thenWeek: 'Daarna {amount} per week',
    thenWeeks: 'Daarna {amount} elke {count} weken',
    thenMonth: 'Daarna {amount} per maand',
    thenMonths: 'Daarna {amount} elke {count} maanden',
    thenYear: 'Daarna {amount} per jaar',
    thenYears: 'Daarna {amount} elke {count} jaar',
    totalAfterTrial: 'Totaal na proefperiode',
    dueToday: 'Vandaag te betalen',
    noPaymentMethod: 'Je hebt geen betaalmethode nodig om je proefperiode te starten.',
  },
  pt: {
    tryName: 'Experimente {name}',
    dayFree: '1 dia grátis',
    daysFree: '{days} dias grátis',
    thenDay: 'Depois, {amount} por dia',
    thenDays: 'Depois, {amount} a cada {count} dias',
    thenWeek: 'Depois, {amount} por semana',
    thenWeeks: 'Depois, {amount} a cada {count} semanas',
    thenMonth: 'Depois, {amount} por mês',
    thenMonths: 'Depois, {amount} a cada {count} meses',
    thenYear: 'Depois, {amount} por ano',
    thenYears: 'Depois, {amount} a cada {count} anos',
    totalAfterTrial: 'Total após o período de teste',
    dueToday: 'Total devido hoje',
    noPaymentMethod: 'Não é necessário um método de pagamento para iniciar o período de teste.',
  },
  zh: {
    tryName: '试用{name}',
    dayFree: '免费 1 天',
    daysFree: '免费 {days} 天',
    thenDay: '之后每天 {amount}',
    thenDays: '之后每 {count} 天 {amount}',
    thenWeek: '之后每周 {amount}',
    thenWeeks: '之后每 {count} 周 {amount}',
    thenMonth: '之后每月 {amount}',
    thenMonths: '之后每 {count} 个月 {amount}',
    thenYear: '之后每年 {amount}',
    thenYears: '之后每 {count} 年 {amount}',
    totalAfterTrial: '试用期结束后合计',
    dueToday: '今日应付总额',
    noPaymentMethod: '开始试用无需提供付款方式。',
  },
  ko: {
    tryName: '{name} 체험하기',
    dayFree: '1일 무료',
    daysFree: '{days}일 무료',
    thenDay: '이후 매일 {amount}',
    thenDays: '이후 {count}일마다 {amount}',
    thenWeek: '이후 매주 {amount}',
    thenWeeks: '이후 {count}주마다 {amount}',
    thenMonth: '이후 매월 {amount}',
    thenMonths: '이후 {count}개월마다 {amount}',
    thenYear: '이후 매년 {amount}',
    thenYears: '이후 {count}년마다 {amount}',
    totalAfterTrial: '체험 기간 후 합계',
    dueToday: '오늘 결제 금액',
    noPaymentMethod: '체험을 시작하는 데 결제 수단이 필요하지 않습니다.',
  },
};

type Interval = 'day' | 'week' | 'month' | 'year';

const THEN: Record<Interval, { one: Key; many: Key }> = {
  day: { one: 'thenDay', many: 'thenDays' },
  week: { one: 'thenWeek', many: 'thenWeeks' },
  month: { one: 'thenMonth', many: 'thenMonths' },
  year: { one: 'thenYear', many: 'thenYears' },
};

function recurringOf(items: readonly LineItem[]): { interval: Interval; interval_count: number } | null {
  for (const li of items) {
    const r = (li.price as { recurring?: { interval: Interval; interval_count: number } | null }).recurring;
    if (r) return r;
  }
  return null;
}

/**
 * The summary below its top bar for a session that starts a trial, or null for any other: the
 * caption, the trial's length, the price per period after it (the line items keep a full period's
 * amounts, discount and tax included), the items as the template renders them, the promotion code
 * field (a code discounts the price after the trial), and what is due.
 */
export function trialSummaryHtml(view: PageView, itemsHtml: string, promotionCodeHtml = ''): string | null {
  const s = view.session;
  if (s.mode !== 'subscription' || !hasTrial(s)) return null;
  const t = textOf(TRIAL_TEXT, view.locale);
  const cur = s.currency ?? 'usd';
  const items = view.lineItems;
  const after = items.reduce((n, li) => n + li.amount_total, 0);
  const afterText = formatAmount(after, cur, view.locale);
  const days = trialDays(s, view.now) ?? 0;
  const rec = recurringOf(items);
  const words = rec ? THEN[rec.interval] : undefined;
  const then = rec && words ? fill(t[rec.interval_count > 1 ? words.many : words.one], { amount: afterText, count: rec.interval_count }) : '';
  const name = items[0]?.description ?? '';
  return (
    `<p class="caption">${esc(fill(t.tryName, { name }))}</p>` +
    `<p class="total-big" data-testid="trial-length">${esc(days === 1 ? t.dayFree : fill(t.daysFree, { days }))}</p>` +
    `<p class="sub" data-testid="trial-then">${esc(then)}</p>` +
    `<ul class="items">${itemsHtml}</ul>` +
    '<div class="totals">' +
    promotionCodeHtml +
    `<div class="row"><span>${esc(t.totalAfterTrial)}</span><span data-testid="total-after-trial">${esc(afterText)}</span></div>` +
    `<div class="row grand"><span>${esc(t.dueToday)}</span><span data-testid="total-amount">${esc(formatAmount(s.amount_total ?? 0, cur, view.locale))}</span></div>` +
    '</div>'
  );
}

/** In place of the payment method fields when the session collects none: a line saying why. */
export function noPaymentMethodHtml(view: PageView): string {
  return `<section><p class="sub" data-testid="no-payment-method">${esc(textOf(TRIAL_TEXT, view.locale).noPaymentMethod)}</p></section>`;
}
