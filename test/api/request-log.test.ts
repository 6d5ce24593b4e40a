/**
 * The API request log (docs/decisions.md#request-log) over HTTP, on both stores: what a row holds,
 * masking of card numbers, CVCs and secrets, the Stripe CLI's filters, account isolation, the
 * long-poll `logs tail` uses, and pruning by count and by age. Successful GETs are kept in the
 * instance's memory, not stored, and read merged with the stored rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requestLogFor, type RequestLogEntry } from '../../src/api/request-log.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';

interface Page {
  data: RequestLogEntry[];
  has_more: boolean;
  cursor: string;
}

for (const store of STORES) {
  describe(`request log (${store})`, () => {
    let server: TestServer;
    let shift = 0;
    const key = freshKey();
    const log = (query = '', k = key) => raw(server.url, `/_admin/request_log${query}`, { key: k });
    const flush = () => requestLogFor(server.app.deps).flush();

    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_REQUEST_LOG_MAX_ROWS: '40', OPENCHECKOUT_REQUEST_LOG_DAYS: '7' }, clock: { now: () => Date.now() + shift } });
    });
    after(() => server.close());

    it('records each request with method, path, status, duration, idempotency key, request id, params and response, secrets masked', async () => {
      const card = 'type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=731&metadata[order]=A-1';
      const pm = await raw(server.url, '/v1/payment_methods', { method: 'POST', key, body: card, headers: { 'idempotency-key': 'pm-1' } });
      assert.equal(pm.status, 200);
      const bank = 'type=us_bank_account&us_bank_account[routing_number]=110000000&us_bank_account[account_number]=000123456789&us_bank_account[account_holder_type]=individual&billing_details[name]=Jenny';
      assert.equal((await raw(server.url, '/v1/payment_methods', { method: 'POST', key, body: bank })).status, 200);
      const we = await raw(server.url, '/v1/webhook_endpoints', { method: 'POST', key, body: 'url=https://shop.example/hook&enabled_events[]=*' });
      const secret = (we.body as { secret: string }).secret;
      assert.match(secret, /^whsec_/);
      const pi = await raw(server.url, '/v1/payment_intents', { method: 'POST', key, body: 'amount=1000&currency=usd' });
      const clientSecret = (pi.body as { client_secret: string }).client_secret;
      const bad = await raw(server.url, '/v1/customers', { method: 'POST', key, body: 'email=not-a-number&balance=abc' });
      assert.equal(bad.status, 400);
      const get = await raw(server.url, `/v1/payment_methods/${(pm.body as { id: string }).id}?expand[]=customer`, { key });
      assert.equal(get.status, 200);
      await flush();

      const page = (await log('?limit=100')).body as Page;
      assert.equal(page.data.length, 6);
      const [newest, badRow, , , , first] = page.data as RequestLogEntry[];
      assert.deepEqual([newest?.method, newest?.path, newest?.status], ['GET', `/v1/payment_methods/${(pm.body as { id: string }).id}`, 200]);
      assert.deepEqual(newest?.params, { expand: { 0: 'customer' } }); // as the API's form parser reads `expand[]`
      assert.equal(newest?.request_id, get.headers.get('request-id'));
      // The successful GET is in this instance's memory, not stored; the writes and the error are stored.
      assert.deepEqual([newest?.stored, newest?.seq], [false, null]);
      assert.ok(page.data.slice(1).every((e) => e.stored && typeof e.seq === 'number'));
      const storedRows = await server.app.deps.store.db.selectFrom('request_log').select(['method', 'status']).where('request_id', '=', get.headers.get('request-id') as string).execute();
      assert.deepEqual(storedRows, []);
      assert.deepEqual([badRow?.method, badRow?.path, badRow?.status], ['POST', '/v1/customers', 400]);
      assert.match(badRow?.response_body ?? '', /invalid_request_error/);
      assert.equal(first?.idempotency_key, 'pm-1');
      assert.equal(first?.request_id, pm.headers.get('request-id'));
      assert.ok(typeof first?.duration_ms === 'number' && first.duration_ms >= 0);
      assert.ok(Math.abs((first?.created_ms ?? 0) - Date.now()) < 60_000);
      // Params are kept, but the number only as its last four and the CVC not at all.
      const params = first?.params as { card: Record<string, string>; metadata: Record<string, string> };
      assert.equal(params.metadata.order, 'A-1');
      assert.equal(params.card.exp_year, '2034');
      assert.match(params.card.number as string, /^•+4242$/);
      assert.equal('cvc' in params.card, false);

      const everything = JSON.stringify(page.data);
      for (const secretText of ['4242424242424242', '000123456789', secret, clientSecret, '"cvc"', 'card[cvc]', key]) {
        assert.equal(everything.includes(secretText), false, `the log holds ${secretText}`);
      }
      assert.match(everything, /whsec_\*+/);
      assert.match(everything, /pi_[A-Za-z0-9]+_secret_\*+/);
    });

    it('masks what hides in a form: percent-encoded keys, spaced card numbers, and keeps a plain form as sent', async () => {
      const own = freshKey(); // rows of its own, out of the counts the other tests make
      const forms = [
        // A CVC and a card number behind percent-encoded key names.
        'type=card&card%5Bnumber%5D=4000056655665556&card%5Bexp_month%5D=12&card%5Bexp_year%5D=2034&card%5B%63vc%5D=731',
        // A card number with spaces (form-encoded as +) and an IBAN in metadata.
        'email=a%40example.com&metadata[note]=4242+4242+4242+4242&metadata[iban]=DE89%203704%200044%200532%200130%2000',
        // Nothing to mask.
        'email=plain%40example.jp&name=%E5%B1%B1%E7%94%B0&metadata[order]=42',
      ];
      const answers = [
        await raw(server.url, '/v1/payment_methods', { method: 'POST', key: own, body: forms[0] as string }),
        await raw(server.url, '/v1/customers', { method: 'POST', key: own, body: forms[1] as string }),
        await raw(server.url, '/v1/customers', { method: 'POST', key: own, body: forms[2] as string }),
      ];
      for (const a of answers) assert.equal(a.status, 200);
      await flush();
      const byId = async (r: { headers: Headers }) => ((await log(`?request_id=${String(r.headers.get('request-id'))}`, own)).body as Page).data[0] as RequestLogEntry;
      const [pm, spaced, plain] = [await byId(answers[0] as { headers: Headers }), await byId(answers[1] as { headers: Headers }), await byId(answers[2] as { headers: Headers })];
      const card = (pm.params as { card: Record<string, string> }).card;
      assert.match(card.number as string, /^•+5556$/);
      assert.equal('cvc' in card, false);
      const metadata = (spaced.params as { metadata: Record<string, string> }).metadata;
      assert.match(metadata.note as string, /^•+4242$/);
      assert.doesNotMatch(metadata.iban as string, /3704/);
      assert.deepEqual(plain.params, { email: 'plain@example.jp', name: '山田', metadata: { order: '42' } });
      const stored = await server.app.deps.store.db.selectFrom('request_log').select(['params']).where('request_id', 'in', [pm.request_id, spaced.request_id, plain.request_id]).execute();
      const text = JSON.stringify(stored);
      for (const secretText of ['4000056655665556', '4242+4242', '4242 4242', '731', '3704']) assert.equal(text.includes(secretText), false, `stored params hold ${secretText}`);
      assert.ok(stored.some((r) => r.params === `?${forms[2] as string}`), 'a form with nothing to mask is kept as its own text');
    });

    it('filters by status code, status type, outcome, method and path, as `stripe logs tail` does', async () => {
      const ids = async (q: string) => ((await log(q)).body as Page).data.map((e) => `${e.method} ${e.path} ${e.status}`);
      assert.deepEqual(await ids('?status_code=400'), ['POST /v1/customers 400']);
      assert.deepEqual(await ids('?status_code_type=4XX'), ['POST /v1/customers 400']);
      assert.deepEqual(await ids('?request_status=failed'), ['POST /v1/customers 400']);
      assert.equal((await ids('?request_status=succeeded')).length, 5);
      assert.equal((await ids('?status_code_type=2xx,5XX')).length, 5);
      assert.equal((await ids('?http_method=GET')).length, 1);
      assert.deepEqual(await ids('?request_path=/v1/webhook_endpoints'), ['POST /v1/webhook_endpoints 200']);
      assert.equal((await ids('?request_path=/v1/payment_*')).length, 4);
      assert.deepEqual(await ids('?http_method=POST&request_path=/v1/payment_methods&status_code=200&limit=1'), ['POST /v1/payment_methods 200']);
      const bad = await log('?status_code_type=3XX');
      assert.equal(bad.status, 400);
      assert.equal((bad.body as { error: { param: string } }).error.param, 'status_code_type');
    });

    it('pages newest first through stored rows and GETs in memory alike, and shows one account nothing of another', async () => {
      const all = ((await log('?limit=100')).body as Page).data.map((e) => e.request_id);
      const paged: string[] = [];
      let cursor = '';
      for (;;) {
        const page = (await log(`?limit=2${cursor ? `&before=${cursor}` : ''}`)).body as Page;
        paged.push(...page.data.map((e) => e.request_id));
        if (!page.has_more) break;
        cursor = page.cursor;
      }
      assert.deepEqual(paged, all);
      assert.ok(all.length >= 6);
      assert.equal((await log('?before=abc')).status, 400);
      const other = freshKey();
      await raw(server.url, '/v1/customers', { method: 'POST', key: other, body: 'email=other@example.com' });
      await flush();
      const theirs = (await log('', other)).body as Page;
      assert.deepEqual(theirs.data.map((e) => e.path), ['/v1/customers']);
      assert.equal(JSON.stringify((await log('?limit=100')).body).includes('other@example.com'), false);
      assert.equal((await raw(server.url, '/_admin/request_log', { key: null })).status, 401);
    });

    it('shows the Logs page in the Dashboard, filtered, and each request with its masked params', async () => {
      const login = await fetch(`${server.url}/dashboard/login`);
      const cookie1 = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
      const signed = await fetch(`${server.url}/dashboard/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie1, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ secret: key, csrf_token: csrf }).toString(),
      });
      const cookie = (signed.headers.getSetCookie().find((c) => c.startsWith('oc_dashboard=')) ?? '').split(';')[0] as string;
      const html = async (path: string, lang = 'en') => {
        const res = await fetch(server.url + path, { headers: { cookie, 'accept-language': lang } });
        return { status: res.status, text: await res.text() };
      };
      const failed = await html('/dashboard/logs?status=failed&method=POST');
      assert.equal(failed.status, 200);
      assert.match(failed.text, /\/v1\/customers/);
      assert.doesNotMatch(failed.text, /\/v1\/webhook_endpoints/);
      const ja = await html('/dashboard/logs?path=/v1/payment_methods', 'ja');
      assert.match(ja.text, /ログ/);
      assert.match(ja.text, /マスク/);
      const requestIds = [...ja.text.matchAll(/href="\/dashboard\/logs\/(req_[^"]+)"/g)].map((m) => m[1]);
      assert.equal(requestIds.length, 2); // the two creates: an exact path leaves out GET /v1/payment_methods/pm_…
      const detail = await html(`/dashboard/logs/${requestIds.at(-1)}`);
      assert.equal(detail.status, 200);
      assert.match(detail.text, /pm-1/);
      assert.match(detail.text, /•+4242/);
      assert.doesNotMatch(detail.text, /4242424242424242|731/);
      assert.match(detail.text, /data-testid="log-kept">Stored</);
      // The successful GET is listed and opens from memory.
      const gets = await html('/dashboard/logs?method=GET');
      const getId = /href="\/dashboard\/logs\/(req_[^"]+)"/.exec(gets.text)?.[1];
      assert.ok(getId, 'a GET is listed');
      const getDetail = await html(`/dashboard/logs/${getId}`);
      assert.equal(getDetail.status, 200);
      assert.match(getDetail.text, /data-testid="log-kept">In this server’s memory only/);
      assert.equal((await html('/dashboard/logs?status_code=abc')).status, 400);
      // Another account's request is not found from this sign-in.
      const theirs = (((await log('', freshKey())).body as Page).data[0]?.request_id) ?? 'req_none';
      assert.equal((await html(`/dashboard/logs/${theirs}`)).status, 404);
    });

    it('long-polls for the next request after a cursor', async () => {
      const start = (await log('?after=latest')).body as Page;
      assert.deepEqual(start.data, []);
      const waiting = log(`?after=${start.cursor}&wait=10`);
      const created = await raw(server.url, '/v1/customers', { method: 'POST', key, body: 'email=tail@example.com' });
      const began = Date.now();
      const got = (await waiting).body as Page;
      assert.ok(Date.now() - began < 5000, 'answered once the row was written, not at the timeout');
      assert.deepEqual(
        got.data.map((e) => e.request_id),
        [created.headers.get('request-id')],
      );
      assert.equal(got.cursor.split('.')[0], String(got.data[0]?.seq));
      // A successful GET, held in memory, wakes the tail too; a GET's error is stored.
      const waitingGet = log(`?after=${got.cursor}&wait=10&http_method=GET`);
      const read = await raw(server.url, `/v1/customers/${(created.body as { id: string }).id}`, { key });
      const missing = await raw(server.url, '/v1/customers/cus_missing', { key });
      const first = (await waitingGet).body as Page;
      const seen = [...first.data];
      if (seen.length < 2) seen.push(...((await log(`?after=${first.cursor}&wait=5&http_method=GET`)).body as Page).data);
      assert.deepEqual(
        seen.map((e) => [e.request_id, e.status, e.stored]),
        [
          [read.headers.get('request-id'), 200, false],
          [missing.headers.get('request-id'), 404, true],
        ],
      );
      // Nothing is given twice: the cursor moved past both halves.
      const after = (await log(`?after=${((await log(`?after=${first.cursor}&http_method=GET`)).body as Page).cursor}&http_method=GET`)).body as Page;
      assert.deepEqual(after.data, []);
    });

    it('masks a GET kept in memory as a stored row is masked: secrets in the response and card numbers in the query', async () => {
      const pi = await raw(server.url, '/v1/payment_intents', { method: 'POST', key, body: 'amount=500&currency=usd' });
      const clientSecret = (pi.body as { id: string; client_secret: string }).client_secret;
      const read = await raw(server.url, `/v1/payment_intents/${(pi.body as { id: string }).id}`, { key });
      assert.equal(read.status, 200);
      const search = await raw(server.url, `/v1/customers/search?query=${encodeURIComponent("email:'4111 1111 1111 1111'")}`, { key });
      assert.equal(search.status, 200);
      const rows = ((await log('?http_method=GET&limit=100')).body as Page).data;
      const held = rows.filter((e) => [read.headers.get('request-id'), search.headers.get('request-id')].includes(e.request_id));
      assert.equal(held.length, 2);
      assert.ok(held.every((e) => !e.stored));
      const text = JSON.stringify(held);
      for (const secretText of [clientSecret, '4111 1111 1111 1111', '4111111111111111', key]) assert.equal(text.includes(secretText), false, `memory holds ${secretText}`);
      assert.match(text, /pi_[A-Za-z0-9]+_secret_\*+/);
      assert.match(text, /•+1111/);
    });

    it('keeps at most OPENCHECKOUT_REQUEST_LOG_MAX_ROWS rows and none older than OPENCHECKOUT_REQUEST_LOG_DAYS', async () => {
      for (let i = 0; i < 50; i++) assert.equal((await raw(server.url, `/v1/customers?limit=1&email=g${i}%40example.com`, { key })).status, 200);
      for (let i = 0; i < 50; i++) await raw(server.url, '/v1/customers', { method: 'POST', key, body: `email=c${i}%40example.com` });
      await flush();
      const all = (await log('?limit=100')).body as Page;
      const stored = all.data.filter((e) => e.stored).length;
      const held = all.data.filter((e) => !e.stored);
      assert.ok(stored <= 44 && stored >= 30, `stored ${stored}`); // pruned once a tenth more has come in
      assert.equal(held.length, 40, 'the GETs in memory: at most OPENCHECKOUT_REQUEST_LOG_MAX_ROWS too');
      assert.deepEqual(held[0]?.params, { limit: '1', email: 'g49@example.com' });
      assert.deepEqual(held.at(-1)?.params, { limit: '1', email: 'g10@example.com' });
      assert.deepEqual(all.data[0]?.params, { email: 'c49@example.com' });

      shift = 8 * 86_400_000;
      const late = await raw(server.url, '/v1/customers?limit=1', { key });
      await flush();
      const left = (await log('?limit=100')).body as Page;
      assert.deepEqual(
        left.data.map((e) => e.request_id),
        [late.headers.get('request-id')],
      );
      shift = 0;
    });
  });

  describe(`request log past its stored rate (${store})`, () => {
    let server: TestServer;
    const key = freshKey();
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_REQUEST_LOG_STORED_PER_SECOND: '3' } });
    });
    after(() => server.close());

    it('stores successful writes up to the rate, holds the rest in memory, and stores every error', async () => {
      const started = performance.now();
      const sent = await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => raw(server.url, '/v1/customers', { method: 'POST', key, body: `email=r${i}%40example.com&metadata[card]=4242+4242+4242+4242` })),
        ...Array.from({ length: 4 }, () => raw(server.url, '/v1/customers', { method: 'POST', key, body: 'balance=abc' })),
      ]);
      // The seconds the requests can have fallen in: at most 3 of each stored.
      const seconds = Math.ceil((performance.now() - started) / 1000) + 1;
      assert.deepEqual(sent.map((r) => r.status), [...Array(12).fill(200), ...Array(4).fill(400)]);
      await requestLogFor(server.app.deps).flush();
      const page = (await raw(server.url, '/_admin/request_log?limit=100', { key })).body as Page;
      assert.deepEqual(new Set(page.data.map((e) => e.request_id)), new Set(sent.map((r) => r.headers.get('request-id'))), 'every request is in the log');
      const ok = page.data.filter((e) => e.status === 200);
      const storedOk = ok.filter((e) => e.stored).length;
      assert.ok(storedOk >= 3 && storedOk <= 3 * seconds, `stored ${storedOk} of 12 in at most ${seconds} seconds`);
      assert.equal(ok.filter((e) => !e.stored).length, 12 - storedOk);
      assert.ok(page.data.filter((e) => e.status === 400).every((e) => e.stored), 'errors are always stored');
      // Held writes are masked as stored ones are, params and all.
      for (const e of ok) {
        assert.match((e.params as { metadata: { card: string } }).metadata.card, /^•+4242$/);
        assert.match(e.response_body, /"object": ?"customer"/);
      }
    });
  });
}
