import { startMerchant } from './app.js';
import { loadMerchantConfig } from './config.js';
import { openMerchantDb } from './db.js';
import { seedDemo } from './seed.js';
import { createStripe } from './stripe-client.js';

/**
 * The shop on its own, configured by the environment only (see README.md). Point
 * STRIPE_API_BASE at OpenCheckout, or leave it unset to use Stripe with the same code.
 * `--seed` first creates the demo catalog and customers on the account (plain API calls).
 */
async function main(): Promise<void> {
  const config = loadMerchantConfig(process.env);
  if (process.argv.includes('--seed')) {
    const db = openMerchantDb(config.databasePath);
    try {
      await seedDemo(createStripe(config.stripeSecretKey, config.stripeApiBase), db);
    } finally {
      db.close();
    }
  }
  const merchant = await startMerchant(config);
  process.stdout.write(`Tanuki Goods is open at ${merchant.url}\n`);
  const stop = () => void merchant.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`the shop failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
