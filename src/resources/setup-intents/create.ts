/** Creating a SetupIntent, confirmed at once with `confirm=true`. */
import type { Ctx } from '../../api/context.js';
import { errors, type StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { mergeMetadata, parseParams } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit } from '../../events/emit.js';
import { requireCustomer } from '../customers/service.js';
import { confirmSetupIntent } from './confirm.js';
import { createShape } from './params.js';
import { resolvePaymentMethod } from './payment-method.js';
import { blank, cardOptions, checkTypes, setupIntents, setupIntentColumns } from './service.js';
import type { SetupIntent } from './shape.js';

/** POST /v1/setup_intents */
export async function createSetupIntent(ctx: Ctx, params: FormObject): Promise<SetupIntent | StripeError> {
  const p = parseParams(createShape, params);
  checkTypes(p);
  if (p.confirmation_token) throw errors.missingResource('confirmationtoken', p.confirmation_token, 'confirmation_token');
  if (p.return_url !== undefined && !p.confirm) {
    throw errors.invalid('You cannot provide a `return_url` without confirming the SetupIntent. Pass `confirm=true` or provide the `return_url` when confirming.', 'return_url');
  }
  if (p.customer) await requireCustomer(ctx, p.customer, 'customer');
  const now = unixNow(ctx.deps.clock);
  const automatic = p.payment_method_types === undefined;
  const si: SetupIntent = {
    ...blank(newId('seti_'), now),
    allowed_payment_method_types: p.allowed_payment_method_types ?? null,
    // Without payment_method_types the account's methods apply, as on Stripe's current API version.
    automatic_payment_methods: automatic ? { allow_redirects: p.automatic_payment_methods?.allow_redirects ?? 'always', enabled: p.automatic_payment_methods?.enabled ?? true } : null,
    customer: p.customer ?? null,
    customer_account: p.customer_account ?? null,
    description: p.description ?? null,
    excluded_payment_method_types: p.excluded_payment_method_types ?? null,
    flow_directions: p.flow_directions ?? null,
    metadata: mergeMetadata({}, p.metadata),
    on_behalf_of: p.on_behalf_of ?? null,
    payment_method_options: cardOptions(p.payment_method_options, { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } }),
    payment_method_types: p.payment_method_types ?? ['card'],
    usage: p.usage ?? 'off_session',
  };
  const pm = await resolvePaymentMethod(ctx, p);
  const created: SetupIntent = pm ? { ...si, payment_method: pm, status: 'requires_confirmation' } : si;
  await setupIntents.insert(ctx.db, ctx.account, created, setupIntentColumns(created));
  await emit(ctx, 'setup_intent.created', created, undefined, now);
  if (!p.confirm) return created;
  return confirmSetupIntent(ctx, created.id, { ...(p.return_url !== undefined ? { return_url: p.return_url } : {}), ...(p.mandate_data ? { mandate_data: p.mandate_data } : {}) });
}

