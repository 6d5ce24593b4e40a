/**
 * What the buyer answers on the hosted page beyond paying (docs/decisions.md#what-the-page-asks-beside-payment):
 * the merchant's custom fields, the consents `consent_collection` asks, the business or individual
 * name `name_collection` asks, the tax ID `tax_id_collection` asks. The page reads and checks them field by field (src/pages/sections/);
 * completion re-checks what must be there and puts them on the session.
 */
import type { CustomField, Session, StoredSession } from '../resources/checkout-sessions/shape.js';
import type { TaxIdType } from '../resources/tax-ids/formats.js';
import type { CompletionResult } from './contract.js';

/** The page's answers, as completion takes them. */
export interface PageAnswers {
  /** Custom field key -> the value given (digits for numeric, an option's value for dropdown), null when left empty. */
  customFields: Readonly<Record<string, string | null>>;
  /** Whether the terms of service box was ticked, and the promotions box. */
  consent: { termsOfService: boolean; promotions: boolean };
  businessName: string | null;
  individualName: string | null;
  /** The tax ID given (`tax_id_collection`), its format checked. */
  taxId: { type: TaxIdType; value: string } | null;
}

/** No answers: a completion that did not come from the page (the payment-page API). */
export const NO_ANSWERS: PageAnswers = { customFields: {}, consent: { termsOfService: false, promotions: false }, businessName: null, individualName: null, taxId: null };

function refuse(message: string, code: string, field: string): CompletionResult {
  return { ok: false, message, code, field };
}

/**
 * The answers the session cannot complete without: every required custom field, the terms of
 * service when `consent_collection.terms_of_service` is `required`, a required name. Null when
 * complete. The page asks the same first, in the buyer's language; this is the rule's home.
 */
export function missingAnswer(s: StoredSession, answers: PageAnswers): CompletionResult | null {
  for (const f of s.custom_fields) {
    if (!f.optional && !answers.customFields[f.key]) return refuse(`The field "${f.label.custom ?? f.key}" is required.`, 'custom_field_required', `custom_field_${f.key}`);
  }
  if (s.consent_collection?.terms_of_service === 'required' && !answers.consent.termsOfService) {
    return refuse('You must accept the terms of service.', 'terms_of_service_required', 'consentTermsOfService');
  }
  const names = s.name_collection;
  if (names?.business?.enabled && !names.business.optional && !answers.businessName) return refuse('A business name is required.', 'business_name_required', 'businessName');
  if (names?.individual?.enabled && !names.individual.optional && !answers.individualName) return refuse('A full name is required.', 'individual_name_required', 'individualName');
  const tax = s.tax_id_collection;
  if (tax?.enabled && tax.required === 'if_supported' && !answers.taxId) return refuse('A tax ID is required.', 'tax_id_required', 'taxIdValue');
  return null;
}

/** One custom field with the buyer's value in its kind's `value`. */
function answered(f: CustomField, value: string | null): CustomField {
  if (f.dropdown) return { ...f, dropdown: { ...f.dropdown, value } };
  if (f.numeric) return { ...f, numeric: { ...f.numeric, value } };
  if (f.text) return { ...f, text: { ...f.text, value } };
  return f;
}

/**
 * The completed session with the answers on it: `custom_fields[].<kind>.value`, `consent`, and the
 * names in `customer_details` and `collected_information`, as Stripe returns them.
 */
export function withAnswers(next: StoredSession, answers: PageAnswers | undefined): StoredSession {
  const a = answers ?? NO_ANSWERS;
  const cc = next.consent_collection;
  const consent: Session['consent'] = cc
    ? {
        promotions: cc.promotions === 'auto' ? (a.consent.promotions ? 'opt_in' : 'opt_out') : null,
        terms_of_service: cc.terms_of_service === 'required' && a.consent.termsOfService ? 'accepted' : null,
      }
    : null;
  return {
    ...next,
    consent,
    custom_fields: next.custom_fields.map((f) => answered(f, a.customFields[f.key] ?? null)),
    customer_details: next.customer_details
      ? { ...next.customer_details, business_name: a.businessName, individual_name: a.individualName, tax_ids: a.taxId ? [{ type: a.taxId.type, value: a.taxId.value }] : [] }
      : null,
    collected_information: next.collected_information ? { ...next.collected_information, business_name: a.businessName, individual_name: a.individualName } : null,
  };
}
