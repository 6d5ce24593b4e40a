import { searchRoute } from '../../api/list.js';
import { CREATED_FIELD, enumField, METADATA, type SearchFields } from '../../api/search-query.js';
import { subscriptions } from './service.js';

/** Stripe's query fields for subscriptions (https://docs.stripe.com/search#query-fields-for-subscriptions). */
export const SUBSCRIPTION_SEARCH_FIELDS: SearchFields = {
  canceled_at: { type: 'numeric' },
  created: CREATED_FIELD,
  metadata: METADATA,
  status: enumField('status'),
};

/** `GET /v1/subscriptions/search`: every status, canceled too, unlike the list's default (docs/decisions.md#search). */
export const subscriptionSearchRoute = searchRoute({ resource: 'subscriptions', table: subscriptions, fields: SUBSCRIPTION_SEARCH_FIELDS });
