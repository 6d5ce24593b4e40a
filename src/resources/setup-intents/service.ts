import type { Ctx } from '../../api/context.js';
import { newId, randomToken } from '../../api/ids.js';
import type { Metadata } from '../../api/params.js';
import { emit } from '../../events/emit.js';
import { ObjectTable } from '../../store/objects.js';

/** A SetupIntent at the current API version (stripe-node 23 `SetupIntent`). */
export interface SetupIntent {
  id: string;
  object: 'setup_intent';
  allowed_payment_method_types: null;
  application: null;
  automatic_payment_methods: null;
  cancellation_reason: null;
  client_secret: string;
  created: number;
  customer: string | null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: null;
  flow_directions: null;
  last_setup_error: null;
  latest_attempt: null;
  livemode: false;
  mandate: null;
  metadata: Metadata;
  next_action: null;
  on_behalf_of: string | null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: Record<string, unknown>;
  payment_method_types: string[];
  single_use_mandate: null;
  status: 'requires_payment_method' | 'succeeded';
  usage: 'off_session' | 'on_session';
}

export const setupIntents = new ObjectTable<SetupIntent>('setup_intents');

/** A SetupIntent that saved `paymentMethod` for `customer`; emits created and succeeded. */
export async function createSucceededSetupIntent(
  ctx: Ctx,
  n: { customer: string; paymentMethod: string; paymentMethodTypes: string[]; metadata: Metadata; description: string | null; onBehalfOf?: string | null; created: number },
): Promise<SetupIntent> {
  const id = newId('seti_');
  const si: SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomToken(24)}`,
    created: n.created,
    customer: n.customer,
    customer_account: null,
    description: n.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: n.metadata,
    next_action: null,
    on_behalf_of: n.onBehalfOf ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: n.paymentMethodTypes,
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: 'off_session',
  };
  await emit(ctx, 'setup_intent.created', si, undefined, n.created);
  const done: SetupIntent = { ...si, payment_method: n.paymentMethod, status: 'succeeded' };
  await setupIntents.insert(ctx.db, ctx.account, done, { customer_id: done.customer, status: done.status });
  await emit(ctx, 'setup_intent.succeeded', done, undefined, n.created);
  return done;
}
