/**
 * The one interface every payment method type implements: everything that differs by type, so
 * that the API, Checkout and the hosted page ask the type instead of comparing its name. A new
 * type (sepa_debit, konbini, ...) is one module implementing this, listed in index.ts.
 */
import type { Field } from '../api/params.js';
import type { FormError, Values } from '../pages/form.js';
import type { LocalText, PageLocale } from '../pages/i18n.js';
import type { CardDetails, VoucherExpiry } from '../processor/index.js';
import type { BillingDetails, SupportedType } from '../resources/payment-methods/shape.js';
import type { Db } from '../store/db.js';

/**
 * How a payment by the type settles: at once (cards), or later through the settlement job, with
 * the PaymentIntent `processing` meanwhile (ACH; docs/decisions.md#delayed-payments-ach).
 */
export type Settlement = 'immediate' | 'delayed';

/** What building a type's details reads besides the details themselves. */
export interface BuildContext {
  db: Db;
  /** Unix seconds of the wall clock: a card's expiry is judged by it, on the API and the page alike. */
  now: number;
  /** The billing details the new PaymentMethod carries (the address checks and names read them). */
  billing: BillingDetails;
  /**
   * Redeems a card token the account made (`POST /v1/tokens`): the card as the processor described
   * it, the token then used; undefined when the account has no such token.
   */
  redeemCardToken?: ((id: string, param: string) => Promise<CardDetails | undefined>) | undefined;
}

/** What a charge's snapshot of its payment method reads besides the details. */
export interface ChargeContext {
  amount: number;
  /** The payment is held for a later capture (`capture_method: manual`). */
  manual: boolean;
  /** The buyer went through 3D Secure for it. */
  authenticated: boolean;
  created: number;
  /** The Mandate the debit is made under (docs/decisions.md#mandates), for types that debit under one. */
  mandate?: string | null | undefined;
}

/** What the type's fields on the hosted page render with. */
export interface PageRender {
  values: Values;
  /** The error shown; the field it names is marked `aria-invalid`. */
  error: FormError | undefined;
  /** The session lets a signed-in buyer save what they type (`payment_method_save: enabled`). */
  offerSave: boolean;
  /** The language the page speaks: the type's labels and fields use its own strings in it. */
  locale: PageLocale;
}

/** A new payment method as the hosted page read it from the type's fields. */
export interface PageEntry<Params> {
  /** The details as the API takes them under `<type>[...]`: the page and the API create alike. */
  params: Params;
  /** The buyer ticked "save". */
  save: boolean;
  /** The name the type asks for in a field of its own (an account holder), for the billing details. */
  billingName?: string | undefined;
}

/** How the hosted page shows the type: one accordion item, its fields, and reading them back. */
export interface PaymentMethodPage<Params> {
  /** The accordion item's label, in every page locale. */
  label: LocalText;
  /** Its label when saved methods are listed above it ("New card" under saved cards). */
  labelBesideSaved?: LocalText | undefined;
  /** The accordion item's body: the type's fields. Keeps the ids of Stripe's page. */
  render(r: PageRender): string;
  /** Reads the type's fields from a posted form: the details to create with, or the first error (in `locale`, English by default). */
  read(body: URLSearchParams, locale?: PageLocale): PageEntry<Params> | FormError;
  /** The type's fields shown again after a refused submit; never a card or account number. */
  kept: readonly string[];
  /** What the type's fields start with. */
  initial: Values;
  /** The page field an API error param inside `<type>[...]` is about (`number` -> `cardNumber`). */
  fieldOfParam: Readonly<Record<string, string>>;
  /** Whether the form's billing name and address fields are required when paying with the type. */
  requiresBillingFields: boolean;
}

/** What a voucher (a konbini payment slip) is made from when the buyer submits. */
export interface VoucherInput {
  /** The PaymentIntent's amount and currency. */
  amount: number;
  currency: string;
  /** Business time, unix seconds. */
  now: number;
  /** When the test email says the voucher expires (Stripe's konbini test emails). */
  expires: VoucherExpiry;
  /** The session's `payment_method_options[<type>]`, as sent. */
  options: Readonly<Record<string, unknown>> | undefined;
  /** Where the buyer sees the voucher again (`next_action...hosted_voucher_url`). */
  voucherUrl: string;
}

/** A voucher: the PaymentIntent's `next_action` while it is `requires_action`, and its expiry. */
export interface Voucher {
  nextAction: { type: string } & Record<string, unknown>;
  expiresAt: number;
}

/**
 * A payment method type. `Details` is its sub-object of the PaymentMethod (`PaymentMethod.card`),
 * `Params` what the API takes under `<type>[...]` on create, `Update` what it takes on update.
 */
