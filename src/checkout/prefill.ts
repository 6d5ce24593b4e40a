/**
 * Prefill of an existing customer's saved card on the hosted page — docs/decisions.md#prefill-of-a-saved-card, after Stripe's guide
 * "Existing customers' payments". Pure: the page hands in the session, the customer, the
 * customer's payment methods and the business time; this decides what the page shows.
 *
 * Read it against the guide line by line: SESSION_RULES are the conditions on the session,
 * CARD_RULES the conditions on each saved card, BILLING_REQUIREMENTS the billing details each
 * `billing_address_collection` value needs, and choose() the prioritisation among several cards.
 */
import { isPrefillable } from '../payment-method-types/index.js';
import type { Address } from '../resources/shared/params.js';
import { addressFormFor, AUTO_POSTAL_COUNTRIES } from './address-form.js';

/** The prefilled payment method displays for 30 minutes after the session was created. */
export const PREFILL_WINDOW_SECONDS = 30 * 60;

/** An address as Stripe serves it (billing details, customer shipping). */
export type PrefillAddress = Address;

export interface SavedPaymentMethod {
  id: string;
  type: string;
  created: number;
  allow_redisplay: 'always' | 'limited' | 'unspecified';
  billing_details: { address: PrefillAddress | null; email: string | null; name: string | null; phone?: string | null };
  card?: { brand: string; last4: string; exp_month: number; exp_year: number } | null;
}

export interface PrefillInput {
  session: {
    mode: 'payment' | 'subscription' | 'setup';
    status: 'open' | 'complete' | 'expired';
    customer: string | null;
    created: number;
    billing_address_collection: 'auto' | 'required' | null;
    saved_payment_method_options: { allow_redisplay_filters: Array<'always' | 'limited' | 'unspecified'> | null } | null;
    shipping_address_collection: { allowed_countries: string[] } | null;
  };
  customer: {
    email: string | null;
    shipping: { name: string; phone?: string | null; address: PrefillAddress } | null;
    invoice_settings: { default_payment_method: string | null };
  } | null;
  /** The customer's attached payment methods, in insertion order (oldest first). */
  paymentMethods: SavedPaymentMethod[];
  /** Business time, unix seconds (the customer's test clock when it has one). */
  now: number;
}

export interface Prefill {
  /** Eligible saved cards, the chosen one first. Empty when nothing may be prefilled. */
  savedCards: SavedPaymentMethod[];
  /** The card shown selected, or null. */
  selected: SavedPaymentMethod | null;
  /** The email field: the customer's own (read-only) or the chosen card's. */
  email: { value: string; readonly: boolean } | null;
  /** Name and billing address from the chosen card. */
  billing: { name: string | null; address: PrefillAddress | null } | null;
  /** Shipping fields from `customer.shipping`. */
  shipping: { name: string; phone: string | null; address: PrefillAddress } | null;
  /** Rule ids that stopped card prefill (empty when a card was prefilled): for logs and tests. */
  failed: string[];
}

type Input = PrefillInput;
interface Rule<T> {
  id: string;
  /** The guide's wording, so the table reads as the rule it implements. */
  says: string;
  holds(input: Input, subject: T): boolean;
}

/** Conditions on the session (rules 1 and 2 of docs/decisions.md#prefill-of-a-saved-card). */
export const SESSION_RULES: Rule<void>[] = [
  { id: 'has_customer', says: 'the session reuses an existing Customer', holds: (i) => i.session.customer !== null && i.customer !== null },
  { id: 'session_open', says: 'the session is open', holds: (i) => i.session.status === 'open' },
  {
    id: 'mode_payment_or_subscription',
    says: 'Checkout is in payment or subscription mode; setup mode does not support prefilling',
    holds: (i) => i.session.mode === 'payment' || i.session.mode === 'subscription',
  },
  {
    id: 'within_prefill_window',
    says: 'the prefilled payment method displays for 30 minutes following session creation',
    holds: (i) => withinWindow(i),
  },
];

