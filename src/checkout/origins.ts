/** The origin of a URL a Checkout page may send the buyer to, for the page's CSP `form-action`. */

/**
 * The origin of `url` (a success, cancel or return URL, its `{CHECKOUT_SESSION_ID}` template
 * allowed), or null when there is none or it is not http(s).
 */
export function redirectOrigin(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url.replaceAll('{CHECKOUT_SESSION_ID}', 'x'));
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}