export interface PaymentMethodType<Details = unknown, Params = unknown, Update = unknown> {
  /** Stripe's name: `PaymentMethod.type`, the key of the details and of the params. */
  type: SupportedType;
  /** The type in a sentence ("... is not a card"). */
  noun: string;
  settlement: Settlement;
  /** Whether Checkout may prefill a saved one (docs/decisions.md#prefill-of-a-saved-card). */
  prefillable: boolean;
  /** The currencies a session offering the type may use; null = any. */
  currencies: readonly string[] | null;
  /**
   * Whether it may be saved for later payments (setup mode, `setup_future_usage`): a konbini
   * payment is a one-off slip paid in cash, so it may not.
   */
  reusable: boolean;
  /** The amounts (smallest unit) a payment may take, by currency; a currency not named has no limit here. */
  amountLimits?: Readonly<Record<string, { min: number; max: number }>> | undefined;
  /** Paying shows the buyer a voucher to pay later (konbini): the PaymentIntent waits in `requires_action`. */
  voucher?: ((input: VoucherInput) => Voucher) | undefined;
  /**
   * The type's `payment_method_options[<type>]` on a PaymentIntent, checked and normalised (the
   * param name given is the options' own); types without one keep what was sent.
   */
  intentOptions?: Field<Record<string, unknown> | undefined> | undefined;
  params: { create: Field<Params | undefined>; update: Field<Update | undefined> };
  /**
   * Validates the details like Stripe (missing params, then the processor's checks) and builds
   * the sub-object; throws Stripe's error. The full number goes to the processor only.
   */
  build(c: BuildContext, params: Params | undefined): Promise<Details>;
  /** The sub-object with an update applied; throws Stripe's error. `now`: wall-clock unix seconds. */
  update(now: number, current: Details, change: Update): Details;
  /** The sub-object of one of Stripe's ready-made test ids (`pm_card_visa`); undefined for others. */
  testDetails(db: Db, id: string, now: number): Promise<Details | undefined>;
  /**
   * The type's sub-object of a Charge's `payment_method_details`: a snapshot of the details as the
   * charge saw them (docs/decisions.md#charges-and-refunds).
   */
  chargeDetails(details: Details, c: ChargeContext): Record<string, unknown>;
  /**
   * How the hosted page shows the type. A type without one (a bank transfer to the customer's cash
   * balance) is not offered by Checkout: it is paid through the PaymentIntents API only.
   */
  page?: PaymentMethodPage<Params> | undefined;
  /**
   * The buyer pushes the money by bank transfer to a virtual account (customer_balance): the
   * PaymentIntent waits in `requires_action` with the transfer instructions until the customer's
   * cash balance covers it (docs/decisions.md#bank-transfers-and-the-cash-balance).
   */
  bankTransfer?: BankTransferFunding | undefined;
  /**
   * A debit the buyer authorises once for later debits (SEPA, ACH): saving or paying with it makes a
   * Mandate (docs/decisions.md#mandates); this is its `payment_method_details[<type>]`.
   */
  mandateDetails?: ((m: { id: string; url: string }) => Record<string, unknown>) | undefined;
}

/** What a PaymentIntent paid by bank transfer (to the customer's cash balance) asks of its type. */
export interface BankTransferFunding {
  /**
   * Checks `payment_method_options[<type>]` against the payment's currency (the funding type, the
   * bank transfer type Stripe pairs with the currency); the bank transfer type, or Stripe's error.
   */
  transferType(options: Readonly<Record<string, unknown>> | undefined, currency: string): string;
  /**
   * `funded.bank_transfer` of a test funding in `currency` (`fund_cash_balance`): the bank transfer
   * type Stripe pairs with the currency, the reference, and the sender (unknown: a test funding).
   * Throws Stripe's error for a currency a cash balance does not take.
   */
  funding(currency: string, reference: string | null): { type: string; reference: string | null } & Record<string, unknown>;
  /**
   * `next_action` of a PaymentIntent waiting for a transfer: the customer's virtual bank account
   * (the same for every payment of the customer: `seed` names it), the amount still to send and
   * the payment's reference.
   */
  instructions(i: BankTransferInput): { type: string } & Record<string, unknown>;
}

export interface BankTransferInput {
  currency: string;
  amountRemaining: number;
  /** The bank transfer type (`jp_bank_transfer`, ...). */
  transferType: string;
  /** What the reference and the virtual account derive from (account and customer). */
  seed: string;
  /** The reference the buyer writes on the transfer. */
  reference: string;
  /** The `payment_method_options[<type>]` as stored (an EU transfer's country). */
  options: Readonly<Record<string, unknown>> | undefined;
  hostedInstructionsUrl: string | null;
}
