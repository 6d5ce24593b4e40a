import { CREATED_FIELD, METADATA, type SearchFields } from '../../api/search-query.js';

/** Stripe's query fields for customers (https://docs.stripe.com/search#query-fields-for-customers). */
export const CUSTOMER_SEARCH_FIELDS: SearchFields = {
  created: CREATED_FIELD,
  email: { type: 'string' },
  metadata: METADATA,
  name: { type: 'string' },
  phone: { type: 'string' },
};
