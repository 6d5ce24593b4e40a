/**
 * The one interface every payment method type implements: everything that differs by type, so
 * that the API, Checkout and the hosted page ask the type instead of comparing its name. A new
 * type (sepa_debit, konbini, ...) is one module implementing this, listed in index.ts.
 */
import type { Field } from '../api/params.js';
import type { FormError, Values } from '../pages/form.js';
import type { PageLocale } from '../pages/i18n.js';
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
  /** The accordion item's label. */
  label: string;
  /** Its label when saved methods are listed above it ("New card" under saved cards). */
  labelBesideSaved?: string | undefined;
  /** The accordion item's body: the type's fields. Keeps the ids of Stripe's page. */
  render(r: PageRender): string;
  /** Reads the type's fields from a posted form: the details to create with, or the first error. */
  read(body: URLSearchParams): PageEntry<Params> | FormError;
  /** The type's fields shown again after a refused submit; never a card or account number. */
  kept: readonly string[];
  /** What the type's fields start with. */
  initial: Values;
  /** The page field an API error param inside `<type>[...]` is about (`number` -> `cardNumber`). */
  fieldOfParam: Readonly<Record<string, string>>;
  /** Whether the form's billing name and address fields are required when paying with the type. */
  requiresBillingFields: boolean;
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
  page: PaymentMethodPage<Params>;
}
