import type { Ctx } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { mergeMetadata, parseParams } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import {
  describeBankAccount,
  testBankDetails,
  testCardDetails,
  tokenizeCard,
  type BankInputError,
  type CardInputError,
  type TypedCard,
} from '../../processor/index.js';
import { bankPaymentMethod, cardPaymentMethod, toBankShape, toBillingDetails, toCardShape } from './build.js';
import { createShape, type BillingDetailsInput } from './params.js';
import type { AllowRedisplay, PaymentMethod } from './shape.js';
import { paymentMethods, pmColumns } from './store.js';

/** Options shared by the create functions the API and the hosted page use. */
export interface NewPaymentMethodOptions {
  billing_details?: BillingDetailsInput | undefined;
  allow_redisplay?: AllowRedisplay | undefined;
  /** Metadata params (`''` values delete, as in the API). */
  metadata?: Record<string, string | null> | null | undefined;
  /** `created` (unix seconds); default: the wall clock. Checkout passes the customer's business time. */
  created?: number | undefined;
  /** Prefix of error params: `card` -> `card[number]` (the API's names). */
  paramPrefix?: string | undefined;
}

/** US bank details as typed (routing and account number). The account number is never stored whole. */
export interface NewBankAccount {
  routing_number: string;
  account_number: string;
  account_holder_type?: 'individual' | 'company' | undefined;
  account_type?: 'checking' | 'savings' | undefined;
}

/**
 * A card input problem as Stripe answers it: 402 card_error naming the field. It is a validation
 * failure, so an idempotent retry with corrected data is not answered with it (SPEC §9).
 */
export function cardInputError(e: CardInputError, prefix = 'card'): StripeError {
  const { status, body } = errors.card(e.code, e.message, { param: `${prefix}[${e.field}]` });
  return new StripeError(status, body, false);
}

function bankInputError(e: BankInputError, prefix = 'us_bank_account'): StripeError {
  return errors.invalid(e.message, `${prefix}[${e.field}]`, e.code);
}

function common(ctx: Ctx, opts: NewPaymentMethodOptions) {
  return {
    billing_details: toBillingDetails(opts.billing_details),
    allow_redisplay: opts.allow_redisplay ?? 'unspecified',
    metadata: mergeMetadata({}, opts.metadata),
    created: opts.created ?? unixNow(ctx.deps.clock),
  };
}

async function insert(ctx: Ctx, pm: PaymentMethod): Promise<PaymentMethod> {
  await paymentMethods.insert(ctx.db, ctx.account, pm, pmColumns(pm));
  return pm;
}

/**
 * Creates and stores a card PaymentMethod from typed card data (the API's `card[...]` or the
 * hosted page's form). Validates number, expiry and CVC like Stripe (402 card_error). The number
 * and CVC go to the processor only; the stored object has brand, last4, expiry and fingerprint.
 */
export async function createCardPaymentMethod(ctx: Ctx, card: TypedCard, opts: NewPaymentMethodOptions = {}): Promise<PaymentMethod> {
  const billing = toBillingDetails(opts.billing_details);
  const result = await tokenizeCard(ctx.db, card, unixNow(ctx.deps.clock), billing.address);
  if (!result.ok) throw cardInputError(result.error, opts.paramPrefix ?? 'card');
  return insert(ctx, cardPaymentMethod(toCardShape(result.card), common(ctx, opts)));
}

/** Creates and stores a us_bank_account PaymentMethod; Stripe requires the holder's name. */
export async function createUsBankAccountPaymentMethod(ctx: Ctx, bank: NewBankAccount, opts: NewPaymentMethodOptions = {}): Promise<PaymentMethod> {
  const prefix = opts.paramPrefix ?? 'us_bank_account';
  const result = await describeBankAccount(ctx.db, bank.routing_number, bank.account_number);
  if (!result.ok) throw bankInputError(result.error, prefix);
  const c = common(ctx, opts);
  if (!c.billing_details.name) throw errors.missingParam('billing_details[name]');
  return insert(ctx, bankPaymentMethod(toBankShape(result.bank, bank.account_holder_type, bank.account_type), c));
}

