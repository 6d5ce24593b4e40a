/**
 * `POST /v1/billing_portal/sessions` (docs/decisions.md#customer-portal): a short-lived link to the
 * customer portal of one customer, under one configuration, optionally opening on one flow
 * (`flow_data`, Stripe's deep links). The page (pages/portal/) finds it by its URL's token.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId, randomToken } from '../../api/ids.js';
import { parseParams } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit } from '../../events/emit.js';
import { requireCustomer } from '../customers/service.js';
import { findSubscription } from '../subscriptions/service.js';
import { defaultConfiguration, requireConfiguration } from './configurations.js';
import { sessionCreateShape, type SessionCreateParams } from './params.js';
import type { PortalConfiguration, PortalFlow, PortalSession } from './shape.js';
import { insertSession } from './store.js';

/** A session's link opens the portal within 5 minutes of its creation, as Stripe's do. */
export const LINK_SECONDS = 5 * 60;
/** Once opened, the portal takes the customer's actions for an hour. */
export const VISIT_SECONDS = 60 * 60;

type FlowData = NonNullable<SessionCreateParams['flow_data']>;

const ENDED = new Set(['canceled', 'incomplete_expired']);

/** The flow's subscription: the customer's, not ended. */
async function flowSubscription(ctx: Ctx, id: string, customer: string, param: string) {
  const sub = await findSubscription(ctx, id);
  if (!sub) throw errors.missingResource('subscription', id, param);
  if (sub.customer !== customer) throw errors.invalid(`The subscription ${id} does not belong to the customer ${customer}.`, param);
  if (ENDED.has(sub.status)) throw errors.invalid(`You can't create a portal session for a subscription that has already been canceled (${id}).`, param);
  return sub;
}

function featureOff(flow: string, feature: string): never {
  throw errors.invalid(`This flow (${flow}) cannot be used because the ${feature} feature is disabled in the configuration.`, 'flow_data[type]');
}

/** The session's `flow`, after Stripe's checks: the hash of its type is given, the feature is on, the subscription is the customer's. */
async function buildFlow(ctx: Ctx, f: FlowData, customer: string, config: PortalConfiguration): Promise<PortalFlow> {
  const ac = f.after_completion;
  if (ac?.type === 'redirect' && !ac.redirect) throw errors.missingParam('flow_data[after_completion][redirect]');
  if (ac && ac.type !== 'redirect' && ac.redirect) throw errors.invalid('flow_data[after_completion][redirect] can only be passed when flow_data[after_completion][type] is `redirect`.', 'flow_data[after_completion][redirect]');
  if (ac && ac.type !== 'hosted_confirmation' && ac.hosted_confirmation) {
    throw errors.invalid('flow_data[after_completion][hosted_confirmation] can only be passed when flow_data[after_completion][type] is `hosted_confirmation`.', 'flow_data[after_completion][hosted_confirmation]');
  }
  const flow: PortalFlow = {
    after_completion: {
      hosted_confirmation: ac?.type === 'hosted_confirmation' ? { custom_message: ac.hosted_confirmation?.custom_message ?? null } : null,
      redirect: ac?.type === 'redirect' && ac.redirect ? { return_url: ac.redirect.return_url } : null,
      type: ac?.type ?? 'portal_homepage',
    },
    customer_update: null,
    subscription_cancel: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
    type: f.type,
  };
  // A hash of another flow type is refused, as Stripe refuses it.
  for (const key of ['subscription_cancel', 'subscription_pause', 'subscription_update', 'subscription_update_confirm'] as const) {
    if (f[key] !== undefined && key !== f.type) throw errors.invalid(`flow_data[${key}] can only be passed when flow_data[type] is \`${key}\`.`, `flow_data[${key}]`);
  }
  const need = <T>(v: T | undefined, key: string): T => {
    if (v === undefined) throw errors.missingParam(`flow_data[${key}]`);
    return v;
  };
  switch (f.type) {
    case 'payment_method_update':
      if (!config.features.payment_method_update.enabled) featureOff(f.type, 'payment_method_update');
      break;
    case 'customer_update':
      if (!config.features.customer_update.enabled) featureOff(f.type, 'customer_update');
      flow.customer_update = {};
      break;
    case 'subscription_cancel': {
      const d = need(f.subscription_cancel, 'subscription_cancel');
      if (!config.features.subscription_cancel.enabled) featureOff(f.type, 'subscription_cancel');
      const sub = await flowSubscription(ctx, d.subscription, customer, 'flow_data[subscription_cancel][subscription]');
      if (sub.cancel_at_period_end) throw errors.invalid(`The subscription ${sub.id} is already set to be canceled at period end.`, 'flow_data[subscription_cancel][subscription]');
      flow.subscription_cancel = { retention: d.retention ? { coupon_offer: { coupon: d.retention.coupon_offer.coupon }, type: 'coupon_offer' } : null, subscription: sub.id };
      break;
    }
    case 'subscription_pause': {
      const d = need(f.subscription_pause, 'subscription_pause');
      if (!config.features.subscription_pause.enabled) featureOff(f.type, 'subscription_pause');
      flow.subscription_pause = { subscription: (await flowSubscription(ctx, d.subscription, customer, 'flow_data[subscription_pause][subscription]')).id };
      break;
    }
    case 'subscription_update': {
      const d = need(f.subscription_update, 'subscription_update');
      if (!config.features.subscription_update.enabled) featureOff(f.type, 'subscription_update');
      flow.subscription_update = { subscription: (await flowSubscription(ctx, d.subscription, customer, 'flow_data[subscription_update][subscription]')).id };
      break;
    }
    case 'subscription_update_confirm': {
      const d = need(f.subscription_update_confirm, 'subscription_update_confirm');
      if (!config.features.subscription_update.enabled) featureOff(f.type, 'subscription_update');
      const sub = await flowSubscription(ctx, d.subscription, customer, 'flow_data[subscription_update_confirm][subscription]');
      const allowed = new Set(config.features.subscription_update.products.flatMap((p) => p.prices));
      for (const [i, item] of d.items.entries()) {
        const param = `flow_data[subscription_update_confirm][items][${i}]`;
        if (!sub.items.data.some((si) => si.id === item.id)) throw errors.invalid(`The subscription item ${item.id} does not belong to the subscription ${sub.id}.`, `${param}[id]`);
        if (item.price !== undefined && !allowed.has(item.price)) {
          throw errors.invalid(`The price ${item.price} is not one of the configuration's features[subscription_update][products] prices.`, `${param}[price]`);
        }
        if (item.price === undefined && item.quantity === undefined) throw errors.missingParam(`${param}[price]`);
      }
      flow.subscription_update_confirm = {
        discounts: d.discounts ? d.discounts.map((x) => ({ coupon: x.coupon ?? null, promotion_code: x.promotion_code ?? null })) : null,
        items: d.items.map((i) => ({ id: i.id, price: i.price ?? null, ...(i.quantity !== undefined ? { quantity: i.quantity } : {}) })),
        subscription: sub.id,
      };
      break;
    }
  }
  return flow;
}

