/**
 * PaymentIntents paid by bank transfer (to the customer's cash balance): confirming shows the transfer
 * instructions (`requires_action`, `display_bank_transfer_instructions`), and the customer's cash
 * balance pays them, at confirmation when it already holds money, or when a transfer arrives
 * (`fund_cash_balance`): partly (`payment_intent.partially_funded`, `amount_remaining` shrinks) or
 * fully (the charge, `payment_intent.succeeded`). Docs: decisions.md#bank-transfers-and-the-cash-balance.
 *
 * Locks: PaymentIntents first (in id order when several), the cash balance last, on every path
 * (confirm, cancel, funding), so two of them never wait on each other on PostgreSQL.
 */
import { randomInt } from 'node:crypto';
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { bankTransferInstructions, bankTransferPath, bankTransferType, withAmountRemaining } from '../../payment-method-types/index.js';
import { announceFundsAvailable, lockCashBalance, moveCash, reconcilesAutomatically, type CashBalanceTransaction, type StoredCashBalance } from '../cash-balance/service.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import { chargeAttempt } from './charging.js';
import { paymentIntents, savePaymentIntent, transitionPaymentIntent, type PaymentIntent } from './service.js';

const REFERENCE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** The reference the buyer writes on the transfer: 10 characters, no look-alikes. */
function newReference(): string {
  let out = '';
  for (let i = 0; i < 10; i++) out += REFERENCE_CHARS[randomInt(REFERENCE_CHARS.length)];
  return out;
}

/** What has been applied to a PaymentIntent from the cash balance so far. */
export function amountFunded(pi: PaymentIntent): number {
  const i = bankTransferInstructions(pi.next_action);
  return i ? pi.amount - i.amount_remaining : 0;
}

/**
 * Confirming with a bank transfer: the instructions (the customer's virtual account, the amount,
 * a reference), `payment_intent.requires_action`, then what the cash balance already holds is
 * applied (automatic reconciliation). A PaymentIntent confirmed again keeps its reference and
 * what was applied. A customer is required, as on Stripe.
 */
export async function startBankTransfer(ctx: Ctx, before: PaymentIntent, base: PaymentIntent, pm: PaymentMethod, now: number): Promise<PaymentIntent> {
  if (!base.customer) {
    throw errors.invalid(`A customer is required to pay with \`${pm.type}\`. Create the PaymentIntent with a \`customer\`.`, 'customer');
  }
  if (base.capture_method === 'manual') {
    throw errors.invalid(`The PaymentMethod \`${pm.type}\` does not support \`capture_method: manual\`.`, 'capture_method');
  }
  const funding = bankTransferType().bankTransfer;
  const options = base.payment_method_options[pm.type] as Record<string, unknown> | undefined;
  const transferType = funding.transferType(options, base.currency);
  const earlier = bankTransferInstructions(before.next_action);
  const nextAction = funding.instructions({
    currency: base.currency,
    amountRemaining: earlier?.amount_remaining ?? base.amount,
    transferType,
    seed: `${ctx.account}:${base.customer}`,
    reference: earlier?.reference ?? newReference(),
    options,
    hostedInstructionsUrl: `${ctx.deps.publicUrl()}${bankTransferPath(base.id)}`,
  });
  const waiting: PaymentIntent = { ...base, status: 'requires_action', last_payment_error: null, next_action: nextAction };
  const after = await transitionPaymentIntent(ctx, before, waiting, now);
  const balance = await lockCashBalance(ctx, base.customer, now);
  return reconcilesAutomatically(balance) ? (await applyCashBalance(ctx, balance, after, now)).pi : after;
}

/**
 * Applies what the (locked) cash balance holds in the PaymentIntent's currency to the (locked)
 * PaymentIntent waiting for a transfer: an `applied_to_payment` transaction, then
 * `payment_intent.partially_funded` with a smaller `amount_remaining`, or, once all of it is
 * there, the charge (`charge.succeeded`) and `payment_intent.succeeded`. `limit`: at most this much.
 */
export async function applyCashBalance(ctx: Ctx, balance: StoredCashBalance, pi: PaymentIntent, now: number, limit = Infinity): Promise<{ pi: PaymentIntent; applied: number }> {
  const instructions = bankTransferInstructions(pi.next_action);
  if (pi.status !== 'requires_action' || !instructions || !pi.next_action) return { pi, applied: 0 };
  const applied = Math.min(balance.available[pi.currency] ?? 0, instructions.amount_remaining, limit);
  if (applied <= 0) return { pi, applied: 0 };
  // An invoice's PaymentIntent is paid in full or not at all: Stripe does not partly fund invoices.
  if (applied < instructions.amount_remaining && (await ctx.deps.hooks.invoiceOfPaymentIntent(ctx, pi.id)) !== null) return { pi, applied: 0 };
  await moveCash(ctx, balance, pi.currency, -applied, { type: 'applied_to_payment', payment_intent: pi.id }, now);
  const remaining = instructions.amount_remaining - applied;
  if (remaining > 0) {
    const next: PaymentIntent = { ...pi, next_action: withAmountRemaining(pi.next_action, remaining) };
    await savePaymentIntent(ctx, next);
    await emit(ctx, 'payment_intent.partially_funded', next, previousAttributes(pi, next), now);
    return { pi: next, applied };
  }
  const pm = pi.payment_method ? await findPaymentMethod(ctx, pi.payment_method) : undefined;
  if (!pm) throw new Error(`PaymentIntent ${pi.id} waits for a transfer without a payment method`);
  const charged = await chargeAttempt(ctx, pi, pm, { status: 'succeeded' }, now);
  const paid = await transitionPaymentIntent(ctx, pi, { ...charged, status: 'succeeded', amount_received: pi.amount, next_action: null, last_payment_error: null }, now);
  return { pi: paid, applied };
}

