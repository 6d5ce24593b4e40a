import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listObject } from '../../src/api/list.js';
import { materialize, RawJson, serialize } from '../../src/api/raw.js';

const customer = (id: string) => ({ id, object: 'customer', email: `${id}@example.com`, metadata: { note: 'quote " and \\ and é' } });

describe('stored JSON served as is', () => {
  it('an object is its stored text, byte for byte', () => {
    const text = JSON.stringify(customer('cus_1'));
    assert.equal(serialize(new RawJson(text)), text);
  });

  it('a list of stored objects is what JSON.stringify gives the parsed list', () => {
    const page = { limit: 10 };
    for (const [ids, hasMore] of [[['cus_1', 'cus_2', 'cus_3'], true], [['cus_1'], false]] as const) {
      const raw = listObject('/v1/customers?x="y"', { data: ids.map((id) => new RawJson(JSON.stringify(customer(id)))), hasMore }, 'customer', page);
      const plain = listObject('/v1/customers?x="y"', { data: ids.map(customer), hasMore }, 'customer', page);
      assert.equal(serialize(raw), JSON.stringify(plain));
      assert.deepEqual(materialize(raw), plain);
    }
  });

  it('an empty list and plain values go through JSON.stringify', () => {
    const empty = listObject('/v1/customers', { data: [], hasMore: false }, 'customer', { limit: 10 });
    assert.equal(serialize(empty), '{"object":"list","data":[],"has_more":false,"url":"/v1/customers"}');
    assert.equal(serialize({ a: 1 }), '{"a":1}');
    assert.deepEqual(materialize({ a: 1 }), { a: 1 });
  });
});
