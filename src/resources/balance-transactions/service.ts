/**
 * Balance transactions: one for each captured charge (with Stripe's processing fee), one for each
 * refund (negative, no fee returned), and the account's balance summed from them
 * (docs/decisions.md#balance-transactions). No money moves: there are no payouts.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage, type ListObject } from '../../api/list.js';
import { parseParams, str } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { findPaymentMethodType } from '../../payment-method-types/index.js';
import type { Filter } from '../../store/objects.js';
import type { Balance, BalanceTransaction } from './shape.js';
import { balanceSums, balanceTransactions, getBalanceTransaction, insertBalanceTransaction } from './store.js';

/** How a payment is priced: a card (or wallet), a bank debit, a voucher paid in cash. */
type Pricing = 'card' | 'bank_debit' | 'voucher';

/** One price: basis points of the amount (rounded half up), plus a fixed part, capped. All in the currency's smallest unit. */
interface Rate {
  bps: number;
  fixed: number;
  cap?: number;
}

interface CurrencyPricing {
  rates: Record<Pricing, Rate>;
  /** Calendar days from the charge to `available_on`. */
  availableAfterDays: number;
}

/**
 * Stripe's published standard pricing of the country whose currency the charge is in
 * (docs/decisions.md#balance-transactions): JPY as a Japanese account (3.6% for cards and
 * konbini), USD as a US account (2.9% + 30¢ for cards, ACH 0.8% capped at $5), EUR as an EEA
 * account (1.5% + €0.25 for cards, SEPA Direct Debit €0.35), GBP as a UK account (1.5% + 20p).
 */
const PRICING: Record<string, CurrencyPricing> = {
  jpy: { rates: { card: { bps: 360, fixed: 0 }, voucher: { bps: 360, fixed: 0 }, bank_debit: { bps: 360, fixed: 0 } }, availableAfterDays: 4 },
  usd: { rates: { card: { bps: 290, fixed: 30 }, voucher: { bps: 290, fixed: 30 }, bank_debit: { bps: 80, fixed: 0, cap: 500 } }, availableAfterDays: 2 },
  eur: { rates: { card: { bps: 150, fixed: 25 }, voucher: { bps: 150, fixed: 25 }, bank_debit: { bps: 0, fixed: 35 } }, availableAfterDays: 7 },
  gbp: { rates: { card: { bps: 150, fixed: 20 }, voucher: { bps: 150, fixed: 20 }, bank_debit: { bps: 0, fixed: 20 } }, availableAfterDays: 7 },
};

/** Any other currency: the percentage of US card pricing, without a fixed part (its size would be a guess). */
const OTHER: CurrencyPricing = { rates: { card: { bps: 290, fixed: 0 }, voucher: { bps: 290, fixed: 0 }, bank_debit: { bps: 80, fixed: 0 } }, availableAfterDays: 7 };

function pricingOf(currency: string): CurrencyPricing {
  return Object.hasOwn(PRICING, currency) ? (PRICING[currency] as CurrencyPricing) : OTHER;
}

/** How the payment method type is priced, asked of the type (no type names here). */
function pricingKind(typeName: string): Pricing {
  const type = findPaymentMethodType(typeName);
  if (!type || type.settlement === 'immediate') return 'card';
  return type.voucher ? 'voucher' : 'bank_debit';
}

/** Stripe's fee for `amount`: integer arithmetic, the percentage rounded half up, never more than the amount. */
export function processingFee(amount: number, currency: string, typeName: string): number {
  const rate = pricingOf(currency).rates[pricingKind(typeName)];
  let fee = Math.floor((amount * rate.bps + 5000) / 10000) + rate.fixed;
  if (rate.cap !== undefined) fee = Math.min(fee, rate.cap);
  return Math.min(fee, amount);
}

const DAY = 86_400;

/** Midnight UTC, `days` calendar days after `at`. */
function availableOn(at: number, days: number): number {
  return Math.floor(at / DAY) * DAY + days * DAY;
}

/** The transaction as of `now`: pending until its funds are available. */
function asOf(t: BalanceTransaction, now: number): BalanceTransaction {
  const status = t.available_on <= now ? 'available' : 'pending';
  return t.status === status ? t : { ...t, status };
}

export interface ChargeFunds {
  id: string;
  currency: string;
  description: string | null;
  /** The payment method type of the charge (`payment_method_details.type`). */
  paymentMethodType: string;
}

