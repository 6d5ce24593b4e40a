import { BANK_FAILURES, type BankFailure, type Decline } from './declines.js';

/** What happens to a debit from a US bank account: ACH settles later (docs/decisions.md#delayed-payments-ach). */
export type BankSettlement = { outcome: 'succeeded' } | ({ outcome: 'failed' } & BankFailure) | { outcome: 'pending' };

/**
 * Stripe's test bank accounts (https://docs.stripe.com/payments/ach-direct-debit/accept-a-payment,
 * "Test account numbers"). All use routing number 110000000. Stripe's test accounts count as
 * instantly verified (docs/decisions.md#delayed-payments-ach), so the microdeposit account simply succeeds.
 */
export interface TestBankAccount {
  account: string;
  /** Stripe's ready-made PaymentMethod ids (`pm_usBankAccount_success`, ...). */
  paymentMethods: readonly string[];
  settlement: BankSettlement;
  /** Refused before any money moves (Radar). */
  blocked?: Decline;
  /** Microdeposits cannot be sent to it: a verification by microdeposits fails. */
  microdepositsFail?: boolean;
}

export const TEST_ROUTING_NUMBER = '110000000';
export const TEST_BANK_NAME = 'STRIPE TEST BANK';

const succeeds: BankSettlement = { outcome: 'succeeded' };
const fails = (f: BankFailure): BankSettlement => ({ outcome: 'failed', ...f });

export const TEST_BANK_ACCOUNTS: readonly TestBankAccount[] = [
  { account: '000123456789', paymentMethods: ['pm_usBankAccount_success', 'pm_usBankAccount'], settlement: succeeds },
  { account: '000111111113', paymentMethods: ['pm_usBankAccount_accountClosed'], settlement: fails(BANK_FAILURES.accountClosed) },
  { account: '000111111116', paymentMethods: ['pm_usBankAccount_noAccount'], settlement: fails(BANK_FAILURES.noAccount) },
  { account: '000222222227', paymentMethods: ['pm_usBankAccount_insufficientFunds'], settlement: fails(BANK_FAILURES.insufficientFunds) },
  { account: '000333333335', paymentMethods: ['pm_usBankAccount_debitNotAuthorized'], settlement: fails(BANK_FAILURES.debitNotAuthorized) },
  { account: '000444444440', paymentMethods: ['pm_usBankAccount_invalidCurrency'], settlement: fails(BANK_FAILURES.invalidCurrency) },
  { account: '000666666661', paymentMethods: ['pm_usBankAccount_failMicrodeposits'], settlement: succeeds, microdepositsFail: true },
  { account: '000555555559', paymentMethods: ['pm_usBankAccount_dispute'], settlement: succeeds },
  { account: '000000000009', paymentMethods: ['pm_usBankAccount_processing'], settlement: { outcome: 'pending' } },
  {
    account: '000000004954',
    paymentMethods: ['pm_usBankAccount_riskLevelHighest'],
    settlement: succeeds,
    blocked: { code: 'payment_method_provider_decline', decline_code: 'fraudulent', message: 'The payment was blocked because it was assessed as high risk.' },
  },
];

const byAccount = new Map(TEST_BANK_ACCOUNTS.map((a) => [a.account, a]));
const byPaymentMethod = new Map(TEST_BANK_ACCOUNTS.flatMap((a) => a.paymentMethods.map((id) => [id, a] as const)));

/** The test account with this routing and account number, if it is one. */
export function testBankAccount(routing: string, account: string): TestBankAccount | undefined {
  return routing === TEST_ROUTING_NUMBER ? byAccount.get(account) : undefined;
}

/** The test account a ready-made id (`pm_usBankAccount_success`) stands for. */
export function testBankAccountByPaymentMethodId(id: string): TestBankAccount | undefined {
  return byPaymentMethod.get(id);
}

/** A bank-details problem, as Stripe reports it (400, on one field). */
export interface BankInputError {
  code: 'routing_number_invalid' | 'account_number_invalid';
  message: string;
  field: 'routing_number' | 'account_number';
}

/** ABA routing numbers: 9 digits whose weighted sum (3, 7, 1, ...) is a multiple of 10. */
export function routingNumberValid(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (routing.charCodeAt(i) - 48) * (w[i] as number);
  return sum % 10 === 0;
}

/** Checks routing and account number the way Stripe does before creating the PaymentMethod. */
export function checkBankAccount(routing: string, account: string): BankInputError | undefined {
  if (!routingNumberValid(routing)) {
    return { code: 'routing_number_invalid', message: 'Routing number must have 9 digits and be a valid ABA routing number.', field: 'routing_number' };
  }
  if (!/^\d{4,17}$/.test(account)) {
    return { code: 'account_number_invalid', message: 'Account number must have between 4 and 17 digits.', field: 'account_number' };
  }
  return undefined;
}
