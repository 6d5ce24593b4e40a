import { errors } from './errors.js';
import type { Ctx } from './context.js';

/** Loads an object by id for expansion; undefined = not found in this account. */
export type Loader = (ctx: Ctx, id: string) => Promise<object | undefined>;

const byPrefix = new Map<string, Loader>();
/** object type -> field -> loader taking the parent object (for fields that are not ids, e.g. line_items). */
const virtual = new Map<string, Map<string, (ctx: Ctx, parent: Record<string, unknown>) => Promise<unknown>>>();

/** Resources register how their ids expand: `registerExpandable('cus_', loadCustomer)`. */
export function registerExpandable(prefix: string, loader: Loader): void {
  byPrefix.set(prefix, loader);
}

/** Fields that expand from the parent rather than an id (Checkout's `line_items`). */
export function registerVirtualExpansion(
  objectType: string,
  field: string,
  loader: (ctx: Ctx, parent: Record<string, unknown>) => Promise<unknown>,
): void {
  let fields = virtual.get(objectType);
  if (!fields) virtual.set(objectType, (fields = new Map()));
  fields.set(field, loader);
}

function loaderFor(id: string): Loader | undefined {
  for (const [prefix, loader] of byPrefix) if (id.startsWith(prefix)) return loader;
  return undefined;
}

const MAX_EXPAND_DEPTH = 4;

/** Applies `expand[]` paths (`customer`, `data.customer`, `payment_intent.payment_method`) in place. */
export async function expandObject(ctx: Ctx, root: unknown, paths: string[]): Promise<void> {
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > MAX_EXPAND_DEPTH) {
      throw errors.invalid(`You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property. Property: ${path}`, 'expand');
    }
    await expandPath(ctx, root, segments, path);
  }
}

async function expandPath(ctx: Ctx, node: unknown, segments: string[], path: string): Promise<void> {
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (obj.object === 'list' && head === 'data' && Array.isArray(obj.data)) {
    for (const item of obj.data) await expandPath(ctx, item, rest, path);
    return;
  }
  const virtualLoader = typeof obj.object === 'string' ? virtual.get(obj.object)?.get(head) : undefined;
  if (virtualLoader) {
    if (obj[head] === undefined || obj[head] === null || typeof obj[head] === 'string') obj[head] = await virtualLoader(ctx, obj);
  } else if (!Object.hasOwn(obj, head)) {
    throw errors.invalid(`This property cannot be expanded (${head}).`, 'expand');
  } else if (typeof obj[head] === 'string') {
    const id = obj[head] as string;
    const loader = loaderFor(id);
    if (!loader) throw errors.invalid(`This property cannot be expanded (${head}).`, 'expand');
    const loaded = await loader(ctx, id);
    // A dangling reference (deleted object) stays an id, as Stripe leaves it.
    if (loaded) obj[head] = loaded;
  }
  if (rest.length > 0) {
    const child = obj[head];
    if (Array.isArray(child)) for (const item of child) await expandPath(ctx, item, rest, path);
    else await expandPath(ctx, child, rest, path);
  }
}