/** Records the money a captured charge brought in: `amount` less Stripe's fee. Returns the transaction's id. */
export async function recordCharge(ctx: Ctx, c: ChargeFunds, amount: number, at: number): Promise<string> {
  const fee = processingFee(amount, c.currency, c.paymentMethodType);
  const pricing = pricingOf(c.currency);
  const t: BalanceTransaction = {
    id: newId('txn_'),
    object: 'balance_transaction',
    amount,
    available_on: availableOn(at, pricing.availableAfterDays),
    balance_type: 'payments',
    created: at,
    currency: c.currency,
    description: c.description,
    exchange_rate: null,
    fee,
    fee_details: fee > 0 ? [{ amount: fee, application: null, currency: c.currency, description: 'Stripe processing fees', type: 'stripe_fee' }] : [],
    net: amount - fee,
    reporting_category: 'charge',
    source: c.id,
    status: 'pending',
    // Stripe's `charge` is a card payment; other payment methods' are `payment`.
    type: pricingKind(c.paymentMethodType) === 'card' ? 'charge' : 'payment',
  };
  await insertBalanceTransaction(ctx, t);
  return t.id;
}

export interface RefundFunds {
  id: string;
  amount: number;
  currency: string;
  /** The refunded charge's payment method type. */
  paymentMethodType: string;
}

/**
 * Records a refund: its amount leaves the balance at once (negative, available now); Stripe does
 * not return the processing fee. A failed refund's money comes back (`refund_failure`).
 */
export async function recordRefund(ctx: Ctx, r: RefundFunds, at: number, failure = false): Promise<string> {
  const amount = failure ? r.amount : -r.amount;
  const t: BalanceTransaction = {
    id: newId('txn_'),
    object: 'balance_transaction',
    amount,
    available_on: at,
    balance_type: 'payments',
    created: at,
    currency: r.currency,
    description: failure ? 'REFUND FAILURE' : 'REFUND FOR CHARGE',
    exchange_rate: null,
    fee: 0,
    fee_details: [],
    net: amount,
    reporting_category: failure ? 'refund_failure' : 'refund',
    source: r.id,
    status: 'available',
    type: failure ? 'refund_failure' : pricingKind(r.paymentMethodType) === 'card' ? 'refund' : 'payment_refund',
  };
  await insertBalanceTransaction(ctx, t);
  return t.id;
}

/** Loader of `txn_` ids for `expand[]` (`charge.balance_transaction`). */
export async function findBalanceTransaction(ctx: Ctx, id: string): Promise<BalanceTransaction | undefined> {
  const t = await getBalanceTransaction(ctx, id);
  return t && asOf(t, unixNow(ctx.deps.clock));
}

/** GET /v1/balance_transactions/:id */
export async function retrieveBalanceTransaction(ctx: Ctx, id: string): Promise<BalanceTransaction> {
  const t = await findBalanceTransaction(ctx, id);
  if (!t) throw errors.missingResource('balance_transaction', id);
  return t;
}

const listShape = { ...listParams, currency: str({ max: 3 }), payout: str({ max: 5000 }), source: str({ max: 5000 }), type: str({ max: 5000 }) };

/** GET /v1/balance_transactions: filters `type`, `source`, `currency`, `created`; `payout` names a payout, and there are none. */
export async function listBalanceTransactions(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<BalanceTransaction>> {
  const p = parseParams(listShape, params);
  if (p.payout !== undefined) throw errors.missingResource('payout', p.payout, 'payout');
  const page = toPage(p);
  const filter: Filter = {};
  if (p.type !== undefined) filter.type = p.type;
  if (p.source !== undefined) filter.source_id = p.source;
  if (p.currency !== undefined) filter.currency = p.currency.toLowerCase();
  const result = await balanceTransactions.list(ctx.db, ctx.account, filter, page);
  const now = unixNow(ctx.deps.clock);
  return listObject(url, { ...result, data: result.data.map((t) => asOf(t, now)) }, 'balance_transaction', page);
}

/** GET /v1/balance: per currency, the net of available and of pending transactions. */
export async function retrieveBalance(ctx: Ctx, params: FormObject): Promise<Balance> {
  parseParams({}, params);
  const sums = await balanceSums(ctx, unixNow(ctx.deps.clock));
  return {
    object: 'balance',
    available: sums.map((s) => ({ amount: s.available, currency: s.currency })),
    livemode: false,
    pending: sums.map((s) => ({ amount: s.pending, currency: s.currency })),
  };
}
