import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Validates response bodies against Stripe's OpenAPI schemas (API 2024-04-10, test/contract/),
 * adjusted for what changed since: fields Stripe removed (field-drift.json) are not required, and
 * OpenAPI's `nullable` is rewritten into JSON Schema.
 */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'contract');
type Node = Record<string, unknown>;

const NESTED_REMOVED: Record<string, string[]> = { line_item: ['proration', 'type'], discount: ['coupon'] };
/**
 * Removed from objects field-drift.json does not cover: a promotion code names its coupon in
 * `promotion.coupon` since the `promotion` hash replaced the top-level `coupon` (stripe-node 23).
 */
const ALSO_REMOVED: Record<string, string[]> = { promotion_code: ['coupon'] };
/** Enum values renamed since 2024-04-10, per stripe-node 23's types (`Checkout.Session.UiMode`). */
const ENUM_ADDED: Array<[schema: string, property: string, values: string[]]> = [['checkout.session', 'ui_mode', ['hosted_page', 'embedded_page', 'elements', 'form']]];
/** stripe-node 23 `TaxRate.TaxType`: tax types added since 2024-04-10. */
ENUM_ADDED.push([
  'tax_rate',
  'tax_type',
  ['admissions_tax', 'attendance_tax', 'digital_excise_tax', 'entertainment_tax', 'get_fund', 'gross_receipts_tax', 'hospitality_tax', 'luxury_tax', 'mass_transit_parking_tax', 'nhil', 'parking_tax', 'resort_tax', 'retail_delivery_fee', 'service_tax', 'tourism_tax', 'utility_users_tax'],
]);

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) out[k] = rewrite(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (Array.isArray(out.anyOf)) out.anyOf = [...(out.anyOf as unknown[]), { type: 'null' }];
    else if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    } else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

let cache: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function ajv(): Ajv {
  if (cache) return cache;
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'openapi-subset.json'), 'utf8')) as { components: { schemas: Record<string, Node> } };
  const drift = JSON.parse(fs.readFileSync(path.join(dir, 'field-drift.json'), 'utf8')) as {
    objects: Record<string, { fields_removed_since_subset: string[] }>;
  };
  const removed: Record<string, string[]> = { ...NESTED_REMOVED, ...ALSO_REMOVED };
  for (const [name, info] of Object.entries(drift.objects)) removed[name] = info.fields_removed_since_subset;
  const schemas = rewrite(spec.components.schemas) as Record<string, Node>;
  for (const [name, fields] of Object.entries(removed)) {
    const schema = schemas[name];
    if (schema && Array.isArray(schema.required)) schema.required = (schema.required as string[]).filter((f) => !fields.includes(f));
  }
  for (const [name, prop, values] of ENUM_ADDED) {
    const node = (schemas[name]?.properties as Record<string, Node> | undefined)?.[prop];
    if (node && Array.isArray(node.enum)) node.enum = [...(node.enum as unknown[]), ...values];
  }
  cache = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  cache.addSchema({ $id: 'stripe', components: { schemas } });
  return cache;
}

/**
 * The SDK turns decimal strings (`unit_amount_decimal`) into Decimal objects; the wire carries
 * strings. Turn them back so SDK results can be checked against the wire schema.
 */
function wireForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wireForm);
  if (value === null || typeof value !== 'object') return value;
  if (value.constructor?.name?.includes('Decimal')) return String(value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wireForm(v)]));
}

/** Throws with every violation when `body` does not match Stripe's schema `name` (e.g. `customer`). */
export function assertMatchesSchema(name: string, rawBody: unknown): void {
  const body = wireForm(rawBody);
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv().compile({ $ref: `stripe#/components/schemas/${name}` });
    validators.set(name, validate);
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    throw new Error(`response does not match Stripe's ${name} schema:\n  ${problems.join('\n  ')}`);
  }
}

/** Stripe's error body schema. */
export function assertStripeError(body: unknown): void {
  assertMatchesSchema('error', body);
}

/**
 * A search result as Stripe documents it (https://docs.stripe.com/api/pagination/search):
 * `object: "search_result"`, `url`, `has_more`, `data`, `next_page` (a string exactly while
 * `has_more`), `total_count` only when expanded; every item matches Stripe's schema `item`.
 */
export function assertSearchResult(item: string, body: unknown, url?: string): void {
  const r = body as Record<string, unknown>;
  const keys = Object.keys(r).filter((k) => k !== 'lastResponse').sort();
  const expected = ['data', 'has_more', 'next_page', 'object', 'url', ...('total_count' in r ? ['total_count'] : [])].sort();
  if (JSON.stringify(keys) !== JSON.stringify(expected)) throw new Error(`search result keys ${keys.join(',')} are not ${expected.join(',')}`);
  if (r.object !== 'search_result') throw new Error(`object is ${String(r.object)}, not search_result`);
  if (typeof r.url !== 'string' || (url !== undefined && r.url !== url)) throw new Error(`url is ${String(r.url)}`);
  if (typeof r.has_more !== 'boolean') throw new Error('has_more is not a boolean');
  if (r.has_more ? typeof r.next_page !== 'string' : r.next_page !== null) throw new Error(`next_page ${String(r.next_page)} does not follow has_more ${String(r.has_more)}`);
  if ('total_count' in r && !(Number.isInteger(r.total_count) && (r.total_count as number) >= 0)) throw new Error('total_count is not a count');
  if (!Array.isArray(r.data)) throw new Error('data is not an array');
  for (const o of r.data) assertMatchesSchema(item, o);
}
