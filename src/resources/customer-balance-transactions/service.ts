/**
 * Customer balance transactions (`/v1/customers/:id/balance_transactions`): every move of a
 * customer's `balance`, as an object (docs/decisions.md#customer-balance-transactions).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage, type ListObject } from '../../api/list.js';
import { int, mergeMetadata, metadata, parseParams, required, str } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { findCustomer, lockCustomer, saveCustomer } from '../customers/service.js';
import type { Customer } from '../customers/shape.js';
import { balanceTransactionColumns, balanceTransactions, type CustomerBalanceTransaction } from './store.js';

type Move = { amount: number; currency: string; type: string; credit_note?: string; invoice?: string; description?: string | null; metadata?: Record<string, string> };

/**
 * Records a move of `customer`'s balance already saved (its `balance` is the ending balance): the
 * transaction's id. For moves made with other changes to the customer (an invoice's finalization).
 */
export async function recordBalanceMove(ctx: Ctx, customer: string, endingBalance: number, move: Move, at?: number): Promise<string> {
  const t: CustomerBalanceTransaction = {
    id: newId('cbtxn_'),
    object: 'customer_balance_transaction',
    amount: move.amount,
    checkout_session: null,
    created: at ?? unixNow(ctx.deps.clock),
    credit_note: move.credit_note ?? null,
    currency: move.currency,
    customer,
    customer_account: null,
    description: move.description ?? null,
    ending_balance: endingBalance,
    invoice: move.invoice ?? null,
    livemode: false,
    metadata: move.metadata ?? {},
    type: move.type,
  };
  await balanceTransactions.insert(ctx.db, ctx.account, t, balanceTransactionColumns(t));
  return t.id;
}

/** Moves the (locked) customer's balance by `move.amount` (`customer.updated`) and records it: the transaction. */
export async function moveCustomerBalance(ctx: Ctx, customer: Customer, move: Move, at?: number): Promise<string> {
  const ending = customer.balance + move.amount;
  await saveCustomer(ctx, customer, { ...customer, balance: ending });
  return recordBalanceMove(ctx, customer.id, ending, move, at);
}

/** POST /v1/customers/:id/balance_transactions: an `adjustment`. */
export async function createCustomerBalanceTransaction(ctx: Ctx, customerId: string, params: FormObject): Promise<CustomerBalanceTransaction> {
  const p = parseParams({ amount: required(int()), currency: required(str({ max: 3 })), description: str({ max: 350 }), metadata: metadata() }, params);
  if (p.amount === 0) throw errors.invalid('The amount must not be 0.', 'amount');
  const customer = await lockCustomer(ctx, customerId);
  const currency = p.currency.toLowerCase();
  if (customer.currency && customer.currency !== currency) throw errors.invalid(`The currency must be the customer's (${customer.currency}).`, 'currency');
  const id = await moveCustomerBalance(ctx, customer, { amount: p.amount, currency, type: 'adjustment', description: p.description ?? null, metadata: mergeMetadata({}, p.metadata) });
  return (await balanceTransactions.get(ctx.db, ctx.account, id)) as CustomerBalanceTransaction;
}

async function liveCustomer(ctx: Ctx, id: string): Promise<boolean> {
  const c = await findCustomer(ctx, id);
  return c !== undefined && !('deleted' in c && c.deleted === true);
}

async function requireTransaction(ctx: Ctx, customerId: string, id: string, lock = false): Promise<CustomerBalanceTransaction> {
  if (!(await liveCustomer(ctx, customerId))) throw errors.missingResource('customer', customerId);
  const t = lock ? await balanceTransactions.getForUpdate(ctx.db, ctx.account, id) : await balanceTransactions.get(ctx.db, ctx.account, id);
  if (!t || t.customer !== customerId) throw errors.missingResource('customer_balance_transaction', id, 'transaction');
  return t;
}

/** GET /v1/customers/:id/balance_transactions/:transaction */
export function retrieveCustomerBalanceTransaction(ctx: Ctx, customerId: string, id: string, params: FormObject): Promise<CustomerBalanceTransaction> {
  parseParams({}, params);
  return requireTransaction(ctx, customerId, id);
}

/** POST /v1/customers/:id/balance_transactions/:transaction: `description` and `metadata` only; no event (Stripe has none). */
export async function updateCustomerBalanceTransaction(ctx: Ctx, customerId: string, id: string, params: FormObject): Promise<CustomerBalanceTransaction> {
  const p = parseParams({ description: str({ max: 350 }), metadata: metadata() }, params);
  const current = await requireTransaction(ctx, customerId, id, true);
  const next: CustomerBalanceTransaction = { ...current, ...(p.description !== undefined ? { description: p.description } : {}), metadata: mergeMetadata(current.metadata, p.metadata) };
  await balanceTransactions.update(ctx.db, ctx.account, next, balanceTransactionColumns(next));
  return next;
}

/** GET /v1/customers/:id/balance_transactions: newest first. */
export async function listCustomerBalanceTransactions(ctx: Ctx, customerId: string, params: FormObject, url: string): Promise<ListObject<CustomerBalanceTransaction>> {
  const p = parseParams({ ...listParams, invoice: str({ max: 5000 }) }, params);
  if (!(await liveCustomer(ctx, customerId))) throw errors.missingResource('customer', customerId);
  const page = toPage(p);
  const result = await balanceTransactions.list(ctx.db, ctx.account, { customer_id: customerId }, page);
  const data = p.invoice === undefined ? result.data : result.data.filter((t) => t.invoice === p.invoice);
  return listObject(url, { ...result, data }, 'customer_balance_transaction', page);
}

/** The transaction with this id, for `expand[]`. */
export function findCustomerBalanceTransaction(ctx: Ctx, id: string): Promise<CustomerBalanceTransaction | undefined> {
  return balanceTransactions.get(ctx.db, ctx.account, id);
}