/**
 * Pays a PaymentIntent waiting for a transfer from what the customer's cash balance already holds,
 * when it holds all that is still due (an invoice paid with `POST /v1/invoices/:id/pay`; manual
 * reconciliation included). Answers the PaymentIntent (succeeded), or null when the balance does
 * not cover it or the PaymentIntent waits for no transfer.
 */
export async function payFromCashBalance(ctx: Ctx, paymentIntentId: string, now: number): Promise<PaymentIntent | null> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, paymentIntentId);
  const instructions = pi ? bankTransferInstructions(pi.next_action) : undefined;
  if (!pi || !pi.customer || pi.status !== 'requires_action' || !instructions) return null;
  const balance = await lockCashBalance(ctx, pi.customer, now);
  if ((balance.available[pi.currency] ?? 0) < instructions.amount_remaining) return null;
  return (await applyCashBalance(ctx, balance, pi, now)).pi;
}

/** Whether the PaymentIntent waits for a bank transfer to the customer's cash balance. */
export function waitsForTransfer(pi: PaymentIntent): boolean {
  return pi.status === 'requires_action' && bankTransferInstructions(pi.next_action) !== undefined;
}

/** A canceled PaymentIntent gives what was applied to it back to the cash balance (`unapplied_from_payment`). */
export async function returnAppliedFunds(ctx: Ctx, pi: PaymentIntent, now: number): Promise<void> {
  const funded = amountFunded(pi);
  if (funded <= 0 || !pi.customer) return;
  const balance = await lockCashBalance(ctx, pi.customer, now);
  await moveCash(ctx, balance, pi.currency, funded, { type: 'unapplied_from_payment', payment_intent: pi.id }, now);
}

/** The customer's PaymentIntents waiting for a transfer in `currency`, locked in id order. */
async function lockWaitingIntents(ctx: Ctx, customerId: string, currency: string): Promise<PaymentIntent[]> {
  const rows = await paymentIntents.select(ctx.db, ctx.account, { customer_id: customerId, status: 'requires_action' }, ['id', 'data']);
  const ids = rows
    .filter((r) => {
      const pi = JSON.parse(r.data as string) as PaymentIntent;
      return pi.currency === currency && bankTransferInstructions(pi.next_action) !== undefined;
    })
    .map((r) => r.id as string)
    .sort();
  const locked: PaymentIntent[] = [];
  for (const id of ids) {
    const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
    if (pi && pi.status === 'requires_action' && bankTransferInstructions(pi.next_action)) locked.push(pi);
  }
  return locked;
}

/**
 * The order funds are applied in (Stripe's reconciliation, simplified): the PaymentIntent whose
 * reference the transfer carries; then one waiting for exactly what the balance holds; then the
 * oldest first. In `manual` mode only the reference decides.
 */
function reconciliationOrder(waiting: PaymentIntent[], reference: string | null, available: number, automatic: boolean): PaymentIntent[] {
  const byRef = reference ? waiting.filter((pi) => bankTransferInstructions(pi.next_action)?.reference === reference) : [];
  if (!automatic) return byRef;
  const rest = waiting.filter((pi) => !byRef.includes(pi)).sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  const exact = rest.find((pi) => bankTransferInstructions(pi.next_action)?.amount_remaining === available);
  return [...byRef, ...(exact ? [exact] : []), ...rest.filter((pi) => pi !== exact)];
}

/**
 * The `fundCashBalance` hook: a transfer of `funds.amount` arrives (`funded`), then is applied to
 * the customer's waiting PaymentIntents; money left over stays in the balance
 * (`cash_balance.funds_available`).
 */
export async function fundCashBalance(ctx: Ctx, customerId: string, funds: { amount: number; currency: string; reference: string | null }, at: number): Promise<CashBalanceTransaction> {
  const bankTransfer = bankTransferType().bankTransfer.funding(funds.currency, funds.reference);
  const waiting = await lockWaitingIntents(ctx, customerId, funds.currency);
  const balance = await lockCashBalance(ctx, customerId, at);
  const funded = await moveCash(ctx, balance, funds.currency, funds.amount, { type: 'funded', bank_transfer: bankTransfer }, at);
  const automatic = reconcilesAutomatically(balance);
  const order = reconciliationOrder(waiting, funds.reference, balance.available[funds.currency] ?? 0, automatic);
  // Manual reconciliation applies only this transfer's money, to the PaymentIntent it names.
  let limit = automatic ? Infinity : funds.amount;
  for (const pi of order) {
    if ((balance.available[funds.currency] ?? 0) <= 0 || limit <= 0) break;
    limit -= (await applyCashBalance(ctx, balance, pi, at, limit)).applied;
  }
  await announceFundsAvailable(ctx, balance, funds.currency, at);
  return funded;
}
