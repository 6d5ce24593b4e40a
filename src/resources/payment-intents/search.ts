import { searchRoute } from '../../api/list.js';
import { CREATED_FIELD, enumField, idField, METADATA, type SearchFields } from '../../api/search-query.js';
import { paymentIntents } from './service.js';

/** Stripe's query fields for PaymentIntents (https://docs.stripe.com/search#query-fields-for-payment-intents). */
export const PAYMENT_INTENT_SEARCH_FIELDS: SearchFields = {
  amount: { type: 'numeric' },
  created: CREATED_FIELD,
  currency: { type: 'token' },
  customer: idField('customer_id'),
  metadata: METADATA,
  status: enumField('status'),
};

/** `GET /v1/payment_intents/search` (docs/decisions.md#search). */
export const paymentIntentSearchRoute = searchRoute({ resource: 'payment_intents', table: paymentIntents, fields: PAYMENT_INTENT_SEARCH_FIELDS });
