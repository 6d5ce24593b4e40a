/**
 * Shared setup of the example shop's suites: the whole demo (OpenCheckout as a child process,
 * the SMTP catcher, the seeded account, the shop) in a temporary directory, and small clients
 * for the shop's pages and JSON views.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemo, type Demo } from '../../examples/merchant/demo.js';
import { ARTIFACTS_DIR } from '../helpers/browser.js';
import type { MailView, OrderView, WebhookLogView } from '../../examples/merchant/views.js';

/** A running demo plus its temporary directory and captured output. */
export interface ShopUnderTest extends Demo {
  output: string[];
  orders(): Promise<OrderView[]>;
  outbox(): Promise<MailView[]>;
  webhookLog(): Promise<WebhookLogView[]>;
  /** Rows of a table of the shop's database matching a session (for counts the views do not show). */
  count(sql: string, ...params: unknown[]): number;
}

/** Starts the demo as `npm run example` does, with a 1 s bank settlement and a fast webhook retry schedule. */
export async function startShop(): Promise<ShopUnderTest> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-shop-'));
  const output: string[] = [];
  // Kept for a failed run: what OpenCheckout and the shop logged (test-artifacts/ is gitignored).
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = path.join(ARTIFACTS_DIR, `merchant-${process.pid}-${path.basename(dataDir)}.log`);
  const demo = await startDemo({
    dataDir,
    shopPort: 0,
    secretKey: `sk_test_shop_${process.pid}_${Date.now()}`,
    // Long enough that a bank payment is still processing when the buyer lands on the success page,
    // even on a loaded CI machine; the async events are awaited for up to 30 s.
    openCheckoutEnv: { OPENCHECKOUT_SETTLEMENT_DELAY: '6', OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,1', LOG_LEVEL: 'warn' },
    output: (line) => {
      output.push(line);
      fs.appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
      if (process.env.SHOP_TEST_VERBOSE) process.stdout.write(`${line}\n`);
    },
  });
  const get = async <T>(p: string): Promise<T> => {
    const res = await fetch(demo.shopUrl + p);
    if (!res.ok) throw new Error(`GET ${p}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    ...demo,
    output,
    orders: () => get<OrderView[]>('/orders.json'),
    outbox: () => get<MailView[]>('/outbox.json'),
    webhookLog: () => get<WebhookLogView[]>('/webhooks.json'),
    count: (sql, ...params) => (demo.merchant.shop.db.prepare(sql).pluck().get(...params) as number) ?? 0,
    async close() {
      await demo.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping HTTP client for the shop's pages (no redirects followed). */
export class ShopClient {
  private cookie = '';
  constructor(private readonly base: string) {}

  async request(method: 'GET' | 'POST', p: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; text: string }> {
    const res = await fetch(this.base + p, {
      method,
      redirect: 'manual',
      headers: { cookie: this.cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] ?? '';
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Signs in (an existing user by email, or a new one with a name). */
  async signIn(email: string, name = ''): Promise<void> {
    const r = await this.request('POST', '/signin', { email, name });
    if (r.status !== 303) throw new Error(`sign-in answered ${r.status}: ${r.text.slice(0, 200)}`);
  }
}
