/**
 * US bank accounts (ACH Direct Debit): routing and account number, checked by the processor,
 * settled later by the settlement job, in `usd` only, never prefilled
 * (docs/decisions.md#delayed-payments-ach, docs/decisions.md#checkout-session-parameters).
 */
import { errors } from '../api/errors.js';
import { obj, oneOf, str, type Infer } from '../api/params.js';
import { describeBankAccount, testBankDetails, type BankDetails } from '../processor/index.js';
import { esc } from '../pages/escape.js';
import { field, input } from '../pages/fields.js';
import type { FormError } from '../pages/form.js';
import type { PageLocale } from '../pages/i18n.js';
import type { UsBankAccountShape } from '../resources/payment-methods/shape.js';
import { US_BANK_ACCOUNT_TEXT } from './text/us-bank-account.js';
import type { PageEntry, PaymentMethodType } from './types.js';

const TYPE = 'us_bank_account';

const accountHolderType = () => oneOf(['individual', 'company']);
const accountType = () => oneOf(['checking', 'savings']);

const createParams = obj({
  routing_number: str({ max: 50 }),
  account_number: str({ max: 50 }),
  account_holder_type: accountHolderType(),
  account_type: accountType(),
});
const updateParams = obj({ account_holder_type: accountHolderType(), account_type: accountType() });

/** `us_bank_account[...]` on create. The account number is never stored whole. */
export type UsBankAccountParams = Partial<NonNullable<Infer<typeof createParams>>>;
type UsBankAccountUpdate = NonNullable<Infer<typeof updateParams>>;

/** `PaymentMethod.us_bank_account` from what the processor tells about an account. */
export function toBankShape(
  d: BankDetails,
  holder: 'individual' | 'company' = 'individual',
  account: 'checking' | 'savings' = 'checking',
): UsBankAccountShape {
  return {
    account_holder_type: holder,
    account_type: account,
    bank_name: d.bank_name,
    financial_connections_account: null,
    fingerprint: d.fingerprint,
    last4: d.last4,
    networks: { preferred: 'ach', supported: ['ach'] },
    routing_number: d.routing_number,
    status_details: {},
  };
}

/** Only the form's shape is checked here; the processor checks the routing number's checksum. */
function read(body: URLSearchParams, locale: PageLocale = 'en'): PageEntry<UsBankAccountParams> | FormError {
  const t = US_BANK_ACCOUNT_TEXT[locale];
  const routingNumber = field(body, 'routingNumber').replace(/\s/g, '');
  const accountNumber = (body.get('accountNumber') ?? '').replace(/\s/g, '');
  const accountHolderName = field(body, 'accountHolderName');
  if (!/^\d{9}$/.test(routingNumber)) return { code: 'invalid_routing_number', field: 'routingNumber', message: t.routingInvalid };
  if (!/^\d{4,17}$/.test(accountNumber)) return { code: 'invalid_account_number', field: 'accountNumber', message: t.accountInvalid };
  if (accountHolderName === '') return { code: 'incomplete_name', field: 'accountHolderName', message: t.holderMissing };
  const holderType = field(body, 'accountHolderType') === 'company' ? 'company' : 'individual';
  return {
    params: { routing_number: routingNumber, account_number: accountNumber, account_holder_type: holderType },
    save: false,
    billingName: accountHolderName,
  };
}

/** US bank accounts. */
export const usBankAccount: PaymentMethodType<UsBankAccountShape, UsBankAccountParams, UsBankAccountUpdate> = {
  type: TYPE,
  noun: 'a US bank account',
  settlement: 'delayed',
  prefillable: false,
  currencies: ['usd'],
  reusable: true,
  params: { create: createParams, update: updateParams },

  async build(c, p) {
    if (!p) throw errors.missingParam(TYPE);
    if (p.routing_number === undefined) throw errors.missingParam(`${TYPE}[routing_number]`);
    if (p.account_number === undefined) throw errors.missingParam(`${TYPE}[account_number]`);
    const result = await describeBankAccount(c.db, p.routing_number, p.account_number);
    if (!result.ok) throw errors.invalid(result.error.message, `${TYPE}[${result.error.field}]`, result.error.code);
    // Stripe requires the account holder's name to debit an account.
    if (!c.billing.name) throw errors.missingParam('billing_details[name]');
    return toBankShape(result.bank, p.account_holder_type, p.account_type);
  },

  update(_now, current, change) {
    return {
      ...current,
      account_holder_type: change.account_holder_type ?? current.account_holder_type,
      account_type: change.account_type ?? current.account_type,
    };
  },

  // Stripe's ACH mandate: accepted online or on paper (`collection_method: paper` only for paper ones).
  mandateDetails: () => ({}),
  chargeDetails(b, c) {
    return {
      account_holder_type: b.account_holder_type,
      account_type: b.account_type,
      bank_name: b.bank_name,
      fingerprint: b.fingerprint,
      last4: b.last4,
      mandate: c.mandate ?? null,
      payment_reference: null,
      routing_number: b.routing_number,
    };
  },
  async testDetails(db, id) {
    const details = await testBankDetails(db, id);
    return details ? toBankShape(details) : undefined;
  },

  page: {
    label: {
      en: 'US bank account', ja: '米国の銀行口座', fr: 'Compte bancaire américain', de: 'US-Bankkonto', es: 'Cuenta bancaria de EE. UU.',
      it: 'Conto bancario statunitense', nl: 'Amerikaanse bankrekening', pt: 'Conta bancária dos EUA', zh: '美国银行账户', ko: '미국 은행 계좌',
    },
    render({ values: v, error, locale }) {
      const o = { error };
      const t = US_BANK_ACCOUNT_TEXT[locale];
      const company = v.accountHolderType === 'company';
      return (
        `<div class="f">${input('accountHolderName', v.accountHolderName, `autocomplete="name" placeholder="${esc(t.fullName)}"`, o, esc(t.accountHolderName))}</div>` +
        `<div class="f"><label for="accountHolderType">${esc(t.accountType)}</label><select class="in" id="accountHolderType" name="accountHolderType">` +
        `<option value="individual"${company ? '' : ' selected'}>${esc(t.individual)}</option><option value="company"${company ? ' selected' : ''}>${esc(t.company)}</option></select></div>` +
        `<div class="two"><div class="f">${input('routingNumber', v.routingNumber, 'inputmode="numeric" autocomplete="off" placeholder="110000000" maxlength="9"', o, esc(t.routingNumber))}</div>` +
        `<div class="f">${input('accountNumber', '', 'inputmode="numeric" autocomplete="off" placeholder="000123456789" maxlength="17"', o, esc(t.accountNumber))}</div></div>` +
        `<p class="fine">${esc(t.mandate)}</p>`
      );
    },
    read,
    kept: ['routingNumber', 'accountHolderName', 'accountHolderType'],
    initial: { accountHolderType: 'individual' },
    fieldOfParam: { routing_number: 'routingNumber', account_number: 'accountNumber' },
    // The account holder's name is the billing name; a debit needs no billing address.
    requiresBillingFields: false,
  },
};
