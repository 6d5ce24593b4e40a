/**
 * Completing a Checkout Session from the hosted page (docs/decisions.md#completion): one transaction that takes
 * the buyer's payment method, charges it per the test numbers, creates what the mode calls for
 * (PaymentIntent | Subscription + first Invoice | SetupIntent), saves the card when the rules say
 * so, marks the session complete and writes `checkout.session.completed`. The session row is
 * locked first, so concurrent submits of one session produce exactly one payment.
 */
import type { Ctx } from '../api/context.js';
import { StripeError } from '../api/errors.js';
import { emit } from '../events/emit.js';
import { attachOutcome, chargeOutcome, type ChargeOutcome } from '../processor/index.js';
import { requireCustomer } from '../resources/customers/service.js';
import type { Customer } from '../resources/customers/shape.js';
import { isEmbedded, present, type RedisplayValue, type Session, type StoredSession } from '../resources/checkout-sessions/shape.js';
import { EXPIRE_JOB, loadLineItems, lockSession, saveSession, saveSessionWithItems } from '../resources/checkout-sessions/store.js';
import type { LineItem } from '../resources/checkout-sessions/shape.js';
import { redeem } from '../resources/coupons/service.js';
import { formatAmount } from '../pages/money.js';
import { cancel } from '../scheduler/jobs.js';
import { businessNow } from '../resources/test-clocks/store.js';
import { choiceType, type CompletionForm, type CompletionResult } from './contract.js';
import { missingAnswer, NO_ANSWERS, withAnswers } from './answers.js';
import { createCustomerFromCheckout, updateCustomerFromCheckout } from './customer.js';
import { paymentMethodsForPrefill, preparePaymentMethod, saveToCustomer, type PreparedPaymentMethod } from './payment-method.js';
import { cardSetupFutureUsage } from './intent-data.js';
import { invoiceCreationEnabled } from './invoice-payment.js';
import { completeWithoutPaymentMethod } from './no-payment-method.js';
import { payForSession, recordDecline, sessionPaymentIntent } from './pay.js';
import { checkoutAuthentication } from './authentication.js';
import { recheckSavedCard } from './prefill.js';
import { offersShippingRate, pricedByAddress, repriced } from './pricing.js';

function refuse(message: string, code: string, field?: string): CompletionResult {
  return { ok: false, message, code, ...(field ? { field } : {}) };
}

/** success_url with `{CHECKOUT_SESSION_ID}` replaced by the session id. */
export function successRedirect(s: Session): string | null {
  // An embedded session's form ends in its frame, which tells the merchant's page (docs/decisions.md#embedded-checkout).
  if (isEmbedded(s)) return `/c/embed/${encodeURIComponent(s.id)}/done`;
  // The Payment Element's frame likewise (docs/decisions.md#checkout-elements).
  if (s.ui_mode === 'elements') return `/c/element/${encodeURIComponent(s.id)}/done`;
  return s.success_url ? s.success_url.replaceAll('{CHECKOUT_SESSION_ID}', s.id) : null;
}

/**
 * The `allow_redisplay` a card saved by this session gets (docs/decisions.md#saving-a-card-from-checkout): the session's
 * payment_method_data override, else `always` when the buyer ticked "save" or in setup mode,
 * else `limited` (subscription-mode and setup_future_usage saves).
 */
export function redisplayFor(s: StoredSession, tickedSave: boolean): RedisplayValue {
  const override = s._internal.payment_method_data.allow_redisplay;
  if (override) return override;
  return tickedSave || s.mode === 'setup' ? 'always' : 'limited';
}

/** Whether completing this session saves the buyer's payment method to the customer. */
export function savesPaymentMethod(s: StoredSession, tickedSave: boolean): boolean {
  if (s.mode !== 'payment') return true;
  if (s._internal.payment_intent_data.setup_future_usage) return true;
  return tickedSave && s.saved_payment_method_options?.payment_method_save === 'enabled';
}

/**
 * The session priced for payment with what the form says (the address tax depends on, the shipping
 * rate chosen), stored. Refused, but stored, when the total is no longer the
 * one the page showed: the page then shows the new one and the buyer decides again.
 */
