/**
 * A customer's cash balance (`/v1/customers/:id/cash_balance`), its transactions
 * (`/cash_balance_transactions`) and the test helper that stands for a bank transfer arriving
 * (`/v1/test_helpers/customers/:id/fund_cash_balance`): docs/decisions.md#bank-transfers-and-the-cash-balance.
 * Applying funds to waiting PaymentIntents is the payment-intents module's (the
 * `fundCashBalance` hook), which moves the balance through {@link moveCash}.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage, type ListObject } from '../../api/list.js';
import { expand, int, obj, oneOf, parseParams, required, str } from '../../api/params.js';
import { emit } from '../../events/emit.js';
import { currencyParam } from '../../money/currencies.js';
import { findCustomer } from '../customers/service.js';
import { businessNow } from '../test-clocks/store.js';
import {
  cashTransactions,
  findCashBalance,
  findCashTransaction,
  insertCashTransaction,
  lockCashBalance,
  saveCashBalance,
  type CashBalanceTransaction,
  type StoredCashBalance,
} from './store.js';

/** `CashBalance` (stripe-node 23) as served. */
export interface CashBalance {
  object: 'cash_balance';
  available: Record<string, number> | null;
  customer: string;
  customer_account: null;
  livemode: false;
  settings: { reconciliation_mode: 'automatic' | 'manual'; using_merchant_default: boolean };
}

/** The served object of a stored balance (none yet: no currency has ever been funded). */
export function cashBalanceObject(customerId: string, b: StoredCashBalance | undefined): CashBalance {
  const available = b && Object.keys(b.available).length > 0 ? { ...b.available } : null;
  return {
    object: 'cash_balance',
    available,
    customer: customerId,
    customer_account: null,
    livemode: false,
    settings: { reconciliation_mode: b?.reconciliation_mode ?? 'automatic', using_merchant_default: (b?.reconciliation_mode ?? null) === null },
  };
}

/** Whether funds that arrive are applied to waiting payments at once (the customer's mode, else the account's: automatic). */
export function reconcilesAutomatically(b: StoredCashBalance): boolean {
  return (b.reconciliation_mode ?? 'automatic') === 'automatic';
}

/** A live customer of this account; deleted or unknown -> 404. */
async function requireLiveCustomer(ctx: Ctx, id: string): Promise<{ test_clock: string | null }> {
  const c = await findCustomer(ctx, id);
  if (!c || ('deleted' in c && c.deleted === true)) throw errors.missingResource('customer', id);
  return c as { test_clock: string | null };
}

export type CashMove =
  | { type: 'funded'; bank_transfer: { type: string; reference: string | null } & Record<string, unknown> }
  | { type: 'applied_to_payment' | 'unapplied_from_payment'; payment_intent: string }
  | { type: 'refunded_from_payment'; refund: string };

/**
 * Moves a locked cash balance by `net` in `currency` (funds in, applied to a payment, given back),
 * records the move and emits `customer_cash_balance_transaction.created`, in the caller's
 * transaction. `balance` is updated in place. A move below zero is a bug, refused.
 */
export async function moveCash(ctx: Ctx, balance: StoredCashBalance, currency: string, net: number, move: CashMove, at: number): Promise<CashBalanceTransaction> {
  const ending = (balance.available[currency] ?? 0) + net;
  if (ending < 0) throw new Error(`cash balance of ${balance.id} would go below zero in ${currency}`);
  balance.available = { ...balance.available, [currency]: ending };
  await saveCashBalance(ctx, balance);
  const detail =
    move.type === 'funded'
      ? { funded: { bank_transfer: move.bank_transfer } }
      : move.type === 'refunded_from_payment'
        ? { refunded_from_payment: { refund: move.refund } }
        : { [move.type]: { payment_intent: move.payment_intent } };
  const t: CashBalanceTransaction = {
    id: newId('ccsbtxn_'),
    object: 'customer_cash_balance_transaction',
    ...detail,
    created: at,
    currency,
    customer: balance.id,
    customer_account: null,
    ending_balance: ending,
    livemode: false,
    net_amount: net,
    type: move.type,
  };
  await insertCashTransaction(ctx, t);
  await emit(ctx, 'customer_cash_balance_transaction.created', t, undefined, at);
  return t;
}

