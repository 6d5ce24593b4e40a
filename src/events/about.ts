/**
 * What an Event is about (docs/decisions.md#dashboard, "Timeline"): the object in `data.object`
 * and the objects it points at by id (a session's `customer`, an invoice's `subscription` and
 * `test_clock`). `emit` files the event under each id (`event_objects`), in the event's transaction,
 * so an object's timeline is one index range however old or busy the account is
 * (`listEventsAbout` in read.ts). No imports: the migration that files older events uses it too.
 */
/** A Stripe-style id: lower-case prefix words, then at least 14 base62 characters (`cus_…`, `cs_test_a1…`). */
const ID = /^[a-z]+(?:_[a-z]+)*_[0-9A-Za-z]{14,}$/;
/** The most ids one event is filed under (its own and the first others). */
const MAX_IDS = 16;

/**
 * The ids an event's object is about: its own `id`, then every top-level string field holding an
 * id, secrets aside (`client_secret` holds an id followed by a secret).
 */
export function idsAbout(object: object): string[] {
  const o = object as Record<string, unknown>;
  const ids: string[] = [];
  if (typeof o.id === 'string' && o.id !== '') ids.push(o.id);
  for (const [key, value] of Object.entries(o)) {
    if (ids.length >= MAX_IDS) break;
    if (key === 'id' || typeof value !== 'string' || key.includes('secret') || !ID.test(value) || ids.includes(value)) continue;
    ids.push(value);
  }
  return ids;
}
