/**
 * The Dashboard reads and writes through the API's own routes, in process: the same handlers, the
 * same services and the same rules as a merchant's SDK call, in the signed-in account only
 * (docs/decisions.md#dashboard). It never names a table.
 */
import { inTransaction, makeCtx, type Deps } from '../api/context.js';
import type { FormObject } from '../api/form.js';
import { materialize } from '../api/raw.js';
import { Router, type Method } from '../api/router.js';
import { errors } from '../api/errors.js';
import type { Route } from '../api/router.js';

/** A plain JSON object as the API serves it. */
export type Json = Record<string, unknown>;

/** A Stripe list object. */
export interface JsonList {
  object: 'list';
  data: Json[];
  has_more: boolean;
}

/** An API client bound to one account. */
export interface DashboardClient {
  account: string;
  get(path: string, params?: FormObject): Promise<Json>;
  list(path: string, params?: FormObject): Promise<JsonList>;
  post(path: string, params?: FormObject): Promise<Json>;
}

/** Builds clients over the assembled routes (app.ts). */
export function clientFactory(deps: Deps, routes: Route[]): (account: string, requestId: string) => DashboardClient {
  const router = new Router(routes);
  function route(method: Method, path: string) {
    const m = router.match(method, path);
    if (!m) throw errors.notFoundUrl(method, path);
    return m;
  }
  return (account, requestId) => ({
    account,
    async get(path, params = {}) {
      const m = route('GET', path);
      // Reads go to the read connection, as the API's GETs do.
      const ctx = makeCtx(deps, account, deps.store.reader ?? deps.store.db, requestId);
      return materialize(await m.route.handler(ctx, { params, path: m.params, url: path })) as Json;
    },
    async list(path, params = {}) {
      return (await this.get(path, params)) as unknown as JsonList;
    },
    async post(path, params = {}) {
      const m = route('POST', path);
      return inTransaction(deps, account, async (ctx) => materialize(await m.route.handler(ctx, { params, path: m.params, url: path })) as Json, requestId);
    },
  });
}