async function priceForPayment(ctx: Ctx, s: StoredSession, form: CompletionForm): Promise<{ session: StoredSession; items: LineItem[] } | CompletionResult> {
  const items = await loadLineItems(ctx, s.id);
  const state = s._internal.pricing;
  if (!state || s.mode === 'setup') return { session: s, items };
  const a = form.shipping?.address ?? form.billing.address;
  const address = pricedByAddress(state) && a.country ? { country: a.country, state: a.state, postal_code: a.postal_code } : state.address;
  const chosen = form.shippingRate && offersShippingRate(state, form.shippingRate) ? form.shippingRate : state.shipping_rate;
  const priced = await repriced(ctx, s, items, { ...state, address, shipping_rate: chosen });
  await saveSessionWithItems(ctx, priced.session, priced.items);
  const total = priced.session.amount_total ?? 0;
  if (form.expectedTotal !== null && total !== form.expectedTotal) {
    return refuse(`The total is now ${formatAmount(total, s.currency ?? 'usd')}. Review it and pay again.`, 'amount_changed');
  }
  return priced;
}

/** Counts the session's discount as redeemed (once, for a session being paid); refused past its limit. */
async function redeemDiscount(ctx: Ctx, s: StoredSession): Promise<void> {
  const d = s._internal.pricing?.discount;
  if (d) await redeem(ctx, (d.coupon as { id: string }).id, (d.promotion_code as { id: string } | null)?.id ?? null);
}

/** Completes an open session from the hosted page: reprices, pays (or sets up), saves the card when the rules say so, and marks it complete — or says why not. */
export async function completeSession(ctx: Ctx, sessionId: string, form: CompletionForm): Promise<CompletionResult> {
  let s = await lockSession(ctx, sessionId);
  if (s.status === 'complete') return refuse('This Checkout Session is already complete.', 'checkout_session_complete');
  if (s.status === 'expired') return refuse('This Checkout Session has expired.', 'checkout_session_expired');
  const now = await businessNow(ctx, s._internal.test_clock);
  if (now >= s.expires_at) return refuse('This Checkout Session has expired.', 'checkout_session_expired');
  if (form.payment.kind !== 'none' && !s.payment_method_types.includes(choiceType(form.payment))) {
    return refuse('This payment method is not available for this payment.', 'payment_method_unavailable');
  }
  const unanswered = missingAnswer(s, form.answers ?? NO_ANSWERS);
  if (unanswered) return unanswered;
  // `permissions.update_shipping_details: server_only`: the shipping details are the ones the merchant's server set.
  if (s.permissions?.update_shipping_details === 'server_only' && s.shipping_address_collection) {
    const set = s.collected_information?.shipping_details;
    if (!set) {
      return refuse(
        'This shipping address was not confirmed by the merchant. Enter it again; if this persists, the merchant’s server must set collected_information.shipping_details (permissions.update_shipping_details is server_only).',
        'shipping_details_not_set',
        'shippingAddressLine1',
      );
    }
    form = { ...form, shipping: set };
  }

  let customer: Customer | undefined = s.customer ? await requireCustomer(ctx, s.customer) : undefined;
  if (form.payment.kind === 'saved_card') {
    if (!customer) return refuse('Saved cards are only available to a signed-in customer.', 'saved_card_unavailable');
    const why = recheckSavedCard(
      { session: s, customer, paymentMethods: await paymentMethodsForPrefill(ctx, customer.id), now },
      form.payment.paymentMethod,
    );
    if (why) return refuse('This saved card can no longer be used here. Please enter your card details again.', `saved_card_${why}`);
  }

  const priced = await priceForPayment(ctx, s, form);
  if ('ok' in priced) return priced;
  s = priced.session;
  if (form.payment.kind === 'none') {
    const done = await completeWithoutPaymentMethod(ctx, { session: s, customer, form, now, items: priced.items });
    if ('ok' in done) return done;
    const complete = await finish(ctx, s, done.fields, done.customer, form, now);
    return { ok: true, session: present(complete), redirectTo: successRedirect(complete) };
  }

  let prepared: PreparedPaymentMethod;
  try {
    prepared = await preparePaymentMethod(ctx, form, now);
  } catch (err) {
    if (err instanceof StripeError && err.status < 500) return declineOf(err);
    throw err;
  }

  const tickedSave = (form.payment.kind === 'new' || form.payment.kind === 'existing') && form.payment.save === true;
  // `payment_method_options.card.setup_future_usage` saves a card, as the session-wide one saves any method.
  const saving = prepared.isNew && (savesPaymentMethod(s, tickedSave) || (prepared.pm.type === 'card' && cardSetupFutureUsage(s) !== null));
  // 3D Secure: a card that asks for it sends the buyer to authenticate first (docs/decisions.md#3d-secure).
  const authentication = await checkoutAuthentication(ctx, {
    session: s, customer, pm: prepared.pm, form, now,
    paymentIntent: () => sessionPaymentIntent(ctx, { session: s, customer, pm: prepared.pm, now, form, items: priced.items }),
  });
  if (authentication) return authentication;
  const outcome: ChargeOutcome =
    // Nothing is charged today in setup mode or a trial: the payment method is only checked, as when attached.
    s.mode === 'setup' || (s.mode === 'subscription' && (s.amount_total ?? 0) === 0) ? await attachOutcome(ctx.db, prepared.pm, { now }) : await chargeOutcome(ctx.db, prepared.pm, s.amount_total ?? 0, { now, setUp: saving });
  if (outcome.status === 'declined') {
    if (s.mode === 'payment') await recordDecline(ctx, { session: s, customer, pm: prepared.pm, outcome, now, form });
    return { ok: false, message: outcome.message, code: outcome.code, ...(outcome.decline_code ? { declineCode: outcome.decline_code } : {}) };
  }

  await redeemDiscount(ctx, s);
  // A customer is needed to save a card, and always in subscription and setup mode.
  // Post-payment invoices need one too (docs/decisions.md#invoices-for-one-time-payments).
  if (!customer && (s.mode !== 'payment' || saving || s.customer_creation === 'always' || invoiceCreationEnabled(s))) {
    customer = await createCustomerFromCheckout(ctx, form, now);
  }
  const fields = await payForSession(ctx, { session: s, customer, pm: prepared.pm, outcome, now, form, items: priced.items });
  if (customer && saving) await saveToCustomer(ctx, prepared.pm.id, customer, redisplayFor(s, tickedSave), now);
  if (customer && s.customer) customer = await updateCustomerFromCheckout(ctx, s, customer, form);
  const complete = await finish(ctx, s, fields, customer, form, now);
  return { ok: true, session: present(complete), redirectTo: successRedirect(complete) };
}

