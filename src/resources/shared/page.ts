import { errors } from '../../api/errors.js';
import type { Page, Range } from '../../store/objects.js';

/**
 * Stripe's cursor pagination over a small, already filtered list ordered newest first (filters
 * such as `lookup_keys[]` or `ids[]` that name at most a few objects).
 */
export function pageInMemory<T extends { id: string }>(items: T[], page: Page, kind: string): { data: T[]; has_more: boolean } {
  let from = 0;
  let to = items.length;
  if (page.startingAfter !== undefined) {
    const i = items.findIndex((x) => x.id === page.startingAfter);
    if (i === -1) throw errors.missingResource(kind, page.startingAfter, 'starting_after');
    from = i + 1;
  } else if (page.endingBefore !== undefined) {
    const i = items.findIndex((x) => x.id === page.endingBefore);
    if (i === -1) throw errors.missingResource(kind, page.endingBefore, 'ending_before');
    to = i;
    from = Math.max(0, to - page.limit);
    return { data: items.slice(from, to), has_more: from > 0 };
  }
  return { data: items.slice(from, from + page.limit), has_more: to - from > page.limit };
}

/** The objects whose `created` lies in Stripe's `created[gt|gte|lt|lte]` range. */
export function inRange<T extends { created: number }>(items: T[], c: Range | undefined): T[] {
  if (!c) return items;
  return items.filter(
    (x) =>
      (c.gt === undefined || x.created > c.gt) &&
      (c.gte === undefined || x.created >= c.gte) &&
      (c.lt === undefined || x.created < c.lt) &&
      (c.lte === undefined || x.created <= c.lte),
  );
}