/** Conditions on each saved payment method (rules 3 and 4). */
export const CARD_RULES: Rule<SavedPaymentMethod>[] = [
  {
    id: 'is_card',
    says: 'Checkout only supports prefilling card payment methods',
    // The saved-card list shows the card's brand, last4 and expiry, so a prefilled method has them.
    holds: (_i, pm) => isPrefillable(pm.type) && !!pm.card,
  },
  {
    id: 'redisplay_allowed',
    says: 'allow_redisplay is always, or a value listed in saved_payment_method_options.allow_redisplay_filters',
    holds: (i, pm) => pm.allow_redisplay === 'always' || redisplayFilters(i).includes(pm.allow_redisplay),
  },
  {
    id: 'billing_details_complete',
    says: 'the payment method has the billing_details that billing_address_collection requires',
    holds: (i, pm) => missingBillingDetails(i.session.billing_address_collection ?? 'auto', pm.billing_details).length === 0,
  },
];

/** A billing detail a rule may require: `email`, `name` or one `address.*` field. */
export type BillingPath = 'email' | 'name' | `address.${keyof PrefillAddress}`;

/** The billing details each `billing_address_collection` value requires of a card (rule 4). */
export const BILLING_REQUIREMENTS: Record<'auto' | 'required', (country: string | null) => BillingPath[]> = {
  // auto: email, name and address[country]; US, CA and GB addresses also need address[postal_code].
  auto: (country) => ['email', 'name', 'address.country', ...(AUTO_POSTAL_COUNTRIES.has(country ?? '') ? (['address.postal_code'] as const) : [])],
  // required: email, name and every address field the page's form requires for that country (never line2).
  required: (country) => {
    const form = addressFormFor(country);
    return [
      'email',
      'name',
      'address.line1',
      'address.city',
      'address.country',
      ...(form.postalCode ? (['address.postal_code'] as const) : []),
      ...(form.state ? (['address.state'] as const) : []),
    ];
  },
};

/** The billing details a saved card lacks under the session's collection rules (empty: complete). */
export function missingBillingDetails(collection: 'auto' | 'required', details: SavedPaymentMethod['billing_details']): BillingPath[] {
  const country = details.address?.country ?? null;
  return BILLING_REQUIREMENTS[collection](country).filter((path) => {
    const value = path.startsWith('address.')
      ? details.address?.[path.slice('address.'.length) as keyof PrefillAddress]
      : details[path as 'email' | 'name'];
    return value === null || value === undefined || value.trim() === '';
  });
}

function withinWindow(i: Input): boolean {
  return i.now - i.session.created < PREFILL_WINDOW_SECONDS;
}

function redisplayFilters(i: Input): string[] {
  return i.session.saved_payment_method_options?.allow_redisplay_filters ?? ['always'];
}

/** Newest first: highest `created`, then latest inserted (docs/decisions.md#prefill-of-a-saved-card). */
function newestFirst(pms: SavedPaymentMethod[]): SavedPaymentMethod[] {
  return pms
    .map((pm, order) => ({ pm, order }))
    .sort((a, b) => b.pm.created - a.pm.created || b.order - a.order)
    .map(({ pm }) => pm);
}

/**
 * Prioritisation among eligible cards: payment mode takes the newest; subscription mode takes the
 * customer's default payment method if it is an eligible card, otherwise the newest.
 */
export function choose(i: Input, eligible: SavedPaymentMethod[]): SavedPaymentMethod | null {
  const newest = newestFirst(eligible);
  if (i.session.mode === 'subscription') {
    const dflt = i.customer?.invoice_settings.default_payment_method;
    const match = newest.find((pm) => pm.id === dflt);
    if (match) return match;
  }
  return newest[0] ?? null;
}

/** Cards that pass every card rule (eligible = rules 3 and 4). */
export function eligibleCards(i: Input): SavedPaymentMethod[] {
  return i.paymentMethods.filter((pm) => CARD_RULES.every((r) => r.holds(i, pm)));
}

/** Applies the rules: what the hosted page of this session shows right now. */
export function prefill(i: Input): Prefill {
  const failedSession = SESSION_RULES.filter((r) => !r.holds(i, undefined)).map((r) => r.id);
  const eligible = failedSession.length === 0 ? eligibleCards(i) : [];
  const selected = eligible.length > 0 ? choose(i, eligible) : null;
  const savedCards = selected ? [selected, ...newestFirst(eligible).filter((pm) => pm !== selected)] : [];

  // Independently of the card rules, as Stripe does: the customer's own email shows, read-only.
  const ownEmail = i.session.customer !== null ? i.customer?.email ?? null : null;
  const cardEmail = selected?.billing_details.email ?? null;
  const email = ownEmail ? { value: ownEmail, readonly: true } : cardEmail ? { value: cardEmail, readonly: false } : null;

  const shipAddr = i.customer?.shipping?.address;
  const shipping =
    i.session.customer !== null &&
    i.session.status === 'open' &&
    i.session.mode !== 'setup' &&
    withinWindow(i) &&
    i.session.shipping_address_collection !== null &&
    i.customer?.shipping &&
    shipAddr?.country &&
    i.session.shipping_address_collection.allowed_countries.includes(shipAddr.country)
      ? { name: i.customer.shipping.name, phone: i.customer.shipping.phone ?? null, address: shipAddr }
      : null;

  return {
    savedCards,
    selected,
    email,
    billing: selected ? { name: selected.billing_details.name, address: selected.billing_details.address } : null,
    shipping,
    failed: selected ? [] : failedSession.length > 0 ? failedSession : ['no_eligible_card'],
  };
}