function declineOf(err: StripeError): CompletionResult {
  const b = err.body;
  return { ok: false, message: b.message, code: b.code ?? 'invalid', ...(b.decline_code ? { declineCode: b.decline_code } : {}), ...(b.param ? { field: b.param } : {}) };
}

/** Marks the session complete with what the buyer gave and what payment created. */
async function finish(
  ctx: Ctx,
  s: StoredSession,
  fields: Partial<Pick<Session, 'payment_intent' | 'subscription' | 'setup_intent' | 'invoice' | 'payment_status'>>,
  customer: Customer | undefined,
  form: CompletionForm,
  now: number,
): Promise<StoredSession> {
  const next: StoredSession = withAnswers({
    ...s,
    ...fields,
    status: 'complete',
    url: null,
    customer: customer?.id ?? s.customer,
    customer_details: {
      address: s.mode === 'setup' ? null : form.billing.address,
      business_name: null,
      email: customer?.email ?? form.email,
      individual_name: null,
      name: form.billing.name,
      phone: form.phone,
      tax_exempt: customer?.tax_exempt ?? 'none',
      tax_ids: [],
    },
    collected_information: { business_name: null, individual_name: null, shipping_details: form.shipping },
  }, form.answers);
  await saveSession(ctx, next);
  await cancel(ctx, EXPIRE_JOB, s.id);
  await emit(ctx, 'checkout.session.completed', present(next), undefined, now);
  if (next.payment_link) await ctx.deps.hooks.paymentLinkSessionCompleted(ctx, next.payment_link, now);
  return next;
}
