import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LineItem, StoredSession } from '../../src/resources/checkout-sessions/shape.js';
import { acceptedLanguages, formatDate, PAGE_LOCALES, resolvePageLocale, type PageLocale } from '../../src/pages/i18n.js';
import { freshKey, startServer, type TestServer } from '../helpers/server.js';
import { insertSession, lineItem, sessionFixture } from './fixtures.js';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('the page locale', () => {
  it('is the session locale when it is one of the page languages, or its base language', () => {
    const table: Array<[string, PageLocale]> = [
      ['ja', 'ja'], ['en', 'en'], ['fr', 'fr'], ['de', 'de'], ['es', 'es'], ['it', 'it'], ['nl', 'nl'], ['pt', 'pt'], ['zh', 'zh'], ['ko', 'ko'],
      ['pt-BR', 'pt'], ['zh-TW', 'zh'], ['zh-HK', 'zh'], ['en-GB', 'en'], ['es-419', 'es'], ['fr-CA', 'fr'],
    ];
    for (const [locale, page] of table) assert.equal(resolvePageLocale(locale, 'ko'), page, locale);
  });

  it('is English for a Stripe locale the page does not speak, whatever the browser asks', () => {
    for (const locale of ['sv', 'pl', 'th', 'fil', 'hi-IN']) assert.equal(resolvePageLocale(locale, 'ja'), 'en', locale);
  });

  it('follows Accept-Language by q-value for `auto` or no locale, skipping languages it does not speak', () => {
    const table: Array<[string | undefined, PageLocale]> = [
      ['fr-CH,fr;q=0.9,en;q=0.8', 'fr'],
      ['sv,de;q=0.5', 'de'],
      ['de;q=0.5, ja;q=0.9', 'ja'],
      ['ja;q=0, fr', 'fr'],
      ['en-US,en;q=0.9,ja;q=0.8', 'en'],
      ['pt-BR', 'pt'],
      ['zh-Hant-TW,zh;q=0.8', 'zh'],
      ['KO-kr', 'ko'],
      ['*', 'en'],
      ['sv, pl', 'en'],
      ['', 'en'],
      [undefined, 'en'],
    ];
    for (const [header, page] of table) {
      assert.equal(resolvePageLocale('auto', header), page, String(header));
      assert.equal(resolvePageLocale(null, header), page, String(header));
    }
  });

  it('reads Accept-Language tags best first, dropping refused and wildcard ones', () => {
    assert.deepEqual(acceptedLanguages('en;q=0.5, ja, fr;q=0.8, *;q=0.1, de;q=0'), ['ja', 'fr', 'en']);
    assert.deepEqual(acceptedLanguages('nl , it ; q=1'), ['nl', 'it']);
  });

  it('writes dates as the locale does', () => {
    const day = Date.UTC(2026, 2, 5) / 1000;
    assert.equal(formatDate(day, 'en'), 'March 5, 2026');
    assert.equal(formatDate(day, 'ja'), '2026年3月5日');
    assert.equal(formatDate(day, 'fr'), '5 mars 2026');
    assert.equal(formatDate(day, 'de'), '5. März 2026');
  });
});

function recurringItem(description: string, amount: number, currency: string): LineItem {
  const item = lineItem(description, amount, 1, currency);
  return { ...item, price: { ...(item.price as object), recurring: { interval: 'month', interval_count: 1 }, type: 'recurring' } } as LineItem;
}

/** The verb of the submit button, as rendered. */
function submitText(html: string): string | undefined {
  return /<span class="lbl-text[^"]*">([^<]*)<\/span>/.exec(html)?.[1];
}

// English words of the page's own text that no other locale's page may show.
const ENGLISH = [
  'Contact information', 'Payment method', 'Card information', 'Cardholder name', 'Country or region', 'Full name on card',
  'Billing address', 'Address line', 'Total due', 'Qty ', ' each', 'Test mode', 'Powered by', 'Billed monthly', 'per month',
  '>Pay<', '>Subscribe<', 'Card number', '"Expiration"', '>Email<', 'Phone number', 'By confirming', '>Back<', '>Card<',
  '>United States<', '>Germany<',
];

