import { searchRoute } from '../../api/list.js';
import { booleanField, METADATA, type SearchFields } from '../../api/search-query.js';
import { products } from './model.js';

/** Stripe's query fields for products (https://docs.stripe.com/search#query-fields-for-products). */
export const PRODUCT_SEARCH_FIELDS: SearchFields = {
  active: booleanField('active'),
  description: { type: 'string' },
  metadata: METADATA,
  name: { type: 'string' },
  shippable: booleanField(),
  url: { type: 'string' },
};

/** `GET /v1/products/search` (docs/decisions.md#search). */
export const productSearchRoute = searchRoute({ resource: 'products', table: products, fields: PRODUCT_SEARCH_FIELDS });
