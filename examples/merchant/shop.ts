import type Stripe from 'stripe';
import type { MerchantConfig } from './config.js';
import type { MerchantDb } from './db.js';

/** What the shop's handlers share: its database, the Stripe client, configuration and workers. */
export interface Shop {
  db: MerchantDb;
  stripe: Stripe;
  config: MerchantConfig;
  /** Base URL buyers use to reach the shop (success/cancel URLs, links in email). */
  publicUrl: () => string;
  /** Tells the mailer there is mail in the outbox (it also polls). */
  kickMailer: () => void;
  log: (message: string, fields?: Record<string, unknown>) => void;
}
