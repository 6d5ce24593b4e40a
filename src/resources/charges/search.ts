import { searchRoute } from '../../api/list.js';
import { booleanField, CREATED_FIELD, enumField, idField, METADATA, type SearchField, type SearchFields } from '../../api/search-query.js';
import { charges } from './store.js';

/** The payment method sources Stripe's charge search names in `payment_method_details.{{SOURCE}}.*`. */
const SOURCES = ['card', 'card_present', 'interac_present'];
const SOURCE_FIELDS = ['last4', 'exp_month', 'exp_year', 'brand', 'fingerprint'];

/**
 * `refunded`: "true" for a fully refunded charge, "false" for a partly refunded one, null for a
 * charge nothing was refunded of — as Stripe's table of charge fields describes it.
 */
const refunded: SearchField = {
  type: 'token',
  value: (c) => (c.amount_refunded === 0 ? null : c.refunded === true ? 'true' : 'false'),
};

/** Stripe's query fields for charges (https://docs.stripe.com/search#query-fields-for-charges). */
export const CHARGE_SEARCH_FIELDS: SearchFields = {
  amount: { type: 'numeric' },
  'billing_details.address.postal_code': { type: 'token' },
  created: CREATED_FIELD,
  currency: { type: 'token' },
  customer: idField('customer_id'),
  disputed: booleanField(),
  metadata: METADATA,
  ...Object.fromEntries(SOURCES.flatMap((s) => SOURCE_FIELDS.map((f) => [`payment_method_details.${s}.${f}`, { type: 'token' } satisfies SearchField]))),
  refunded,
  status: enumField('status'),
};

/** `GET /v1/charges/search` (docs/decisions.md#search). */
export const chargeSearchRoute = searchRoute({ resource: 'charges', table: charges, fields: CHARGE_SEARCH_FIELDS });
