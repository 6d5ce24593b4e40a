import type { Route } from '../../api/router.js';
import type { ResourceModule } from '../module.js';
import { readRoutes } from '../shared/read-routes.js';
import { confirmPaymentIntent, createPaymentIntentApi, incrementAuthorization, updatePaymentIntent, verifyMicrodeposits } from './api.js';
import { fundCashBalance } from './bank-transfer.js';
import { cancelPaymentIntent, capturePaymentIntent } from './capture.js';
import { MICRODEPOSITS_FAILED_JOB, runMicrodepositsFailedJob } from './confirm.js';
import { paymentIntentSearchRoute } from './search.js';
import { paymentIntents } from './service.js';

const routes: Route[] = [
  { method: 'POST', path: '/v1/payment_intents', handler: (ctx, req) => createPaymentIntentApi(ctx, req.params) },
  paymentIntentSearchRoute,
  ...readRoutes({ base: '/v1/payment_intents', table: paymentIntents, kind: 'payment_intent', filters: { customer: 'customer_id' } }),
  { method: 'POST', path: '/v1/payment_intents/:id', handler: (ctx, req) => updatePaymentIntent(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/payment_intents/:id/confirm', handler: (ctx, req) => confirmPaymentIntent(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/payment_intents/:id/capture', handler: (ctx, req) => capturePaymentIntent(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/payment_intents/:id/cancel', handler: (ctx, req) => cancelPaymentIntent(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/payment_intents/:id/increment_authorization', handler: (ctx, req) => incrementAuthorization(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/payment_intents/:id/verify_microdeposits', handler: (ctx, req) => verifyMicrodeposits(ctx, req.path.id as string, req.params) },
];

/** PaymentIntents `/v1/payment_intents`: create, retrieve, update, list, confirm, capture, cancel (docs/decisions.md#paymentintents). */
export const paymentIntentsModule: ResourceModule = {
  name: 'payment-intents',
  routes,
  expandable: { pi_: (ctx, id) => paymentIntents.get(ctx.db, ctx.account, id) },
  events: ['payment_intent.created', 'payment_intent.processing', 'payment_intent.requires_action', 'payment_intent.succeeded', 'payment_intent.payment_failed',
    'payment_intent.amount_capturable_updated', 'payment_intent.canceled', 'payment_intent.partially_funded'],
  hooks: { fundCashBalance },
  jobs: { [MICRODEPOSITS_FAILED_JOB]: runMicrodepositsFailedJob },
};
