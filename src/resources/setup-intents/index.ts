import { parseParams, str } from '../../api/params.js';
import { errors } from '../../api/errors.js';
import { RawJson } from '../../api/raw.js';
import type { ResourceModule } from '../module.js';
import { confirmSetupIntent, runSetupMicrodepositsFailedJob, SETUP_MICRODEPOSITS_FAILED_JOB, verifySetupMicrodeposits } from './confirm.js';
import { createSetupIntent } from './create.js';
import { setupIntentMigrations } from './migrations.js';
import { verifyShape } from './params.js';
import { cancelSetupIntent, listSetupIntents, requireSetupIntent, setupIntents, updateSetupIntent } from './service.js';

/** SetupIntents `/v1/setup_intents` (docs/decisions.md#setupintents); Checkout in setup mode creates them too. */
export const setupIntentsModule: ResourceModule = {
  name: 'setup-intents',
  routes: [
    { method: 'POST', path: '/v1/setup_intents', handler: (ctx, req) => createSetupIntent(ctx, req.params) },
    { method: 'GET', path: '/v1/setup_intents', handler: (ctx, req) => listSetupIntents(ctx, req.params, req.url) },
    {
      method: 'GET',
      path: '/v1/setup_intents/:id',
      async handler(ctx, req) {
        parseParams({ client_secret: str() }, req.params);
        const id = req.path.id as string;
        const text = await setupIntents.getText(ctx.db, ctx.account, id);
        if (text === undefined) throw errors.missingResource('setup_intent', id);
        return new RawJson(text);
      },
    },
    { method: 'POST', path: '/v1/setup_intents/:id', handler: (ctx, req) => updateSetupIntent(ctx, req.path.id as string, req.params) },
    { method: 'POST', path: '/v1/setup_intents/:id/confirm', handler: (ctx, req) => confirmSetupIntent(ctx, req.path.id as string, req.params) },
    { method: 'POST', path: '/v1/setup_intents/:id/cancel', handler: (ctx, req) => cancelSetupIntent(ctx, req.path.id as string, req.params) },
    {
      method: 'POST',
      path: '/v1/setup_intents/:id/verify_microdeposits',
      async handler(ctx, req) {
        const p = parseParams(verifyShape, req.params);
        const si = await requireSetupIntent(ctx, req.path.id as string, true);
        if (p.client_secret !== undefined && p.client_secret !== si.client_secret) {
          throw errors.invalid('The client_secret provided does not match the client_secret associated with the SetupIntent.', 'client_secret');
        }
        return verifySetupMicrodeposits(ctx, si, p);
      },
    },
  ],
  expandable: { seti_: (ctx, id) => setupIntents.get(ctx.db, ctx.account, id) },
  events: ['setup_intent.created', 'setup_intent.succeeded', 'setup_intent.setup_failed', 'setup_intent.canceled', 'setup_intent.requires_action'],
  migrations: setupIntentMigrations,
  jobs: { [SETUP_MICRODEPOSITS_FAILED_JOB]: runSetupMicrodepositsFailedJob },
};
