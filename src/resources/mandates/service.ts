/**
 * Mandates (docs/decisions.md#mandates): the buyer's authorisation to debit a bank account (SEPA,
 * ACH), made when a SetupIntent saves one or a PaymentIntent debits one, from the `mandate_data`
 * the confirmation carried. `GET /v1/mandates/:id` retrieves one.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { expand, int, nullableObj, obj, oneOf, parseParams, required, str } from '../../api/params.js';
import { findPaymentMethodType } from '../../payment-method-types/index.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import { findStoredMandate, insertMandate, lockMandate, mandatesOf, saveMandate, type CustomerAcceptance, type Mandate, type StoredMandate } from './store.js';

export type { Mandate, CustomerAcceptance };

const acceptanceShape = {
  customer_acceptance: required(
    obj({
      accepted_at: int({ min: 0 }),
      offline: nullableObj({}),
      online: obj({ ip_address: required(str({ max: 5000 })), user_agent: required(str({ max: 5000 })) }),
      type: required(oneOf(['offline', 'online'] as const)),
    }),
  ),
};

/**
 * `mandate_data` of a confirmation (stripe-node 23 `...ConfirmParams.MandateData`), checked:
 * `customer_acceptance[type]` online (with the buyer's `ip_address` and `user_agent`) or offline.
 * Absent: the merchant collected it on paper (offline), accepted now.
 */
export function customerAcceptance(raw: FormValue | null | undefined, now: number, param = 'mandate_data'): CustomerAcceptance {
  if (raw === undefined || raw === null || raw === '') return offlineAcceptance(now);
  const p = obj(acceptanceShape).parse(raw, param);
  const a = p?.customer_acceptance;
  if (!a) return offlineAcceptance(now);
  if (a.type === 'online' && !a.online) throw errors.missingParam(`${param}[customer_acceptance][online]`);
  return a.type === 'online' ? onlineAcceptance(a.accepted_at ?? now, a.online?.ip_address ?? null, a.online?.user_agent ?? null) : offlineAcceptance(a.accepted_at ?? now);
}

/** Accepted in the buyer's browser, at this address and with this user agent. */
export function onlineAcceptance(at: number, ipAddress: string | null, userAgent: string | null): CustomerAcceptance {
  return { accepted_at: at, online: { ip_address: ipAddress, user_agent: userAgent }, type: 'online' };
}

/** Accepted away from any browser (on paper, or as the merchant says). */
export function offlineAcceptance(at: number): CustomerAcceptance {
  return { accepted_at: at, offline: {}, type: 'offline' };
}

/**
 * The `single_use` terms of a debit's Mandate: its amount and currency, or undefined (`multi_use`)
 * when the account is kept for later (`setup_future_usage`, or already the customer's).
 */
export function singleUseOf(intent: { setup_future_usage: string | null; amount: number; currency: string }, pm: PaymentMethod): { amount: number; currency: string } | undefined {
  return intent.setup_future_usage || pm.customer ? undefined : { amount: intent.amount, currency: intent.currency };
}

/** Whether paying or saving with a payment method of this type makes a Mandate. */
export function takesMandate(pm: PaymentMethod): boolean {
  return findPaymentMethodType(pm.type)?.mandateDetails !== undefined;
}

/**
 * Makes the Mandate of a debit: `multi_use` for a saved account (a SetupIntent, or
 * `setup_future_usage`), else `single_use` for this amount. Undefined for a type without mandates.
 */
export async function createMandate(
  ctx: Ctx,
  pm: PaymentMethod,
  n: { acceptance: CustomerAcceptance; singleUse?: { amount: number; currency: string } | undefined; status?: Mandate['status']; now: number },
): Promise<Mandate | undefined> {
  const details = findPaymentMethodType(pm.type)?.mandateDetails;
  if (!details) return undefined;
  const id = newId('mandate_');
  const m: StoredMandate = {
    id,
    object: 'mandate',
    customer_acceptance: n.acceptance,
    livemode: false,
    ...(n.singleUse ? {} : { multi_use: {} }),
    payment_method: pm.id,
    payment_method_details: { type: pm.type, [pm.type]: details({ id, url: `${ctx.deps.publicUrl()}/v1/mandates/${id}` }) },
    ...(n.singleUse ? { single_use: n.singleUse } : {}),
    status: n.status ?? 'active',
    type: n.singleUse ? 'single_use' : 'multi_use',
    created: n.now,
  };
  await insertMandate(ctx, m);
  return served(m);
}

/**
 * The pending Mandate a debit made while its bank account waited for microdeposits (the newest of
 * the payment method's), or undefined: the debit goes on under it once the account is verified.
 */
export async function pendingMandateOf(ctx: Ctx, paymentMethod: string): Promise<Mandate | undefined> {
  const m = (await mandatesOf(ctx, paymentMethod)).find((x) => x.status === 'pending');
  return m ? served(m) : undefined;
}

/** The pending Mandate of a debit whose account failed verification (if it has one) becomes inactive: nothing is debited under it. */
export async function endPendingMandate(ctx: Ctx, paymentMethod: string): Promise<void> {
  await settleMandate(ctx, (await pendingMandateOf(ctx, paymentMethod))?.id ?? null, 'inactive');
}

/** A pending Mandate (its account still being verified) becomes active, or inactive when the verification failed. */
export async function settleMandate(ctx: Ctx, id: string | null, status: 'active' | 'inactive'): Promise<void> {
  if (!id) return;
  const m = await lockMandate(ctx, id);
  if (m && m.status === 'pending') await saveMandate(ctx, { ...m, status });
}

function served(m: StoredMandate): Mandate {
  const { created: _created, ...mandate } = m;
  return mandate;
}

/** The Mandate with this id, for `expand[]`. */
export async function findMandate(ctx: Ctx, id: string): Promise<Mandate | undefined> {
  const m = await findStoredMandate(ctx, id);
  return m ? served(m) : undefined;
}

/** GET /v1/mandates/:id */
export async function retrieveMandate(ctx: Ctx, id: string, params: FormObject): Promise<Mandate> {
  parseParams({ expand: expand() }, params);
  const m = await findMandate(ctx, id);
  if (!m) throw errors.missingResource('mandate', id);
  return m;
}
