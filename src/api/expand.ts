import { errors } from './errors.js';
import type { Ctx } from './context.js';

/** Loads an object by id for expansion; undefined = not found in this account. */
export type Loader = (ctx: Ctx, id: string) => Promise<object | undefined>;
/** Loads a field that expands from its parent object rather than an id (Checkout's `line_items`). */
export type VirtualLoader = (ctx: Ctx, parent: Record<string, unknown>) => Promise<unknown>;

/**
 * How ids and fields expand, assembled once from the resources' descriptions (resources/index.ts):
 * id prefix -> loader, field name -> loader for ids without a prefix of their own (coupon ids are
 * the merchant's choice), and object type -> field -> loader for virtual fields.
 */
export class Expansions {
  private readonly byPrefix: Array<[string, Loader]>;
  private readonly virtual: Map<string, Map<string, VirtualLoader>>;
  private readonly byField: Map<string, Loader>;

  constructor(
    byPrefix: ReadonlyMap<string, Loader>,
    virtual: ReadonlyMap<string, ReadonlyMap<string, VirtualLoader>>,
    byField: ReadonlyMap<string, Loader> = new Map(),
  ) {
    this.byPrefix = [...byPrefix];
    this.virtual = new Map([...virtual].map(([type, fields]) => [type, new Map(fields)]));
    this.byField = new Map(byField);
  }

  loaderFor(id: string): Loader | undefined {
    for (const [prefix, loader] of this.byPrefix) if (id.startsWith(prefix)) return loader;
    return undefined;
  }

  /** The loader of a field that always names one kind of object (`coupon`), whatever its id looks like. */
  fieldLoader(field: string): Loader | undefined {
    return this.byField.get(field);
  }

  virtualLoader(objectType: string, field: string): VirtualLoader | undefined {
    return this.virtual.get(objectType)?.get(field);
  }
}

const MAX_EXPAND_DEPTH = 4;

/** Applies `expand[]` paths (`customer`, `data.customer`, `payment_intent.payment_method`) in place. */
export async function expandObject(ctx: Ctx, root: unknown, paths: string[]): Promise<void> {
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > MAX_EXPAND_DEPTH) {
      throw errors.invalid(`You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property. Property: ${path}`, 'expand');
    }
    await expandPath(ctx, root, segments);
  }
}

async function expandPath(ctx: Ctx, node: unknown, segments: string[]): Promise<void> {
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (obj.object === 'list' && head === 'data' && Array.isArray(obj.data)) {
    for (const item of obj.data) await expandPath(ctx, item, rest);
    return;
  }
  const expansions = ctx.deps.expansions;
  // A virtual field inside a sub-object of the object (`total_details.breakdown` on a session).
  const nested = rest.length > 0 && typeof obj.object === 'string' ? expansions.virtualLoader(obj.object, segments.join('.')) : undefined;
  if (nested) {
    let parent: unknown = obj;
    for (const s of segments.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[s] : undefined;
    if (parent !== null && typeof parent === 'object') (parent as Record<string, unknown>)[segments[segments.length - 1] as string] = await nested(ctx, obj);
    return;
  }
  const virtualLoader = typeof obj.object === 'string' ? expansions.virtualLoader(obj.object, head) : undefined;
  if (virtualLoader) {
    if (obj[head] === undefined || obj[head] === null || typeof obj[head] === 'string') obj[head] = await virtualLoader(ctx, obj);
  } else if (!Object.hasOwn(obj, head)) {
    throw errors.invalid(`This property cannot be expanded (${head}).`, 'expand');
  } else if (typeof obj[head] === 'string') {
    const id = obj[head] as string;
    // A field declared by name wins over the id's prefix: a coupon may be called `cus_summer`.
    const loader = expansions.fieldLoader(head) ?? expansions.loaderFor(id);
    if (!loader) throw errors.invalid(`This property cannot be expanded (${head}).`, 'expand');
    const loaded = await loader(ctx, id);
    // A dangling reference (deleted object) stays an id, as Stripe leaves it.
    if (loaded) obj[head] = loaded;
  } else if (Array.isArray(obj[head]) && (obj[head] as unknown[]).some((x) => typeof x === 'string')) {
    // A list of ids (`discounts`): each id expands by its own loader.
    const out: unknown[] = [];
    for (const x of obj[head] as unknown[]) {
      const loader = typeof x === 'string' ? (expansions.fieldLoader(head) ?? expansions.loaderFor(x)) : undefined;
      out.push((loader ? await loader(ctx, x as string) : undefined) ?? x);
    }
    obj[head] = out;
  }
  if (rest.length > 0) {
    const child = obj[head];
    if (Array.isArray(child)) for (const item of child) await expandPath(ctx, item, rest);
    else await expandPath(ctx, child, rest);
  }
}
