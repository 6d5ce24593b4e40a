/**
 * The payment method types OpenCheckout takes, one module each behind one interface (types.ts;
 * docs/architecture.md#payment-method-types). What differs by type is asked of this registry
 * (`paymentMethodType(pm.type).settlement`), never decided by comparing a type's name. The list is
 * plain data: nothing registers itself at import.
 */
import { errors } from '../api/errors.js';
import type { Field } from '../api/params.js';
import { formatAmount } from '../pages/money.js';
import type { SupportedType } from '../resources/payment-methods/shape.js';
import { card } from './card.js';
import { customerBalance } from './customer-balance.js';
import { konbini } from './konbini.js';
import { link } from './link.js';
import { sepaDebit } from './sepa-debit.js';
import type { BankTransferFunding, PaymentMethodType } from './types.js';
import { usBankAccount } from './us-bank-account.js';

/**
 * Every type by its name, in the order the hosted page offers them and their params are checked.
 * Keyed by `SupportedType`, so a name in shape.ts without a module here does not compile.
 */
const BY_NAME: Readonly<Record<SupportedType, PaymentMethodType>> = {
  card,
  us_bank_account: usBankAccount,
  sepa_debit: sepaDebit,
  konbini,
  link,
  customer_balance: customerBalance,
};

/**
 * A PaymentIntent's `payment_method_options`: each type's sub-hash checked by the type's
 * `intentOptions` where it has one; the rest kept as sent.
 */
export function parseIntentOptions(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const type of Object.values(BY_NAME)) {
    if (type.intentOptions && raw[type.type] !== undefined) {
      out[type.type] = type.intentOptions.parse(raw[type.type] as Parameters<Field<unknown>['parse']>[0], `payment_method_options[${type.type}]`);
    }
  }
  return out;
}

/** Every type, in registry order. */
export const PAYMENT_METHOD_TYPES: readonly PaymentMethodType[] = Object.values(BY_NAME);

/** A type the hosted page offers: it has page fields (a bank transfer has none). */
export type HostedPaymentMethodType = PaymentMethodType & { page: NonNullable<PaymentMethodType['page']> };

function isHosted(t: PaymentMethodType): t is HostedPaymentMethodType {
  return t.page !== undefined;
}

/** The types the hosted page (Checkout, Payment Links, the invoice page) offers, in registry order. */
export const HOSTED_PAYMENT_METHOD_TYPES: readonly HostedPaymentMethodType[] = PAYMENT_METHOD_TYPES.filter(isHosted);

/** What a Checkout Session offers when it names no type, as on Stripe. */
export const DEFAULT_PAYMENT_METHOD_TYPE: SupportedType = card.type;

/** The type of a stored or parsed PaymentMethod. */
export function paymentMethodType(name: SupportedType): PaymentMethodType {
  return BY_NAME[name];
}

/** The type named `name`, or undefined when OpenCheckout does not take it. */
export function findPaymentMethodType(name: string): PaymentMethodType | undefined {
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name as SupportedType] : undefined;
}

/** The type paid by bank transfer to the customer's cash balance (docs/decisions.md#bank-transfers-and-the-cash-balance). */
export function bankTransferType(): PaymentMethodType & { bankTransfer: BankTransferFunding } {
  const t = PAYMENT_METHOD_TYPES.find((x) => x.bankTransfer !== undefined);
  if (!t?.bankTransfer) throw new Error('no payment method type pays by bank transfer');
  return t as PaymentMethodType & { bankTransfer: BankTransferFunding };
}

/** The hosted page's type `name` (card, the default): throws for a type the page does not offer. */
export function hostedPaymentMethodType(name: SupportedType): HostedPaymentMethodType {
  const t = BY_NAME[name];
  if (!isHosted(t)) throw new Error(`the hosted page does not offer ${name}`);
  return t;
}

