import { searchRoute } from '../../api/list.js';
import { booleanField, enumField, idField, METADATA, type SearchFields } from '../../api/search-query.js';
import { prices } from './service.js';

/** Stripe's query fields for prices (https://docs.stripe.com/search#query-fields-for-prices). */
export const PRICE_SEARCH_FIELDS: SearchFields = {
  active: booleanField('active'),
  currency: enumField('currency'),
  lookup_key: { type: 'string' },
  metadata: METADATA,
  product: idField('product_id', undefined, 'string'),
  type: enumField('type'),
};

/** `GET /v1/prices/search`: inline prices (from `price_data`) are never found, as lists leave them out (docs/decisions.md#search). */
export const priceSearchRoute = searchRoute({ resource: 'prices', table: prices, fields: PRICE_SEARCH_FIELDS, filter: { is_inline: 0 } });
