import { errors } from '../../api/errors.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { parseParams, str } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import type { Route } from '../../api/router.js';
import type { ObjectTable } from '../../store/objects.js';

interface ReadOptions {
  /** `/v1/payment_intents` */
  base: string;
  table: ObjectTable<{ id: string }>;
  /** The object name in "No such ..." messages. */
  kind: string;
  /** List filter param -> column (every one of these takes an id or a status). */
  filters: Record<string, string>;
}

/**
 * Retrieve and list for objects that Checkout creates and the API only reads (PaymentIntents,
 * SetupIntents, Subscriptions, Invoices).
 */
export function readRoutes(o: ReadOptions): Route[] {
  const filterShape = Object.fromEntries(Object.keys(o.filters).map((k) => [k, str({ max: 5000 })]));
  const listShape = { ...listParams, ...filterShape };
  return [
    {
      method: 'GET',
      path: `${o.base}/:id`,
      async handler(ctx, req) {
        parseParams({ client_secret: str() }, req.params);
        const id = req.path.id as string;
        const text = await o.table.getText(ctx.db, ctx.account, id);
        if (text === undefined) throw errors.missingResource(o.kind, id);
        return new RawJson(text);
      },
    },
    {
      method: 'GET',
      path: o.base,
      async handler(ctx, req) {
        const p = parseParams(listShape, req.params) as Record<string, unknown>;
        const page = toPage(p);
        const filter: Record<string, string> = {};
        for (const [param, column] of Object.entries(o.filters)) {
          const v = p[param];
          if (typeof v === 'string') filter[column] = v;
        }
        const result = await o.table.listText(ctx.db, ctx.account, filter, page);
        return listObject(req.url, { ...result, data: result.data.map((text) => new RawJson(text)) }, o.kind, page);
      },
    },
  ];
}