/**
 * At submit a saved card is checked again: still the customer's, still eligible, still inside the
 * window (docs/decisions.md#saved-card-checked-again-at-submit). Returns the rule that fails, or null.
 */
export function recheckSavedCard(i: Input, pmId: string): string | null {
  const failed = SESSION_RULES.find((r) => !r.holds(i, undefined));
  if (failed) return failed.id;
  const pm = i.paymentMethods.find((p) => p.id === pmId);
  if (!pm) return 'not_attached';
  const rule = CARD_RULES.find((r) => !r.holds(i, pm));
  return rule ? rule.id : null;
}

/** Why a saved payment method is or is not the prefilled one (docs/decisions.md#prefill-explanation). */
export interface CardDecision {
  paymentMethod: SavedPaymentMethod;
  /** `prefilled`: shown selected; `listed`: eligible, shown below the chosen one; `excluded`: not shown. */
  outcome: 'prefilled' | 'listed' | 'excluded';
  /** The first rule that excluded it (session rules first, then card rules), or why another card was chosen; null when prefilled. */
  rule: string | null;
  /** The guide's wording of `rule`. */
  says: string | null;
  /** For `billing_details_complete`: the billing details the card lacks. */
  missing: BillingPath[];
}

/** The decision of the prefill rules, card by card. */
export interface PrefillExplanation {
  sessionRules: Array<{ id: string; says: string; holds: boolean }>;
  /** Every attached payment method, newest first. */
  cards: CardDecision[];
  selected: SavedPaymentMethod | null;
}

/** Why an eligible card was listed but not chosen (the prioritisation of `choose`). */
const CHOICE_RULES = {
  newer_card_chosen: 'payment mode prefills the newest eligible card (subscription mode too, unless the default payment method is eligible)',
  default_payment_method_chosen: "subscription mode prefills the customer's default payment method when it is an eligible card",
} as const;

/**
 * The same rules as {@link prefill}, told card by card: which card is prefilled and, for every
 * other one, the first rule that excluded it. Shares the rule tables and `choose`, so it cannot
 * disagree with what the page shows.
 */
export function explainPrefill(i: Input): PrefillExplanation {
  const sessionRules = SESSION_RULES.map((r) => ({ id: r.id, says: r.says, holds: r.holds(i, undefined) }));
  const sessionFailure = sessionRules.find((r) => !r.holds);
  const eligible = sessionFailure ? [] : eligibleCards(i);
  const selected = eligible.length > 0 ? choose(i, eligible) : null;
  const choice = selected && i.session.mode === 'subscription' && selected.id === i.customer?.invoice_settings.default_payment_method ? 'default_payment_method_chosen' : 'newer_card_chosen';
  const cards = newestFirst(i.paymentMethods).map((pm): CardDecision => {
    if (sessionFailure) return { paymentMethod: pm, outcome: 'excluded', rule: sessionFailure.id, says: sessionFailure.says, missing: [] };
    const failed = CARD_RULES.find((r) => !r.holds(i, pm));
    if (failed) {
      const missing = failed.id === 'billing_details_complete' ? missingBillingDetails(i.session.billing_address_collection ?? 'auto', pm.billing_details) : [];
      return { paymentMethod: pm, outcome: 'excluded', rule: failed.id, says: failed.says, missing };
    }
    if (pm === selected) return { paymentMethod: pm, outcome: 'prefilled', rule: null, says: null, missing: [] };
    return { paymentMethod: pm, outcome: 'listed', rule: choice, says: CHOICE_RULES[choice], missing: [] };
  });
  return { sessionRules, cards, selected };
}
