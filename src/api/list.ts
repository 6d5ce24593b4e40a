import { errors } from './errors.js';
import type { FormValue } from './form.js';
import { int, obj, str, type Field } from './params.js';
import type { Page, PageResult, Range } from '../store/objects.js';

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

/** Wraps a page as Stripe's list object; a cursor that names no object is a 404 as on Stripe. */
export function listObject<T>(url: string, result: PageResult<T>, kind: string, page: Page): ListObject<T> {
  if (result.missingCursor) {
    const id = (result.missingCursor === 'starting_after' ? page.startingAfter : page.endingBefore) ?? '';
    throw errors.missingResource(kind, id, result.missingCursor);
  }
  return { object: 'list', data: result.data, has_more: result.hasMore, url };
}
