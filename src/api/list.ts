import { errors } from './errors.js';
import type { FormValue } from './form.js';
import { int, obj, parseParams, required, str, type Field } from './params.js';
import { RawJson } from './raw.js';
import type { Route } from './router.js';
import { compileSearch, type SearchFields } from './search-query.js';
import type { Filter, ObjectTable, Page, PageResult, Position, Range } from '../store/objects.js';

/** `created=123` or `created[gte]=...`: Stripe's range filter. */
export function range(): Field<Range | undefined> {
  const exact = int();
  const bounds = obj({ gt: int(), gte: int(), lt: int(), lte: int() });
  return {
    parse(value: FormValue | undefined, param: string) {
      if (value === undefined) return undefined;
      if (typeof value === 'string') {
        const n = exact.parse(value, param) as number;
        return { gte: n, lte: n };
      }
      return bounds.parse(value, param);
    },
  };
}

/** The pagination params every list endpoint takes. */
export const listParams = {
  limit: int({ min: 1, max: 100 }),
  starting_after: str({ max: 5000 }),
  ending_before: str({ max: 5000 }),
  created: range(),
};

/** The Page of a list request; `starting_after` with `ending_before` is refused as on Stripe. */
export function toPage(p: { limit?: number | undefined; starting_after?: string | undefined; ending_before?: string | undefined; created?: Range | undefined }): Page {
  if (p.starting_after !== undefined && p.ending_before !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
  return { limit: p.limit ?? 10, startingAfter: p.starting_after, endingBefore: p.ending_before, created: p.created };
}

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * Stripe's cursor pagination over a short list held in memory, in list order (a session's line
 * items, kept in its row). Lists of stored objects page in the store (ObjectTable.listRows).
 */
export function pageInMemory<T extends { id: string }>(items: readonly T[], page: Page): PageResult<T> {
  let from = 0;
  let to = items.length;
  if (page.startingAfter !== undefined) {
    const i = items.findIndex((x) => x.id === page.startingAfter);
    if (i === -1) return { data: [], hasMore: false, missingCursor: 'starting_after' };
    from = i + 1;
  } else if (page.endingBefore !== undefined) {
    const i = items.findIndex((x) => x.id === page.endingBefore);
    if (i === -1) return { data: [], hasMore: false, missingCursor: 'ending_before' };
    to = i;
    from = Math.max(0, to - page.limit);
    return { data: items.slice(from, to), hasMore: from > 0 };
  }
  return { data: items.slice(from, from + page.limit), hasMore: to - from > page.limit };
}

/** Wraps a page as Stripe's list object; a cursor that names no object is a 404 as on Stripe. */
export function listObject<T>(url: string, result: PageResult<T>, kind: string, page: Page): ListObject<T> {
  if (result.missingCursor) {
    const id = (result.missingCursor === 'starting_after' ? page.startingAfter : page.endingBefore) ?? '';
    throw errors.missingResource(kind, id, result.missingCursor);
  }
  return { object: 'list', data: result.data, has_more: result.hasMore, url };
}

/** The params every search endpoint (`/v1/customers/search`, ...) takes: the query, `limit`, and `page` (a `next_page`). */
export const searchParams = {
  query: required(str({ max: 5000 })),
  limit: int({ min: 1, max: 100 }),
  page: str({ max: 5000 }),
};

export interface SearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
  /** Only with `expand[]=total_count`. */
  total_count?: number;
}

/** A search page continues where the last stopped: its token encodes that position. */
function encodePosition(at: Position): string {
  return Buffer.from(`${at.created}:${at.seq}`).toString('base64url');
}

function decodePosition(token: string): Position {
  const m = /^(-?\d{1,15}):(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw errors.invalid('Invalid page: use the next_page value of a previous search result.', 'page');
  return { created: Number(m[1]), seq: Number(m[2]) };
}

/** The Page of a search request: newest first, after the position its `page` token names. */
export function toSearchPage(p: { limit?: number | undefined; page?: string | undefined }): Page {
  return { limit: p.limit ?? 10, after: p.page === undefined ? undefined : decodePosition(p.page) };
}

/** Wraps a page of search hits as Stripe's search result, with `next_page` while there are more. */
export function searchResult<T>(url: string, result: PageResult<T>): SearchResult<T> {
  const next = result.hasMore && result.last ? encodePosition(result.last) : null;
  return { object: 'search_result', data: result.data, has_more: result.hasMore, next_page: next, url };
}

/** What a resource tells {@link searchRoute}: its table, its name in the URL, its queryable fields. */
export interface Searchable {
  /** `customers`, `payment_intents`: the resource as the URL and Stripe's errors name it. */
  resource: string;
  /** The owner's table handle: the search reads only its own table. */
  table: ObjectTable<{ id: string }>;
  fields: SearchFields;
  /** Rows a search never returns (a deleted customer, an inline price), as the list leaves them out. */
  filter?: Filter;
}

/**
 * `GET /v1/<resource>/search`: Stripe's query language over the calling account's objects of
 * `table`, newest first, paged by `next_page`; `expand[]=total_count` adds the number of matches
 * (docs/decisions.md#search).
 */
export function searchRoute(s: Searchable): Route {
  return {
    method: 'GET',
    path: `/v1/${s.resource}/search`,
    async handler(ctx, req) {
      const p = parseParams(searchParams, req.params);
      const page = toSearchPage(p);
      const q = compileSearch(p.query, s.resource, s.fields);
      const filter = { ...q.filter, ...s.filter };
      const accept = (o: { id: string }) => q.matches(o as unknown as Record<string, unknown>);
      const result = await s.table.searchText(ctx.db, ctx.account, filter, { ...page, created: q.created }, accept);
      const out = searchResult(req.url, { ...result, data: result.data.map((text) => new RawJson(text)) });
      if (req.expand?.includes('total_count')) out.total_count = await s.table.countMatching(ctx.db, ctx.account, filter, q.created, accept);
      return out;
    },
  };
}
