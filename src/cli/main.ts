/**
 * `opencheckout`: the command line for local work, in the spirit of the Stripe CLI.
 * Every command but `serve` talks to a running server (`--api-base`, `OPENCHECKOUT_API_BASE`)
 * with a secret key (`--api-key`, `STRIPE_API_KEY`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SETTINGS } from '../config.js';
import { ApiError, client, type ApiOptions, type Client } from './api.js';
import { FAULTS_HELP, faults } from './faults.js';
import { FixtureError, parseFixtures, runFixtures } from './fixtures.js';
import { listen } from './listen.js';
import { tail } from './logs.js';
import { seed } from './seed.js';
import { TRIGGERS } from './trigger.js';

const GLOBAL = `Options for every command but serve:
  --api-base URL   the OpenCheckout server (env OPENCHECKOUT_API_BASE, default http://localhost:12111)
  --api-key KEY    a secret key, e.g. sk_test_123 (env STRIPE_API_KEY)`;

const HELP: Record<string, string> = {
  main: `Usage: opencheckout <command> [options]

Commands:
  serve                                   run the server (same as npm start; configured by environment)
  listen --forward-to URL [--events a,b]  forward this account's events to a local URL, signed
  trigger EVENT                           cause an event by creating the real objects behind it
  events resend EVENT_ID --webhook-endpoint WE_ID   deliver an event again to an endpoint
  events attempts EVENT_ID                show an event's delivery attempts
  seed                                    create demo customers with saved cards (one prefills, one does not)
  logs tail [--filter-...]                stream the account's API request log, like stripe logs tail
  fixtures FILE.json                      run a Stripe CLI fixtures file against the server
  reset                                   delete every object of the account
  faults show|clear|set|api|webhooks      make the API and webhook delivery misbehave, on demand
  --version                               print the version

Run 'opencheckout <command> --help' for a command's options.

${GLOBAL}`,
  serve: serveHelp(),
  faults: `${FAULTS_HELP}\n\n${GLOBAL}`,
  listen: `Usage: opencheckout listen --forward-to URL [--events type,type]

Prints "Ready! Your webhook signing secret is whsec_..." and forwards every event of the account
to URL, signed with that secret (verify it with stripe.webhooks.constructEvent), printing one
line per delivery. --events limits the event types (default: all). ^C stops and unregisters.

${GLOBAL}`,
  trigger: `Usage: opencheckout trigger EVENT

Events:
${Object.entries(TRIGGERS)
  .map(([name, t]) => `  ${name.padEnd(42)} ${t.describe}`)
  .join('\n')}

${GLOBAL}`,
  events: `Usage: opencheckout events resend EVENT_ID --webhook-endpoint WE_ID
       opencheckout events attempts EVENT_ID

resend calls POST /v1/events/{id}/retry; attempts reads GET /_admin/events/{id}/attempts.

${GLOBAL}`,
  seed: `Usage: opencheckout seed

Creates a customer whose saved Visa qualifies for prefill (allow_redisplay: always, complete
billing details) and one whose Mastercard does not (allow_redisplay: limited), and prints their ids.

${GLOBAL}`,
  logs: `Usage: opencheckout logs tail [options]

Streams the API requests of the key's account as they are made, one line each:
  2026-12-06 19:20:01 [200] POST /v1/customers [req_...]
followed by the error's Type, Code, Message, Param... when a request failed.

Options (each takes a comma-separated list, as in the Stripe CLI):
  --filter-http-method GET,POST,DELETE
  --filter-request-path /v1/customers     (a trailing * matches a prefix: /v1/checkout/*)
  --filter-request-status SUCCEEDED|FAILED
  --filter-status-code 402
  --filter-status-code-type 2XX|4XX|5XX
  --format JSON                           one JSON object per request

${GLOBAL}`,
  fixtures: `Usage: opencheckout fixtures FILE.json

Runs a Stripe CLI fixtures file unchanged (stripe fixtures): each fixture's request in order,
with \${name:path} references to earlier responses and \${.env:VAR|default} from the environment
or ./.env. OPENCHECKOUT_FIXTURES=FILE.json runs one when the server starts.

${GLOBAL}`,
  reset: `Usage: opencheckout reset

Deletes every object of the account the key opens (POST /_admin/reset).

${GLOBAL}`,
};

/** `serve --help`: every setting of src/config.ts's one table, with its environment variable and default. */
function serveHelp(): string {
  const width = Math.max(...SETTINGS.map((x) => x.env.length));
  const rows = SETTINGS.map((x) => `  ${x.env.padEnd(width)}  ${x.meaning}${x.default ? ` (default: ${x.default})` : ''}`);
  return `Usage: opencheckout serve

Runs the API and hosted pages. Configured by environment variables:

${rows.join('\n')}`;
}

