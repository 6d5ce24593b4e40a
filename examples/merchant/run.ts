import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from './demo.js';

/**
 * `npm run example`: OpenCheckout + a seeded account + the local SMTP catcher + the shop, from
 * scratch each time (data in examples/merchant/data/). Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const demo = await startDemo({
    dataDir,
    shopPort: Number(process.env.SHOP_PORT ?? 4242),
    openCheckoutEnv: process.env.OPENCHECKOUT_SETTLEMENT_DELAY ? {} : { OPENCHECKOUT_SETTLEMENT_DELAY: '5' },
  });
  process.stdout.write(`
  OpenCheckout (Stripe API + hosted payment page)  ${demo.openCheckoutUrl}
  Secret key                                        ${demo.secretKey}
  Webhook endpoint                                  ${demo.webhookEndpoint.id} -> ${demo.shopUrl}/webhook
  SMTP catcher                                      ${demo.catcher.host}:${demo.catcher.port} (mail shows at ${demo.shopUrl}/outbox)
  Data                                              ${dataDir}

  Open the shop:  ${demo.shopUrl}

  Sign in as Jenny Rosen (her saved Visa is prefilled), add something to the cart, press Checkout, pay.
  New card: 4242 4242 4242 4242, 12 / 34, 123.  Bank account: routing 110000000, account 000123456789
  (succeeds a few seconds later) or 000222222227 (fails: watch the mailbox for the link back to Checkout).
  Orders: ${demo.shopUrl}/orders.json   Mail: ${demo.shopUrl}/outbox.json   Webhooks: ${demo.shopUrl}/webhooks.json

`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void demo.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`the example failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