/** `cash_balance.funds_available`: money in `currency` is left in the balance after funds arrived and were applied. */
export async function announceFundsAvailable(ctx: Ctx, balance: StoredCashBalance, currency: string, at: number): Promise<void> {
  if ((balance.available[currency] ?? 0) > 0) await emit(ctx, 'cash_balance.funds_available', cashBalanceObject(balance.id, balance), undefined, at);
}

export { lockCashBalance, type StoredCashBalance, type CashBalanceTransaction };

/** GET /v1/customers/:id/cash_balance */
export async function retrieveCashBalance(ctx: Ctx, customerId: string, params: FormObject): Promise<CashBalance> {
  parseParams({ expand: expand() }, params);
  await requireLiveCustomer(ctx, customerId);
  return cashBalanceObject(customerId, await findCashBalance(ctx, customerId));
}

/** POST /v1/customers/:id/cash_balance: `settings[reconciliation_mode]` (`merchant_default` goes back to the account's). */
export async function updateCashBalance(ctx: Ctx, customerId: string, params: FormObject): Promise<CashBalance> {
  const p = parseParams({ expand: expand(), settings: obj({ reconciliation_mode: oneOf(['automatic', 'manual', 'merchant_default'] as const) }) }, params);
  const c = await requireLiveCustomer(ctx, customerId);
  const balance = await lockCashBalance(ctx, customerId, await businessNow(ctx, c.test_clock));
  const mode = p.settings?.reconciliation_mode;
  if (mode !== undefined) {
    balance.reconciliation_mode = mode === 'merchant_default' ? null : mode;
    await saveCashBalance(ctx, balance);
  }
  return cashBalanceObject(customerId, balance);
}

/** GET /v1/customers/:id/cash_balance_transactions: newest first. */
export async function listCashTransactions(ctx: Ctx, customerId: string, params: FormObject, url: string): Promise<ListObject<CashBalanceTransaction>> {
  const p = parseParams({ ...listParams, expand: expand() }, params);
  await requireLiveCustomer(ctx, customerId);
  const page = toPage(p);
  return listObject(url, await cashTransactions.list(ctx.db, ctx.account, { customer_id: customerId }, page), 'customer_cash_balance_transaction', page);
}

/** GET /v1/customers/:id/cash_balance_transactions/:transaction */
export async function retrieveCashTransaction(ctx: Ctx, customerId: string, id: string, params: FormObject): Promise<CashBalanceTransaction> {
  parseParams({ expand: expand() }, params);
  await requireLiveCustomer(ctx, customerId);
  const t = await findCashTransaction(ctx, id);
  if (!t || t.customer !== customerId) throw errors.missingResource('customer_cash_balance_transaction', id, 'transaction');
  return t;
}

/**
 * POST /v1/test_helpers/customers/:id/fund_cash_balance: a bank transfer of `amount` arrives in
 * the customer's cash balance (`funded`), and is applied to the PaymentIntents waiting for it, as
 * Stripe's test mode does. Answers the `funded` transaction.
 */
export async function fundCashBalance(ctx: Ctx, customerId: string, params: FormObject): Promise<CashBalanceTransaction> {
  const p = parseParams({ amount: required(int({ min: 1 })), currency: required(currencyParam()), reference: str({ max: 5000 }), expand: expand() }, params);
  const c = await requireLiveCustomer(ctx, customerId);
  const at = await businessNow(ctx, c.test_clock);
  return ctx.deps.hooks.fundCashBalance(ctx, customerId, { amount: p.amount, currency: p.currency, reference: p.reference ?? null }, at);
}