/** The version of the installed package (package.json beside src/ or dist/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function optionsFrom(values: { 'api-base'?: string | undefined; 'api-key'?: string | undefined }): ApiOptions {
  const apiKey = values['api-key'] ?? process.env.STRIPE_API_KEY;
  if (!apiKey) fail('Provide a secret key with --api-key sk_test_... or STRIPE_API_KEY.');
  const apiBase = (values['api-base'] ?? process.env.OPENCHECKOUT_API_BASE ?? 'http://localhost:12111').replace(/\/+$/, '');
  return { apiBase, apiKey };
}

function apiFrom(values: { 'api-base'?: string | undefined; 'api-key'?: string | undefined }): Client {
  return client(optionsFrom(values));
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Runs one `opencheckout` command line; output goes to `out`. */
export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'api-base': { type: 'string' },
      'api-key': { type: 'string' },
      'forward-to': { type: 'string' },
      events: { type: 'string' },
      'webhook-endpoint': { type: 'string' },
      version: { type: 'boolean', short: 'v' },
      // faults
      json: { type: 'string' },
      share: { type: 'string' },
      method: { type: 'string' },
      path: { type: 'string' },
      'latency-ms': { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      duplicate: { type: 'string' },
      late: { type: 'string' },
      fail: { type: 'string' },
      'fail-for': { type: 'string' },
      'filter-status-code': { type: 'string' },
      'filter-status-code-type': { type: 'string' },
      'filter-http-method': { type: 'string' },
      'filter-request-path': { type: 'string' },
      'filter-request-status': { type: 'string' },
      format: { type: 'string' },
    },
  });
  if (values.version) return out(version());
  const [command, ...rest] = positionals;
  if (!command || command === 'help') return out(HELP.main as string);
  if (!(command in HELP)) fail(`Unknown command '${command}'.\n\n${HELP.main}`);
  if (values.help) return out(HELP[command] as string);

  switch (command) {
    case 'serve': {
      // The one-file bundle beside a build starts twice as fast (bench/README.md, Start-up).
      const bundle = new URL('../server.mjs', import.meta.url);
      const { serve, failedToStart } = (existsSync(bundle) ? await import(bundle.href) : await import('../main.js')) as typeof import('../main.js');
      return serve().catch(failedToStart);
    }
    case 'listen': {
      const forwardTo = values['forward-to'];
      if (!forwardTo) fail(`listen needs --forward-to URL.\n\n${HELP.listen}`);
      const stop = await listen(apiFrom(values), { forwardTo, events: values.events?.split(',').filter(Boolean) ?? [], out });
      const quit = () => void stop().then(() => process.exit(0));
      process.on('SIGINT', quit);
      process.on('SIGTERM', quit);
      return;
    }
    case 'trigger': {
      const name = rest[0];
      const trigger = name ? TRIGGERS[name] : undefined;
      if (!trigger) fail(`${name ? `Cannot trigger '${name}'.` : 'trigger needs an EVENT.'}\n\n${HELP.trigger}`);
      await trigger.run(apiFrom(values), out);
      return out(`Trigger succeeded! Check the events of the account for ${name}.`);
    }
    case 'events': {
      const [sub, id] = rest;
      const api = apiFrom(values);
      if (sub === 'resend' && id) {
        const endpoint = values['webhook-endpoint'];
        if (!endpoint) fail(`events resend needs --webhook-endpoint WE_ID.\n\n${HELP.events}`);
        await api.post(`/v1/events/${encodeURIComponent(id)}/retry`, { webhook_endpoint: endpoint });
        return out(`Resent ${id} to ${endpoint}.`);
      }
      if (sub === 'attempts' && id) {
        const res = await api.get<{ data: Array<Record<string, unknown>> }>(`/_admin/events/${encodeURIComponent(id)}/attempts`);
        for (const a of res.data) out(JSON.stringify(a));
        return;
      }
      return fail(HELP.events as string);
    }
    case 'seed': {
      const s = await seed(apiFrom(values));
      out(`Customer with a card that prefills:      ${s.prefilled.id} (${s.prefilled.email}, card ${s.cards[s.prefilled.id]})`);
      return out(`Customer with a card that does not:     ${s.notPrefilled.id} (${s.notPrefilled.email}, card ${s.cards[s.notPrefilled.id]})`);
    }
    case 'faults': {
      const [sub, kind] = rest;
      return faults(optionsFrom(values), sub, kind, values, out);
    }
    case 'logs': {
      if (rest[0] !== 'tail') fail(HELP.logs as string);
      const stop = new AbortController();
      const quit = () => {
        stop.abort();
        process.exit(0);
      };
      process.on('SIGINT', quit);
      process.on('SIGTERM', quit);
      return tail(apiFrom(values), { filters: values, format: values.format, out, signal: stop.signal });
    }
    case 'fixtures': {
      const file = rest[0];
      if (!file) fail(`fixtures needs a FILE.json.\n\n${HELP.fixtures}`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        return fail(`Cannot read ${file}: ${(err as Error).message}`);
      }
      await runFixtures(apiFrom(values), parseFixtures(text, file), { out });
      return out(`Fixtures ran: ${file}`);
    }
    case 'reset': {
      await apiFrom(values).post('/_admin/reset');
      return out('Deleted every object of the account.');
    }
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ApiError) fail(`Request failed (HTTP ${err.status}): ${err.message}`);
  if (err instanceof FixtureError) fail(`Fixtures failed: ${err.message}`);
  fail(err instanceof Error ? err.message : String(err));
});
