/**
 * The one escaping function of the hosted page. Every string that did not come from this module's
 * own template text — merchant-supplied names, metadata, URLs, the buyer's own typed values — goes
 * through `esc` before it reaches the HTML, in text and in (double-quoted) attribute values alike.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/g;
const HAS_SPECIAL = /[&<>"']/;

/** HTML-escapes a value for text content or a double-quoted attribute; null/undefined -> ''. */
export function esc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : String(value);
  // Most strings have nothing to escape: skip the regex replace for them (render time budget).
  return HAS_SPECIAL.test(s) ? s.replace(SPECIAL, (c) => ENTITIES[c] as string) : s;
}
