import { searchRoute } from '../../api/list.js';
import { CREATED_FIELD, enumField, idField, METADATA, type SearchFields } from '../../api/search-query.js';
import { invoices } from './service.js';

const lastError = (o: Record<string, unknown>) => o.last_finalization_error as Record<string, unknown> | null | undefined;
/** A subscription's invoice names it in `parent.subscription_details` (the API's shape since 2025-03-31.basil). */
const subscriptionOf = (o: Record<string, unknown>) =>
  (o.parent as { subscription_details?: { subscription?: unknown } | null } | null | undefined)?.subscription_details?.subscription ?? null;

/** Stripe's query fields for invoices (https://docs.stripe.com/search#query-fields-for-invoices). */
export const INVOICE_SEARCH_FIELDS: SearchFields = {
  created: CREATED_FIELD,
  currency: { type: 'token' },
  customer: idField('customer_id'),
  last_finalization_error_code: { type: 'token', value: (o) => lastError(o)?.code },
  last_finalization_error_type: { type: 'token', value: (o) => lastError(o)?.type },
  metadata: METADATA,
  number: { type: 'string' },
  receipt_number: { type: 'string' },
  status: enumField('status', 'string'),
  subscription: idField('subscription_id', subscriptionOf, 'string'),
  total: { type: 'numeric' },
};

/** `GET /v1/invoices/search` (docs/decisions.md#search). */
export const invoiceSearchRoute = searchRoute({ resource: 'invoices', table: invoices, fields: INVOICE_SEARCH_FIELDS });
