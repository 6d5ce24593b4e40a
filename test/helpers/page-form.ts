import assert from 'node:assert/strict';

/** A hosted page fetched over HTTP: its HTML, and posts of its form with the page's CSRF token. */
export interface PageForm {
  html: string;
  post(fields: Record<string, string>): Promise<{ status: number; html: string }>;
}

/** Fetches the page at `url` and returns its HTML and a way to post its form (redirects not followed). */
export async function pageForm(url: string): Promise<PageForm> {
  const html = await (await fetch(url)).text();
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, 'the page has a form');
  return {
    html,
    async post(fields) {
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, csrf_token: token }).toString(),
      });
      return { status: res.status, html: await res.text() };
    },
  };
}
