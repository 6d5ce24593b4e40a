/**
 * Extension points one resource fills for another that cannot import it (the import would run
 * the other way too). A module offers them in its description (`hooks`); the app assembles them
 * into `deps.hooks`. See docs/architecture.md#hooks.
 */
import type { Ctx } from './api/context.js';
import type { CashBalanceTransaction } from './resources/cash-balance/store.js';
import type { Customer } from './resources/customers/shape.js';
import type { PaymentIntent } from './resources/payment-intents/service.js';

export interface Hooks {
  /**
   * Attaches a payment method to a customer being created (`customers.create({ payment_method })`);
   * returns the attached method's id (a test id such as `pm_card_visa` attaches a new copy).
   * Offered by payment-methods.
   */
  attachPaymentMethod(ctx: Ctx, pmId: string, customer: Customer, param: string): Promise<string>;
  /** Refuses (400 naming `param`) a payment method not attached to the customer. Offered by payment-methods. */
  requireAttached(ctx: Ctx, pmId: string, customerId: string, param: string): Promise<void>;
  /**
   * The Discount a coupon or promotion code gives a customer (`customers.create({ coupon })`),
   * checked and redeemed once. Offered by promotion-codes.
   */
  customerDiscount(ctx: Ctx, customerId: string, ref: { coupon?: string | undefined; promotion_code?: string | undefined }, now: number): Promise<object>;
  /**
   * Adds a tax ID to a customer being created (`customers.create({ tax_id_data })`), checked by
   * type (400 naming `param[type]` or `param[value]`). Offered by tax-ids.
   */
  addCustomerTaxId(ctx: Ctx, customerId: string, data: { type: string; value: string }, param: string): Promise<void>;
  /**
   * A Checkout Session opened from a Payment Link completed: the link counts it toward
   * `restrictions.completed_sessions` and deactivates at the limit. Offered by payment-links.
   */
  paymentLinkSessionCompleted(ctx: Ctx, paymentLinkId: string, now: number): Promise<void>;
  /**
   * A customer is being deleted: its subscriptions that have not ended are canceled now, each with
   * `customer.subscription.deleted`, as Stripe does. Offered by subscriptions.
   */
  customerDeleted(ctx: Ctx, customerId: string): Promise<void>;
  /**
   * A PaymentIntent's attempt ended, in the transaction that stored it: `succeeded`, or back to
   * `requires_payment_method` with a new `last_payment_error` (a decline, a failed 3D Secure). The
   * invoice it pays, if any, is paid or records the failure
   * (docs/decisions.md#renewals-pay-through-paymentintents). Offered by invoices.
   */
  paymentIntentAttemptEnded(ctx: Ctx, pi: PaymentIntent, at: number): Promise<void>;
  /**
   * A bank transfer arrived in the customer's cash balance (`fund_cash_balance`): the `funded`
   * transaction, then the funds applied to the PaymentIntents waiting for a transfer, as Stripe
   * reconciles them (docs/decisions.md#bank-transfers-and-the-cash-balance). Offered by payment-intents.
   */
  fundCashBalance(ctx: Ctx, customerId: string, funds: { amount: number; currency: string; reference: string | null }, at: number): Promise<CashBalanceTransaction>;
  /**
   * The invoice a PaymentIntent was made to pay (its open invoice payment), or null: such a
   * PaymentIntent is not canceled directly, its invoice is voided. Offered by invoices.
   */
  invoiceOfPaymentIntent(ctx: Ctx, paymentIntentId: string): Promise<string | null>;
}

export type HookName = keyof Hooks;