describe('the hosted page in each language', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(async () => {
    await server.close();
  });

  async function page(id: string, acceptLanguage?: string): Promise<{ status: number; html: string }> {
    const res = await fetch(`${server.url}/c/pay/${id}`, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
    return { status: res.status, html: await res.text() };
  }

  async function open(over: Partial<StoredSession>, items: LineItem[]): Promise<StoredSession> {
    return insertSession(server, freshKey(), sessionFixture(over), items);
  }

  for (const locale of PAGE_LOCALES) {
    it(`speaks ${locale}: <html lang>, the summary, the form and the button, with no English left`, async () => {
      const pay = await open(
        { locale, billing_address_collection: 'required', phone_number_collection: { enabled: true } },
        [lineItem('Tea', 2000, 2, 'eur'), lineItem('Pot', 1500, 1, 'eur')],
      );
      const sub = await open({ locale, mode: 'subscription' }, [recurringItem('Tea club', 2000, 'eur')]);
      for (const { html } of [await page(pay.id, 'en-US'), await page(sub.id, 'en-US')]) {
        assert.match(html, new RegExp(`<html lang="${locale}">`));
        if (locale === 'en') continue;
        for (const word of ENGLISH) assert.ok(!html.includes(word), `${locale} page shows "${word}"`);
      }
    });
  }

  it('writes amounts in the locale: ￥ in Japanese, 20,00 € in French and German', async () => {
    const yen = await open({ locale: 'ja' }, [lineItem('抹茶', 5500, 1, 'jpy')]);
    assert.match((await page(yen.id)).html, /data-testid="total-amount">￥5,500</);
    const euro = await open({ locale: 'auto' }, [lineItem('Thé', 2000, 1, 'eur')]);
    assert.match(plain((await page(euro.id, 'fr-FR,fr;q=0.9')).html), /data-testid="total-amount">20,00 €</);
    assert.match(plain((await page(euro.id, 'de')).html), /data-testid="total-amount">20,00 €</);
    assert.match(plain((await page(euro.id, 'en')).html), /data-testid="total-amount">€20\.00</);
  });

  it('follows Accept-Language for an `auto` session and for a session with no locale', async () => {
    const auto = await open({ locale: 'auto' }, [lineItem('Tea', 2000, 1, 'eur')]);
    assert.match((await page(auto.id, 'fr-CH, fr;q=0.9')).html, /<html lang="fr">.*Coordonnées/s);
    const none = await open({}, [lineItem('Tea', 2000, 1, 'eur')]);
    assert.match((await page(none.id, 'ko-KR')).html, /<html lang="ko">.*연락처 정보/s);
    assert.match((await page(none.id)).html, /<html lang="en">.*Contact information/s);
  });

  it('names countries in the page language, sorted as the language sorts them', async () => {
    const s = await open({ locale: 'ja', shipping_address_collection: { allowed_countries: ['JP', 'US'] } }, [lineItem('Tea', 2000, 1, 'jpy')]);
    const { html } = await page(s.id);
    assert.match(html, /<option value="JP"[^>]*>日本<\/option>/);
    assert.match(html, /<option value="US"[^>]*>アメリカ合衆国<\/option>/);
    const de = await open({ locale: 'de' }, [lineItem('Tee', 2000, 1, 'eur')]);
    const options = [...(await page(de.id)).html.matchAll(/<option value="(AT|DE|FR)"[^>]*>([^<]+)</g)].map((m) => m[2]);
    assert.deepEqual(options, ['Deutschland', 'Frankreich', 'Österreich']);
  });

  it('localises recurring wording, quantities and delivery estimates', async () => {
    const sub = await open({ locale: 'ja', mode: 'subscription' }, [recurringItem('お茶の定期便', 2000, 'jpy')]);
    const ja = (await page(sub.id)).html;
    assert.match(ja, /<p class="sub">毎月<\/p>/);
    assert.match(ja, /毎月請求/);
    assert.match(ja, /本日のお支払い額/);
    const qty = await open({ locale: 'fr' }, [lineItem('Thé', 1250, 3, 'eur')]);
    assert.match(plain((await page(qty.id)).html), /Qté 3 · 12,50 € l’unité/);
  });

  for (const [name, over, en, ja] of [
    ['payment mode', {}, 'Pay', '支払う'],
    ['submit_type pay', { submit_type: 'pay' }, 'Pay', '支払う'],
    ['submit_type auto', { submit_type: 'auto' }, 'Pay', '支払う'],
    ['submit_type book', { submit_type: 'book' }, 'Book', '予約する'],
    ['submit_type donate', { submit_type: 'donate' }, 'Donate', '寄付する'],
    ['subscription mode', { mode: 'subscription' }, 'Subscribe', '申し込む'],
    ['a subscription with a trial', { mode: 'subscription', _trial: true }, 'Start trial', 'トライアルを開始'],
    ['setup mode', { mode: 'setup' }, 'Save', '保存'],
  ] as Array<[string, Partial<StoredSession> & { _trial?: boolean }, string, string]>) {
    it(`reads the submit button as Stripe's page does: ${name} -> "${en}" / "${ja}"`, async () => {
      const { _trial, ...fields } = over;
      const base = sessionFixture(fields);
      const trial = _trial
        ? { _internal: { ...base._internal, stored_params: { payment_intent_data: {}, subscription_data: { trial_period_days: 14 }, setup_intent_data: {}, customer_update: null } } }
        : {};
      const items = fields.mode === 'subscription' ? [recurringItem('Club', 2000, 'usd')] : fields.mode === 'setup' ? [] : [lineItem('Lamp', 2000, 1)];
      for (const [locale, verb] of [['en', en], ['ja', ja]] as const) {
        const s = await insertSession(server, freshKey(), { ...base, ...trial, id: `${base.id}${locale}`, locale }, items);
        const { html } = await page(s.id);
        assert.equal(submitText(html), verb, `${name} in ${locale}`);
        assert.match(html, /class="SubmitButton" type="submit" data-testid="hosted-payment-submit-button"/);
      }
    });
  }

  it('shows notices in the session language, and in Accept-Language where there is no session', async () => {
    const notFound = await page('cs_test_nothing_here', 'ja,en;q=0.5');
    assert.equal(notFound.status, 404);
    assert.match(notFound.html, /<html lang="ja">.*このチェックアウトリンクは無効です/s);
    const now = Math.floor(Date.now() / 1000);
    const late = await open({ locale: 'de', created: now - 7200, expires_at: now - 10 }, [lineItem('Lampe', 4000, 1, 'eur')]);
    assert.match((await page(late.id, 'fr')).html, /<html lang="de">.*Diese Checkout-Sitzung ist abgelaufen/s);
  });
});

