import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';

/** The top-level params of `export interface <name>` in a stripe-node resource's types. */
function topLevelParams(file: string, name: string): string[] {
  const text = fs.readFileSync(path.resolve('node_modules/stripe/esm/resources', file), 'utf8');
  const start = text.indexOf(`export interface ${name} {`);
  assert.ok(start >= 0, `${name} not found in ${file}`);
  const body = text.slice(start, text.indexOf('\n}', start));
  return [...body.matchAll(/^ {4}([a-z_]+)\??:/gm)].map((m) => m[1] as string).filter((p) => p !== 'expand');
}

for (const store of STORES) {
  describe(`invoice, invoice item and credit note params (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    const cases: Array<[file: string, iface: string, url: string]> = [
      ['Invoices.d.ts', 'InvoiceCreateParams', '/v1/invoices'],
      ['Invoices.d.ts', 'InvoiceCreatePreviewParams', '/v1/invoices/create_preview'],
      ['InvoiceItems.d.ts', 'InvoiceItemCreateParams', '/v1/invoiceitems'],
      ['CreditNotes.d.ts', 'CreditNoteCreateParams', '/v1/credit_notes'],
    ];
    for (const [file, iface, url] of cases) {
      it(`refuses no top-level param of ${iface} as unknown`, async () => {
        const params = topLevelParams(file, iface);
        assert.ok(params.length > 5, `${iface} has params`);
        const key = freshKey();
        const unknown: string[] = [];
        for (const p of params) {
          // A value of the wrong kind is fine: the point is that the name is known.
          const res = await raw(server.url, url, { method: 'POST', key, body: `${p}=x` });
          const err = (res.body as { error?: { code?: string; param?: string } }).error;
          assert.notEqual(res.status, 500, `${iface}.${p} answered 500`);
          if (err?.code === 'parameter_unknown') unknown.push(`${p} (${String(err.param)})`);
        }
        assert.deepEqual(unknown, []);
        const bogus = await raw(server.url, url, { method: 'POST', key, body: 'not_a_param=x' });
        assert.equal((bogus.body as { error: { code: string } }).error.code, 'parameter_unknown');
      });
    }
  });
}
