/**
 * Card tokens (`POST /v1/tokens`, docs/decisions.md#tokens): what a front end makes with a
 * publishable key from a typed card. The number goes to the processor only (its checks and
 * test-number behaviour, as a PaymentMethod's); the token keeps what Stripe shows. A token is
 * used once: `card[token]` of a new PaymentMethod (the API's, or `payment_method_data`) redeems it.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { int, obj, parseParams, required, str, type Field } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { cardInputError } from '../../payment-method-types/card.js';
import { tokenizeCard, type CardBrand, type CardDetails } from '../../processor/index.js';
import { presentToken, type StoredToken, type Token } from './shape.js';
import { findToken, tokens } from './store.js';

const passthrough: Field<FormValue | undefined> = { parse: (value) => value };

const cardShape = obj({
  // The number and CVC are validated by the processor; their length caps never echo the value.
  number: required(str({ max: 40 })),
  exp_month: required(int()),
  exp_year: required(int()),
  cvc: str({ max: 10 }),
  name: str({ max: 5000 }),
  address_line1: str({ max: 5000 }),
  address_line2: str({ max: 5000 }),
  address_city: str({ max: 5000 }),
  address_state: str({ max: 5000 }),
  address_zip: str({ max: 5000 }),
  address_country: str({ max: 5000 }),
  currency: str({ max: 3 }),
  networks: obj({ preferred: str({ max: 50 }) }),
});

/** The token kinds Stripe makes beside cards: named so that asking for one says it is not made here. */
const OTHER_KINDS = ['bank_account', 'pii', 'account', 'person', 'cvc_update'] as const;

const createShape = {
  card: passthrough,
  customer: str({ max: 5000 }),
  ...Object.fromEntries(OTHER_KINDS.map((k) => [k, passthrough])),
} as const;

/** The `brand` of Stripe's Card object (a PaymentMethod's is lower case). */
const CARD_BRAND: Readonly<Record<CardBrand, string>> = {
  visa: 'Visa', mastercard: 'MasterCard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay', unknown: 'Unknown',
};

/** POST /v1/tokens: a card token from `card[...]` (any Luhn-valid number; Stripe's test numbers keep their behaviour). */
export async function createToken(ctx: Ctx, params: FormObject): Promise<Token> {
  const p = parseParams(createShape, params) as { card?: unknown; customer?: string } & Record<string, unknown>;
  const other = OTHER_KINDS.find((k) => p[k] !== undefined);
  if (other) throw errors.invalid(`OpenCheckout makes card tokens only: \`${other}\` tokens are not supported.`, other);
  if (p.customer !== undefined) throw errors.invalid('OpenCheckout has no connected accounts: `customer` (a token of a platform customer) is not supported.', 'customer');
  if (p.card === undefined) throw errors.missingParam('card');
  if (typeof p.card === 'string') throw errors.invalid('`card` must be the card’s details (`card[number]`, ...): a card id is a token for connected accounts, which OpenCheckout does not have.', 'card');
  const c = cardShape.parse(p.card as FormObject, 'card') as NonNullable<ReturnType<typeof cardShape.parse>>;
  const now = unixNow(ctx.deps.clock);
  const result = await tokenizeCard(ctx.db, { number: c.number, exp_month: c.exp_month, exp_year: c.exp_year, cvc: c.cvc }, now, { line1: c.address_line1, postal_code: c.address_zip });
  if (!result.ok) throw cardInputError(result.error);
  const d = result.card;
  const token: StoredToken = {
    id: newId('tok_'),
    object: 'token',
    card: {
      id: newId('card_'),
      object: 'card',
      address_city: c.address_city ?? null,
      address_country: c.address_country ?? null,
      address_line1: c.address_line1 ?? null,
      address_line1_check: d.checks.address_line1_check,
      address_line2: c.address_line2 ?? null,
      address_state: c.address_state ?? null,
      address_zip: c.address_zip ?? null,
      address_zip_check: d.checks.address_postal_code_check,
      allow_redisplay: 'unspecified',
      brand: CARD_BRAND[d.brand],
      country: d.country,
      cvc_check: d.checks.cvc_check,
      dynamic_last4: null,
      exp_month: d.exp_month,
      exp_year: d.exp_year,
      fingerprint: d.fingerprint,
      funding: d.funding,
      last4: d.last4,
      metadata: {},
      name: c.name ?? null,
      networks: { preferred: c.networks?.preferred ?? null },
      regulated_status: 'unregulated',
      tokenization_method: null,
      wallet: null,
    },
    client_ip: null,
    created: now,
    livemode: false,
    type: 'card',
    used: false,
    _internal: { card: d },
  };
  await tokens.insert(ctx.db, ctx.account, token);
  return presentToken(token);
}

/** GET /v1/tokens/:id (a secret key's call). */
export async function retrieveToken(ctx: Ctx, id: string): Promise<Token> {
  const t = await findToken(ctx, id);
  if (!t) throw errors.missingResource('token', id);
  return presentToken(t);
}

/**
 * Redeems a card token of ctx's account for a new PaymentMethod: its card as the processor
 * described it, the token marked used. Undefined when the account has no such token; a token
 * already used is refused as Stripe refuses it.
 */
export async function redeemCardToken(ctx: Ctx, id: string, param: string): Promise<CardDetails | undefined> {
  const t = await tokens.getForUpdate(ctx.db, ctx.account, id);
  if (!t) return undefined;
  if (t.used) throw errors.invalid(`You cannot use a Stripe token more than once: ${id}.`, param, 'token_already_used');
  await tokens.update(ctx.db, ctx.account, { ...t, used: true });
  return t._internal.card;
}
