import type { ListObject, SearchResult } from './list.js';

/**
 * An object's JSON exactly as the store holds it (the store keeps each object as served). A read
 * that returns it skips a parse and a re-serialisation; a request that expands into it gets it
 * parsed first ({@link materialize}).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

function isRawList(value: unknown): value is ListObject<RawJson> {
  const list = value as ListObject<unknown> | null;
  return list !== null && typeof list === 'object' && list.object === 'list' && Array.isArray(list.data) && list.data[0] instanceof RawJson;
}

function isRawSearch(value: unknown): value is SearchResult<RawJson> {
  const result = value as SearchResult<unknown> | null;
  return result !== null && typeof result === 'object' && result.object === 'search_result' && Array.isArray(result.data) && result.data[0] instanceof RawJson;
}

/** The value with every RawJson (itself, or a list's or search result's items) parsed into a plain object. */
export function materialize(value: unknown): unknown {
  if (value instanceof RawJson) return JSON.parse(value.text) as unknown;
  if (isRawList(value) || isRawSearch(value)) return { ...value, data: value.data.map((item) => JSON.parse(item.text) as unknown) };
  return value;
}

/** The response body: JSON.stringify, with RawJson text copied through as is. */
export function serialize(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (isRawList(value)) {
    // The key order JSON.stringify gives a ListObject: object, data, has_more, url.
    return `{"object":"list","data":[${value.data.map((item) => item.text).join(',')}],"has_more":${value.has_more},"url":${JSON.stringify(value.url)}}`;
  }
  if (isRawSearch(value)) {
    const total = value.total_count === undefined ? '' : `,"total_count":${value.total_count}`;
    return `{"object":"search_result","data":[${value.data.map((item) => item.text).join(',')}],"has_more":${value.has_more},"next_page":${JSON.stringify(value.next_page)},"url":${JSON.stringify(value.url)}${total}}`;
  }
  return JSON.stringify(value);
}