/**
 * A fresh PaymentMethod for one of Stripe's ready-made test ids (`pm_card_visa`,
 * `pm_usBankAccount_success`, ...), not yet stored; undefined for any other id.
 */
export async function buildTestPaymentMethod(ctx: Ctx, id: string, opts: NewPaymentMethodOptions = {}): Promise<PaymentMethod | undefined> {
  const now = unixNow(ctx.deps.clock);
  const card = await testCardDetails(ctx.db, id, now);
  if (card) return cardPaymentMethod(toCardShape(card), common(ctx, opts));
  const bank = await testBankDetails(ctx.db, id);
  if (bank) return bankPaymentMethod(toBankShape(bank), common(ctx, opts));
  return undefined;
}

/**
 * A PaymentMethod of this account by id. Stripe's ready-made ids (`pm_card_visa`) answer with a
 * new stored PaymentMethod each time, as Stripe does. Unknown -> 404 naming `param`.
 */
export async function requirePaymentMethod(ctx: Ctx, id: string, param = 'payment_method'): Promise<PaymentMethod> {
  const stored = await paymentMethods.get(ctx.db, ctx.account, id);
  if (stored) return stored;
  const fresh = await buildTestPaymentMethod(ctx, id);
  if (fresh) return insert(ctx, fresh);
  throw errors.missingResource('PaymentMethod', id, param);
}

const parse = (params: FormObject) => parseParams(createShape, params);

async function createCard(ctx: Ctx, p: ReturnType<typeof parse>, opts: NewPaymentMethodOptions): Promise<PaymentMethod> {
  const c = p.card;
  if (!c) throw errors.missingParam('card');
  if (c.token !== undefined) {
    if (c.number !== undefined || c.exp_month !== undefined || c.exp_year !== undefined || c.cvc !== undefined) {
      throw errors.invalid('You cannot provide card details together with card[token].', 'card[token]');
    }
    // Only Stripe's test tokens exist here: there is no Tokens API to mint others.
    const billing = toBillingDetails(opts.billing_details);
    const card = c.token.startsWith('tok_') ? await testCardDetails(ctx.db, c.token, unixNow(ctx.deps.clock), billing.address) : undefined;
    if (!card) throw errors.missingResource('token', c.token, 'card[token]');
    return insert(ctx, cardPaymentMethod(toCardShape(card, c.networks?.preferred ?? null), common(ctx, opts)));
  }
  if (c.number === undefined) throw errors.missingParam('card[number]');
  if (c.exp_month === undefined) throw errors.missingParam('card[exp_month]');
  if (c.exp_year === undefined) throw errors.missingParam('card[exp_year]');
  return createCardPaymentMethod(ctx, { number: c.number, exp_month: c.exp_month, exp_year: c.exp_year, cvc: c.cvc }, opts);
}

/** POST /v1/payment_methods. Creating a PaymentMethod emits no event (Stripe has none for it). */
export async function createPaymentMethod(ctx: Ctx, params: FormObject): Promise<PaymentMethod> {
  const p = parse(params);
  const other = p.type === 'card' ? 'us_bank_account' : 'card';
  if (p[other] !== undefined) {
    throw errors.invalid(`You cannot provide \`${other}\` details for a PaymentMethod of type \`${p.type}\`.`, other);
  }
  const opts: NewPaymentMethodOptions = { billing_details: p.billing_details, allow_redisplay: p.allow_redisplay, metadata: p.metadata };
  if (p.type === 'card') return createCard(ctx, p, opts);
  const b = p.us_bank_account;
  if (!b) throw errors.missingParam('us_bank_account');
  if (b.routing_number === undefined) throw errors.missingParam('us_bank_account[routing_number]');
  if (b.account_number === undefined) throw errors.missingParam('us_bank_account[account_number]');
  return createUsBankAccountPaymentMethod(
    ctx,
    { routing_number: b.routing_number, account_number: b.account_number, account_holder_type: b.account_holder_type, account_type: b.account_type },
    opts,
  );
}