/** The hosted page's type named `name`, or undefined when the page does not offer it. */
export function findHostedPaymentMethodType(name: string): HostedPaymentMethodType | undefined {
  const t = findPaymentMethodType(name);
  return t && isHosted(t) ? t : undefined;
}

/**
 * The type named `name` that the hosted page offers (what a Checkout Session may list); any other
 * is refused naming `param` (400 payment_method_type_invalid).
 */
export function requirePaymentMethodType(name: string, param: string): HostedPaymentMethodType {
  const found = findHostedPaymentMethodType(name);
  if (found) return found;
  throw errors.invalid(
    `The payment method type \`${name}\` is not available here. OpenCheckout's hosted page takes: ${HOSTED_PAYMENT_METHOD_TYPES.map((t) => t.type).join(', ')}.`,
    param,
    'payment_method_type_invalid',
  );
}

/**
 * The type named `name` for a PaymentIntent or SetupIntent made through the API, which may also
 * name types the hosted page does not offer (a bank transfer); any other is refused naming `param`.
 */
export function requireIntentPaymentMethodType(name: string, param: string): PaymentMethodType {
  const found = findPaymentMethodType(name);
  if (found) return found;
  throw errors.invalid(
    `The payment method type \`${name}\` is not available here. OpenCheckout takes: ${PAYMENT_METHOD_TYPES.map((t) => t.type).join(', ')}.`,
    param,
    'payment_method_type_invalid',
  );
}

/** Whether Checkout may prefill a saved payment method of type `name`. */
export function isPrefillable(name: string): boolean {
  return findPaymentMethodType(name)?.prefillable === true;
}

/** Each type's create params (`card[...]`, ...), keyed by type, in registry order. */
export function createParamsByType(): Record<SupportedType, Field<unknown>> {
  return byType((t) => t.params.create);
}

/** Each type's update params, keyed by type, in registry order. */
export function updateParamsByType(): Record<SupportedType, Field<unknown>> {
  return byType((t) => t.params.update);
}

function byType<T>(pick: (t: PaymentMethodType) => T): Record<SupportedType, T> {
  // Every key of BY_NAME is mapped, so the result has every SupportedType.
  return Object.fromEntries(PAYMENT_METHOD_TYPES.map((t) => [t.type, pick(t)])) as Record<SupportedType, T>;
}

/**
 * Refuses an amount the type does not take in `currency` (konbini: ¥120 to ¥300,000) with Stripe's
 * words for a charge amount out of range (400 `amount_too_small` / `amount_too_large`).
 */
export function checkTypeAmount(t: PaymentMethodType, amount: number, currency: string, param?: string): void {
  const limits = t.amountLimits?.[currency];
  if (!limits) return;
  if (amount < limits.min) {
    throw errors.invalid(`Amount must be at least ${formatAmount(limits.min, currency, 'en')} ${currency} to pay with \`${t.type}\`.`, param, 'amount_too_small');
  }
  if (amount > limits.max) {
    throw errors.invalid(`Amount must be no more than ${formatAmount(limits.max, currency, 'en')} ${currency} to pay with \`${t.type}\`.`, param, 'amount_too_large');
  }
}

export type { BankTransferFunding, BankTransferInput, BuildContext, PageEntry, PageRender, PaymentMethodPage, PaymentMethodType, Settlement, Voucher, VoucherInput } from './types.js';
export { bankTransferInstructions, bankTransferPath, withAmountRemaining } from './customer-balance.js';
export { konbiniDetails, type KonbiniDisplayDetails, KONBINI_STORES } from './konbini.js';
export {
  awaitsMicrodeposits,
  checkMicrodeposits,
  microdepositAction,
  microdepositAttemptLimit,
  microdepositFailure,
  microdepositMismatch,
  microdepositPath,
  microdepositsRequired,
  MICRODEPOSITS_EXCEEDED,
  MICRODEPOSITS_NOT_DELIVERED,
  type MicrodepositResult,
  type MicrodepositValues,
} from './microdeposits.js';