/** POST /v1/billing_portal/sessions */
export async function createPortalSession(ctx: Ctx, params: FormObject): Promise<PortalSession> {
  const p = parseParams(sessionCreateShape, params);
  if (p.customer === undefined) {
    if (p.customer_account !== undefined) throw errors.invalid(`No such customer account: '${p.customer_account}'`, 'customer_account', 'resource_missing');
    throw errors.missingParam('customer');
  }
  const customer = await requireCustomer(ctx, p.customer);
  let config: PortalConfiguration;
  if (p.configuration !== undefined) {
    config = await requireConfiguration(ctx, p.configuration);
    if (!config.active) throw errors.invalid(`The configuration ${config.id} is inactive. Use an active configuration to create a portal session.`, 'configuration');
  } else {
    config = await defaultConfiguration(ctx);
  }
  const flow = p.flow_data ? await buildFlow(ctx, p.flow_data, customer.id, config) : null;
  return openSession(ctx, { config, customer: customer.id, flow, locale: p.locale ?? null, onBehalfOf: p.on_behalf_of ?? null, returnUrl: p.return_url ?? config.default_return_url });
}

/**
 * Stores a session and writes `billing_portal.session.created`: the API's create, and the portal's
 * login page once a customer asked for a link by email (`loginEmail`: that session does not let the
 * email be changed).
 */
export async function openSession(
  ctx: Ctx,
  o: { config: PortalConfiguration; customer: string; flow: PortalFlow | null; locale: string | null; onBehalfOf: string | null; returnUrl: string | null },
  loginEmail: string | null = null,
): Promise<PortalSession> {
  const now = unixNow(ctx.deps.clock);
  const token = `test_${randomToken(32)}`;
  const session: PortalSession = {
    id: newId('bps_'),
    object: 'billing_portal.session',
    configuration: o.config.id,
    created: now,
    customer: o.customer,
    customer_account: null,
    flow: o.flow,
    livemode: false,
    locale: o.locale,
    on_behalf_of: o.onBehalfOf,
    return_url: o.returnUrl,
    url: `${ctx.deps.publicUrl()}/p/session/${token}`,
  };
  await insertSession(ctx, session, token, now + LINK_SECONDS, loginEmail);
  await emit(ctx, 'billing_portal.session.created', session);
  return session;
}
