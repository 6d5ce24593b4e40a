/**
 * Merchant text on the page (`custom_text.*.message`), in the Markdown Stripe allows there: links
 * `[text](https://…)`, `**bold**` and `*italic*` / `_italic_`, line breaks. Everything else is
 * escaped: merchant text never reaches the page as HTML (docs/decisions.md#what-the-page-asks-beside-payment).
 */
import { esc } from '../escape.js';

const LINK = /\[([^\]\n]{1,500})\]\(([^)\s]{1,2000})\)/g;

/** Bold and italics over already-escaped text (which holds no `<`, so the tags are the only markup). */
function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([^*]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/__(?=\S)([^_]*?\S)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, '$1<em>$2</em>');
}

/** An http(s) URL, or null: other schemes (`javascript:`, `data:`) are shown as text. */
function httpUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A message as inline HTML: escaped, with Stripe's Markdown links and emphasis. */
export function merchantText(message: string): string {
  let out = '';
  let at = 0;
  for (const m of message.matchAll(LINK)) {
    const [whole, text = '', href = ''] = m;
    const url = httpUrl(href);
    if (url === null) continue;
    out += emphasis(esc(message.slice(at, m.index)));
    out += `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${emphasis(esc(text))}</a>`;
    at = m.index + whole.length;
  }
  out += emphasis(esc(message.slice(at)));
  return out.replace(/\r?\n/g, '<br>');
}
