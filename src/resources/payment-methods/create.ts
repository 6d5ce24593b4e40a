import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { mergeMetadata, parseParams } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { PAYMENT_METHOD_TYPES, paymentMethodType } from '../../payment-method-types/index.js';
import { redeemCardToken as redeemToken } from '../tokens/service.js';
import { newPaymentMethod, toBillingDetails } from './build.js';
import { createShape, type BillingDetailsInput } from './params.js';
import type { AllowRedisplay, PaymentMethod, SupportedType } from './shape.js';
import { paymentMethods, pmColumns } from './store.js';

/** Options shared by the create functions the API and the hosted page use. */
export interface NewPaymentMethodOptions {
  billing_details?: BillingDetailsInput | undefined;
  allow_redisplay?: AllowRedisplay | undefined;
  /** Metadata params (`''` values delete, as in the API). */
  metadata?: Record<string, string | null> | null | undefined;
  /** `created` (unix seconds); default: the wall clock. Checkout passes the customer's business time. */
  created?: number | undefined;
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
 * Creates and stores a PaymentMethod of `type` from its details as the API takes them under
 * `<type>[...]` (the hosted page reads its fields into the same). The type's module validates
 * them like Stripe and builds its sub-object; a card number or account number goes to the
 * processor only, and the stored object keeps what Stripe shows (brand, last4, fingerprint, ...).
 */
export async function createPaymentMethodOfType(ctx: Ctx, type: SupportedType, params: unknown, opts: NewPaymentMethodOptions = {}): Promise<PaymentMethod> {
  const t = paymentMethodType(type);
  const billing = toBillingDetails(opts.billing_details);
  const redeemCardToken = (id: string, param: string) => redeemToken(ctx, id, param);
  const details = await t.build({ db: ctx.db, now: unixNow(ctx.deps.clock), billing, redeemCardToken }, params);
  return insert(ctx, newPaymentMethod(t.type, details, common(ctx, opts)));
}

/**
 * A fresh PaymentMethod for one of Stripe's ready-made test ids (`pm_card_visa`,
 * `pm_usBankAccount_success`, ...), not yet stored; undefined for any other id.
 */
export async function buildTestPaymentMethod(ctx: Ctx, id: string, opts: NewPaymentMethodOptions = {}): Promise<PaymentMethod | undefined> {
  const now = unixNow(ctx.deps.clock);
  for (const t of PAYMENT_METHOD_TYPES) {
    const details = await t.testDetails(ctx.db, id, now);
    if (details) return newPaymentMethod(t.type, details, common(ctx, opts));
  }
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

/** POST /v1/payment_methods. Creating a PaymentMethod emits no event (Stripe has none for it). */
export async function createPaymentMethod(ctx: Ctx, params: FormObject): Promise<PaymentMethod> {
  const p = parseParams(createShape, params);
  const other = PAYMENT_METHOD_TYPES.find((t) => t.type !== p.type && p[t.type] !== undefined);
  if (other) {
    throw errors.invalid(`You cannot provide \`${other.type}\` details for a PaymentMethod of type \`${p.type}\`.`, other.type);
  }
  const opts: NewPaymentMethodOptions = { billing_details: p.billing_details, allow_redisplay: p.allow_redisplay, metadata: p.metadata };
  return createPaymentMethodOfType(ctx, p.type, p[p.type], opts);
}
