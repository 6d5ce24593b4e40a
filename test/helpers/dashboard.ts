/**
 * The Dashboard over plain HTTP, without a browser (docs/decisions.md#dashboard): a cookie jar,
 * sign-in through the sign-in form with its CSRF token, and form posts. For the Dashboard's
 * non-browser suites, which run on both stores.
 */
import type { TestServer } from './server.js';

/** A visitor: the cookies the Dashboard set. */
export interface Visitor {
  cookies: Map<string, string>;
}

export interface PageAnswer {
  status: number;
  location: string | null;
  text: string;
  setCookie: string[];
}

function cookieHeader(v: Visitor): string {
  return [...v.cookies].map(([k, val]) => `${k}=${val}`).join('; ');
}

/** One request as a browser would send it, keeping the cookies it sets (no redirect followed). */
export async function request(server: TestServer, v: Visitor, path: string, init: { method?: string; form?: Record<string, string>; lang?: string } = {}): Promise<PageAnswer> {
  const res = await fetch(server.url + path, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { cookie: cookieHeader(v), ...(init.lang ? { 'accept-language': init.lang } : {}), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1);
    if (value === '') v.cookies.delete(pair.slice(0, eq));
    else v.cookies.set(pair.slice(0, eq), value);
  }
  return { status: res.status, location: res.headers.get('location'), text: await res.text(), setCookie: res.headers.getSetCookie() };
}

/** The CSRF token of the first form of a page. */
export const csrfOf = (html: string): string => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in with a key (or the admin token) through the sign-in form. */
export async function signIn(server: TestServer, secret: string): Promise<{ v: Visitor; status: number; text: string }> {
  const v: Visitor = { cookies: new Map() };
  const page = await request(server, v, '/dashboard/login');
  const r = await request(server, v, '/dashboard/login', { method: 'POST', form: { secret, csrf_token: csrfOf(page.text) } });
  return { v, status: r.status, text: r.text };
}

/** Posts a form of a page the visitor opened, with that page's CSRF token (or `csrf` when given). */
export async function submit(server: TestServer, v: Visitor, fromPage: string, action: string, form: Record<string, string> = {}, csrf?: string): Promise<PageAnswer> {
  const token = csrf ?? csrfOf((await request(server, v, fromPage)).text);
  return request(server, v, action, { method: 'POST', form: { ...form, csrf_token: token } });
}

/** `href`s on a page matching a pattern, unescaped. */
export function links(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] as string).replaceAll('&amp;', '&')).filter((h) => pattern.test(h));
}
