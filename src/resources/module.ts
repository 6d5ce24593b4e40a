/**
 * What a resource brings to the app, as a plain description: its routes, how its ids expand, the
 * jobs it runs, the events it emits, the hooks it offers other resources, and its migrations.
 * resources/index.ts lists every module; createApp (app.ts) assembles the list once. Nothing is
 * registered as a side effect of importing a file. See docs/architecture.md#adding-a-resource.
 */
import { Expansions, type Loader, type VirtualLoader } from '../api/expand.js';
import type { Route } from '../api/router.js';
import type { HookName, Hooks } from '../hooks.js';
import type { JobHandler } from '../scheduler/jobs.js';
import type { StoreMigration } from '../store/db.js';

export interface ResourceModule {
  /** The resource's name, for messages about the assembly (`customers`). */
  name: string;
  /** Its `/v1` routes. */
  routes?: readonly Route[];
  /** Id prefix -> how an id with that prefix expands (`cus_` -> the customer). */
  expandable?: Readonly<Record<string, Loader>>;
  /**
   * Field name -> how the id in a field of that name expands, for objects whose ids have no prefix
   * of their own (`coupon` -> the coupon: coupon ids are chosen by the merchant). Wins over prefixes.
   */
  expandableFields?: Readonly<Record<string, Loader>>;
  /** Object type -> field -> loader, for fields that expand from the parent, not from an id. */
  virtualFields?: Readonly<Record<string, Readonly<Record<string, VirtualLoader>>>>;
  /** Job kind -> what running it does. Each kind is spelled once, as a constant of its module. */
  jobs?: Readonly<Record<string, JobHandler>>;
  /** The event types it emits (a test checks every `emit` against these lists). */
  events?: readonly string[];
  /** Extension points it fills for other resources (hooks.ts). */
  hooks?: Partial<Hooks>;
  /** Migrations that create or change its own tables, by a name unique across modules. */
  migrations?: Readonly<Record<string, StoreMigration>>;
}

/** The modules put together: what createApp gives the router, the store and `deps`. */
export interface Assembly {
  routes: Route[];
  expansions: Expansions;
  jobs: ReadonlyMap<string, JobHandler>;
  hooks: Hooks;
  events: ReadonlySet<string>;
  migrations: Record<string, StoreMigration>;
}

/**
 * Puts the modules together. Two modules claiming the same route, id prefix, expandable or virtual
 * field, job kind, hook or migration name is a wiring mistake, refused at start rather than resolved by
 * import order.
 */
export function assemble(modules: readonly ResourceModule[]): Assembly {
  const claimed = new Map<string, string>();
  const claim = (what: string, by: string) => {
    const other = claimed.get(what);
    if (other !== undefined) throw new Error(`${what} is declared by both ${other} and ${by}`);
    claimed.set(what, by);
  };
  const routes: Route[] = [];
  const prefixes = new Map<string, Loader>();
  const byField = new Map<string, Loader>();
  const virtual = new Map<string, Map<string, VirtualLoader>>();
  const jobs = new Map<string, JobHandler>();
  const hooks: Partial<Record<HookName, unknown>> = {};
  const events = new Set<string>();
  const migrations: Record<string, StoreMigration> = {};
  for (const m of modules) {
    for (const route of m.routes ?? []) {
      claim(`route ${route.method} ${route.path}`, m.name);
      routes.push(route);
    }
    for (const [prefix, loader] of Object.entries(m.expandable ?? {})) {
      claim(`id prefix ${prefix}`, m.name);
      prefixes.set(prefix, loader);
    }
    for (const [field, loader] of Object.entries(m.expandableFields ?? {})) {
      claim(`expandable field ${field}`, m.name);
      byField.set(field, loader);
    }
    for (const [type, fields] of Object.entries(m.virtualFields ?? {})) {
      const forType = virtual.get(type) ?? new Map<string, VirtualLoader>();
      for (const [field, loader] of Object.entries(fields)) {
        claim(`field ${type}.${field}`, m.name);
        forType.set(field, loader);
      }
      virtual.set(type, forType);
    }
    for (const [kind, handler] of Object.entries(m.jobs ?? {})) {
      claim(`job ${kind}`, m.name);
      jobs.set(kind, handler);
    }
    for (const [name, hook] of Object.entries(m.hooks ?? {})) {
      claim(`hook ${name}`, m.name);
      hooks[name as HookName] = hook;
    }
    for (const [name, migration] of Object.entries(m.migrations ?? {})) {
      claim(`migration ${name}`, m.name);
      migrations[name] = migration;
    }
    for (const type of m.events ?? []) events.add(type);
  }
  return { routes, expansions: new Expansions(prefixes, virtual, byField), jobs, hooks: withMissingHooks(hooks), events, migrations };
}

/** A hook no module offers fails when called (an app assembled without the resource that fills it). */
function missing(name: HookName) {
  return (): Promise<never> => Promise.reject(new Error(`no module offers the hook ${name}`));
}

const NO_HOOKS: Hooks = {
  attachPaymentMethod: missing('attachPaymentMethod'),
  requireAttached: missing('requireAttached'),
  customerDiscount: missing('customerDiscount'),
  addCustomerTaxId: missing('addCustomerTaxId'),
  paymentLinkSessionCompleted: missing('paymentLinkSessionCompleted'),
  customerDeleted: missing('customerDeleted'),
  paymentIntentAttemptEnded: missing('paymentIntentAttemptEnded'),
  fundCashBalance: missing('fundCashBalance'),
  invoiceOfPaymentIntent: missing('invoiceOfPaymentIntent'),
};

function withMissingHooks(offered: Partial<Record<HookName, unknown>>): Hooks {
  return { ...NO_HOOKS, ...(offered as Partial<Hooks>) };
}
