/**
 * `opencheckout faults ...`: reads and sets the account's faults on demand through the admin
 * routes (`/_admin/faults`, docs/decisions.md#faults-on-demand).
 */
import { ApiError, type ApiOptions } from './api.js';

export interface FaultOptions {
  json?: string | undefined;
  share?: string | undefined;
  method?: string | undefined;
  path?: string | undefined;
  'latency-ms'?: string | undefined;
  count?: string | undefined;
  seed?: string | undefined;
  duplicate?: string | undefined;
  late?: string | undefined;
  fail?: string | undefined;
  'fail-for'?: string | undefined;
}

export const FAULTS_HELP = `Usage: opencheckout faults show
       opencheckout faults clear
       opencheckout faults set --json '{"seed":1,"api":[...],"webhooks":{...}}'
       opencheckout faults api KIND [--share 0.3] [--method POST] [--path '/v1/customers*'] [--latency-ms 500] [--count N] [--seed N]
       opencheckout faults webhooks [--duplicate 0.5] [--late SHARE:MS] [--fail SHARE] [--fail-for SECONDS] [--seed N]

Makes the API and webhook delivery misbehave for this account, as Stripe may: KIND is
rate_limit (429), api_error (500), reset (the connection is reset) or latency. 'api' adds a rule
to those already set; 'webhooks' replaces the webhook faults. The same seed gives the same faults.
One request can also ask with the header OpenCheckout-Fault: rate_limit | api_error | reset | latency=MS.`;

type Spec = Record<string, unknown> & { api?: unknown[]; webhooks?: Record<string, unknown> };

async function call(o: ApiOptions, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<Spec> {
  const res = await fetch(`${o.apiBase}/_admin/faults`, {
    method,
    headers: {
      authorization: `Bearer ${o.apiKey}`,
      'content-type': 'application/json',
      ...(process.env.OPENCHECKOUT_ADMIN_TOKEN ? { 'opencheckout-admin-token': process.env.OPENCHECKOUT_ADMIN_TOKEN } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed as Spec;
}

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got '${value}'.`);
  return n;
}

/** The specification without what the server adds (object, version), ready to send back. */
function editable(spec: Spec): Spec {
  const { object: _object, version: _version, ...rest } = spec;
  return rest;
}

/** Runs `opencheckout faults <sub>`; prints the resulting specification as JSON. */
export async function faults(o: ApiOptions, sub: string | undefined, kind: string | undefined, v: FaultOptions, out: (line: string) => void): Promise<void> {
  let result: Spec;
  switch (sub) {
    case 'show':
      result = await call(o, 'GET');
      break;
    case 'clear':
      result = await call(o, 'DELETE');
      break;
    case 'set': {
      if (!v.json) throw new Error(`faults set needs --json.\n\n${FAULTS_HELP}`);
      result = await call(o, 'POST', JSON.parse(v.json) as unknown);
      break;
    }
    case 'api': {
      if (!kind) throw new Error(`faults api needs a KIND.\n\n${FAULTS_HELP}`);
      const spec = editable(await call(o, 'GET'));
      const rule: Record<string, unknown> = { error: kind };
      if (v.share !== undefined) rule.share = num(v.share, 'share');
      if (v.method !== undefined) rule.method = v.method;
      if (v.path !== undefined) rule.path = v.path;
      if (v['latency-ms'] !== undefined) rule.latency_ms = num(v['latency-ms'], 'latency-ms');
      if (v.count !== undefined) rule.count = num(v.count, 'count');
      spec.api = [...(spec.api ?? []), rule];
      if (v.seed !== undefined) spec.seed = num(v.seed, 'seed');
      result = await call(o, 'POST', spec);
      break;
    }
    case 'webhooks': {
      const spec = editable(await call(o, 'GET'));
      const webhooks: Record<string, unknown> = {};
      if (v.duplicate !== undefined) webhooks.duplicate = num(v.duplicate, 'duplicate');
      if (v.late !== undefined) {
        const [share, ms] = v.late.split(':');
        webhooks.late = { share: num(share, 'late'), ms: num(ms ?? '1000', 'late') };
      }
      if (v.fail !== undefined || v['fail-for'] !== undefined) {
        webhooks.fail = { share: num(v.fail ?? '1', 'fail'), ...(v['fail-for'] !== undefined ? { for_seconds: num(v['fail-for'], 'fail-for') } : {}) };
      }
      spec.webhooks = webhooks;
      if (v.seed !== undefined) spec.seed = num(v.seed, 'seed');
      result = await call(o, 'POST', spec);
      break;
    }
    default:
      throw new Error(FAULTS_HELP);
  }
  out(JSON.stringify(editable(result), null, 2));
}
