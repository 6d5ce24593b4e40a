import type { Ctx } from './context.js';
import type { FormObject } from './form.js';
import { parseParams } from './params.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface ApiRequest {
  /** Query (GET, DELETE) or form body (POST) params, with `expand` taken out. */
  params: FormObject;
  /** Values of `:name` segments of the route path. */
  path: Record<string, string>;
  /** The request path, as lists report it in `url`. */
  url: string;
  /** The `expand[]` paths (applied after the handler; a search reads `total_count` from them). */
  expand?: readonly string[];
}

export interface Route {
  method: Method;
  /** `/v1/customers/:id` */
  path: string;
  handler(ctx: Ctx, req: ApiRequest): Promise<unknown>;
}

/**
 * A route whose handler takes only the `:id` of its path (retrieve, delete, cancel): any param is
 * refused as unknown, as Stripe refuses it.
 */
export function idRoute(method: Method, path: string, fn: (ctx: Ctx, id: string) => Promise<unknown>): Route {
  return {
    method,
    path,
    handler(ctx, req) {
      parseParams({}, req.params);
      return fn(ctx, req.path.id as string);
    },
  };
}

interface Compiled {
  route: Route;
  segments: string[];
}

/** Matches a method and path to a route; static segments win over `:params` by declaration order. */
export class Router {
  private readonly byMethod = new Map<Method, Compiled[]>();

  constructor(routes: Route[]) {
    for (const route of routes) {
      const list = this.byMethod.get(route.method) ?? [];
      list.push({ route, segments: route.path.split('/').filter(Boolean) });
      this.byMethod.set(route.method, list);
    }
    // Routes with more static segments first, so /v1/customers/search beats /v1/customers/:id.
    for (const list of this.byMethod.values()) {
      list.sort((a, b) => staticCount(b.segments) - staticCount(a.segments));
    }
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const list = this.byMethod.get(method as Method);
    if (!list) return undefined;
    const parts = path.split('/').filter(Boolean);
    outer: for (const { route, segments } of list) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i] as string;
        const part = parts[i] as string;
        if (seg.startsWith(':')) {
          let value: string;
          try {
            value = decodeURIComponent(part);
          } catch {
            continue outer;
          }
          // No id holds a NUL (PostgreSQL text cannot): such a URL names nothing.
          if (value.includes('\u0000')) continue outer;
          params[seg.slice(1)] = value;
        } else if (seg !== part) continue outer;
      }
      return { route, params };
    }
    return undefined;
  }
}

function staticCount(segments: string[]): number {
  return segments.filter((s) => !s.startsWith(':')).length;
}
