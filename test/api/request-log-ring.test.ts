/**
 * The request log's ring of successful GETs (src/api/request-log.ts): entries encoded into one
 * buffer, evicted oldest first when the entry count or the bytes run out, decoded exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRing, REQUEST_LOG_GET_BODY_BYTES } from '../../src/api/request-log.js';

const pending = (i: number, response: string, query = '') => ({
  authorization: undefined,
  account: undefined,
  idempotencyKey: i % 2 ? `key-${i}` : undefined,
  requestId: `req_${i}`,
  created: 1_700_000_000_000 + i,
  method: 'GET',
  path: `/v1/customers/cus_${i}`,
  query,
  body: undefined,
  status: 200,
  durationMs: i / 4,
  response,
});

describe('request log: the ring of successful GETs', () => {
  it('keeps the newest entries by count, decoded exactly, and pages by mseq both ways', () => {
    const ring = new MemoryRing(3, 64 * 1024);
    for (let i = 0; i < 5; i++) ring.push(pending(i, `{"id":"cus_${i}","name":"山田 ${i}"}`, `expand[]=x${i}`), i === 2 ? 'acct_other' : 'acct_1');
    const held = [...ring.newestFirst()];
    assert.deepEqual(held.map((h) => h.requestId), ['req_4', 'req_3', 'req_2']);
    const e = ring.entryOf(held[0]!);
    assert.deepEqual(
      [e.request_id, e.path, e.status, e.created_ms, e.duration_ms, e.idempotency_key, e.params, e.response_body, e.stored],
      ['req_4', '/v1/customers/cus_4', 200, 1_700_000_000_004, 1, null, { expand: { 0: 'x4' } }, '{"id":"cus_4","name":"山田 4"}', false],
    );
    assert.equal(ring.entryOf(held[1]!).idempotency_key, 'key-3');
    assert.deepEqual(held.map((h) => h.account), ['acct_1', 'acct_1', 'acct_other']);
    const [newest, middle] = held as [typeof held[0], typeof held[0]];
    assert.deepEqual([...ring.newestFirst(newest.mseq)].map((h) => h.requestId), ['req_3', 'req_2']);
    assert.deepEqual([...ring.oldestFirst(middle.mseq)].map((h) => h.requestId), ['req_4']);
    assert.equal(ring.head, newest.mseq + 1);
  });

  it('drops the oldest entries whose bytes a new one needs, and cuts long answers', () => {
    const ring = new MemoryRing(1000, 40 * 1024);
    const long = 'あ'.repeat(REQUEST_LOG_GET_BODY_BYTES + 500);
    for (let i = 0; i < 50; i++) ring.push(pending(i, i % 3 ? `{"n":${i}}` : long), 'acct_1');
    const held = [...ring.newestFirst()];
    assert.ok(held.length < 50 && held.length > 3, `the bytes bound the ring (${held.length} kept)`);
    // What is kept is the newest run, in order, each intact.
    assert.deepEqual(held.map((h) => h.requestId), Array.from({ length: held.length }, (_, k) => `req_${49 - k}`));
    for (const h of held) {
      const i = Number(h.requestId.slice(4));
      const body = ring.entryOf(h).response_body;
      if (i % 3) assert.equal(body, `{"n":${i}}`);
      else assert.equal(body, `${'あ'.repeat(REQUEST_LOG_GET_BODY_BYTES)}\n… (cut at ${REQUEST_LOG_GET_BODY_BYTES} characters)`);
    }
  });

  it('keeps every entry intact through many turns of the buffer, whatever their sizes', () => {
    const ring = new MemoryRing(1000, 16 * 1024);
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const bodies = new Map<string, string>();
    for (let i = 0; i < 2000; i++) {
      const body = JSON.stringify({ n: i, pad: 'x'.repeat(Math.floor(random() * 1500)), jp: 'あ'.repeat(Math.floor(random() * 200)) });
      bodies.set(`req_${i}`, body);
      ring.push(pending(i, body), 'acct_1');
      if (i % 97 === 0 || i === 1999) {
        const held = [...ring.newestFirst()];
        assert.ok(held.length > 0);
        assert.deepEqual(held.map((h) => h.requestId), Array.from({ length: held.length }, (_, k) => `req_${i - k}`), `after ${i}: the newest run, in order`);
        for (const h of held) assert.equal(ring.entryOf(h).response_body, bodies.get(h.requestId), `after ${i}: ${h.requestId} intact`);
      }
    }
  });

  it('holds nothing when off', () => {
    const ring = new MemoryRing(0, 1024);
    ring.push(pending(1, '{}'), 'acct_1');
    assert.deepEqual([...ring.newestFirst()], []);
  });
});
