/**
 * The CLI's client for an OpenCheckout server: Stripe's wire format (bracket-encoded forms,
 * Bearer key), no SDK needed at run time.
 */
export interface ApiOptions {
  apiBase: string;
  apiKey: string;
}

/** An error answer of the API, as the CLI reports it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const err = (body as { error?: { message?: string } } | undefined)?.error;
    super(err?.message ?? `HTTP ${status}`);
  }
}

type Params = Record<string, unknown>;

/** `{a: {b: 1}, c: ['x']}` -> `a[b]=1&c[0]=x`, as Stripe's SDKs encode. */
export function encodeForm(params: Params, prefix = ''): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value !== null && typeof value === 'object') {
      const nested = Array.isArray(value) ? Object.fromEntries(value.map((v, i) => [String(i), v])) : (value as Params);
      const inner = encodeForm(nested, name);
      if (inner) parts.push(inner);
    } else {
      parts.push(`${encodeURIComponent(name).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(value === null ? '' : String(value))}`);
    }
  }
  return parts.join('&');
}

/** A minimal form-encoding API client for the CLI (no SDK needed). */
export function client(o: ApiOptions) {
  function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, params: Params = {}, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<T> {
    return raw<T>(method, path, encodeForm(params), headers, signal);
  }
  /** A request with an already-encoded form (fixtures build theirs the Stripe CLI's way). */
  async function raw<T>(method: 'GET' | 'POST' | 'DELETE', path: string, form: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    const url = `${o.apiBase}${path}${method !== 'POST' && form ? `${path.includes('?') ? '&' : '?'}${form}` : ''}`;
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      ...(method === 'POST' ? { body: form } : {}),
      ...(signal ? { signal } : {}),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    if (!res.ok) throw new ApiError(res.status, body);
    return body as T;
  }
  return {
    raw,
    get: <T>(path: string, params?: Params, signal?: AbortSignal) => call<T>('GET', path, params, signal),
    post: <T>(path: string, params?: Params, headers?: Record<string, string>) => call<T>('POST', path, params, undefined, headers),
    del: <T>(path: string, params?: Params) => call<T>('DELETE', path, params),
    /** Any method, with extra headers (fixtures: an Idempotency-Key). */
    request: <T>(method: 'GET' | 'POST' | 'DELETE', path: string, params?: Params, headers?: Record<string, string>) => call<T>(method, path, params, undefined, headers),
    options: o,
  };
}

export type Client = ReturnType<typeof client>;