describe('the page\'s messages in the buyer\'s language', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(async () => {
    await server.close();
  });

  async function submit(s: StoredSession, fields: Record<string, string>): Promise<{ status: number; html: string }> {
    const html = await (await fetch(`${server.url}/c/pay/${s.id}`)).text();
    const csrf_token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const res = await fetch(`${server.url}/c/pay/${s.id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token, ...fields }).toString(),
    });
    return { status: res.status, html: await res.text() };
  }

  const CARD = { paymentMethod: 'card', cardExpiry: '12 / 34', cardCvc: '123', billingName: 'Yamada Hanako', billingCountry: 'JP' };

  it('shows the form\'s own checks translated', async () => {
    const s = await insertSession(server, freshKey(), sessionFixture({ locale: 'ja' }), [lineItem('お茶', 500, 1, 'jpy')]);
    const noEmail = await submit(s, { ...CARD, cardNumber: '4242424242424242' });
    assert.equal(noEmail.status, 400);
    assert.match(noEmail.html, /role="alert"[^>]*>メールアドレスが不完全か無効です。</);
    const shortCard = await submit(s, { ...CARD, email: 'hanako@example.jp', cardNumber: '' });
    assert.match(shortCard.html, /role="alert"[^>]*>カード番号が不完全です。</);
  });

  it('shows a card decline translated by its decline code, while the API keeps Stripe\'s English', async () => {
    const s = await insertSession(server, freshKey(), sessionFixture({ locale: 'ja', customer_email: 'hanako@example.jp' }), [lineItem('お茶', 500, 1, 'jpy')]);
    const declined = await submit(s, { ...CARD, cardNumber: '4000 0000 0000 9995' });
    assert.equal(declined.status, 402);
    assert.match(declined.html, /role="alert"[^>]*>カードの残高が不足しています。</);
    const generic = await submit(s, { ...CARD, cardNumber: '4000 0000 0000 0002' });
    assert.match(generic.html, /role="alert"[^>]*>カードが拒否されました。</);
    // The same refusal through the API (the Stripe CLI's confirm call) of a `ja` session: Stripe's English.
    const stripe = server.stripe();
    const api = await stripe.checkout.sessions.create({
      mode: 'payment',
      locale: 'ja',
      line_items: [{ price_data: { currency: 'jpy', unit_amount: 500, product_data: { name: 'お茶' } }, quantity: 1 }],
      success_url: 'https://shop.example/success',
    });
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_chargeDeclinedInsufficientFunds' } });
    await assert.rejects(stripe.rawRequest('POST', `/v1/payment_pages/${api.id}/confirm`, { payment_method: pm.id, expected_amount: 500 }), {
      statusCode: 402,
      code: 'card_declined',
      message: 'Your card has insufficient funds.',
    });
  });
});
