/**
 * What the page asks beside payment (docs/decisions.md#what-the-page-asks-beside-payment) and the
 * cart the buyer changes (docs/decisions.md#quantities-the-buyer-changes), one module per session
 * param: their starting values, the values kept after a refused submit, and
 * the reading of a posted form into the answers completion takes (src/checkout/answers.ts).
 */
import type { PageAnswers } from '../../checkout/answers.js';
import type { FormError, Values } from '../form.js';
import type { PageView } from '../load.js';
import { keptConsent, readConsent } from './consent.js';
import { customFieldDefaults, keptCustomFields, readCustomFields } from './custom-fields.js';
import { keptNames, readNames } from './name-collection.js';
import { keptTaxId, readTaxId } from './tax-id.js';

export { customFieldsHtml } from './custom-fields.js';
export { promotionsConsentHtml, showsReuseAgreement, termsConsentHtml } from './consent.js';
export { customTextHtml } from './custom-text.js';
export { nameFieldsHtml } from './name-collection.js';
export { isAdjustable, isItemsAction, itemsChange, optionalItemsHtml, pendingAction, quantityHtml } from './quantities.js';
export { taxIdHtml } from './tax-id.js';

/** The sections' starting values (custom fields' defaults). */
export function sectionDefaults(view: PageView): Values {
  return customFieldDefaults(view);
}

/** The sections' posted values, shown again after a refused submit. */
export function keptSectionValues(body: URLSearchParams, view: PageView): Values {
  return { ...keptNames(body), ...keptTaxId(body), ...keptCustomFields(body, view), ...keptConsent(body) };
}

/** The answers of a posted form, or the first error in the page's order (names, tax ID, fields, terms). */
export function readAnswers(body: URLSearchParams, view: PageView): { answers: PageAnswers } | { error: FormError } {
  const names = readNames(body, view);
  if ('error' in names) return names;
  const tax = readTaxId(body, view);
  if ('error' in tax) return tax;
  const fields = readCustomFields(body, view);
  if ('error' in fields) return fields;
  const consent = readConsent(body, view);
  if ('error' in consent) return consent;
  return { answers: { customFields: fields.values, consent: consent.consent, ...names, taxId: tax.taxId } };
}
