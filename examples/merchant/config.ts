/**
 * The merchant's configuration, read from the environment only. Nothing here knows about
 * OpenCheckout: leave STRIPE_API_BASE unset and the same code talks to api.stripe.com.
 */
export interface MerchantConfig {
  /** STRIPE_SECRET_KEY: the account's secret key (sk_test_...). */
  stripeSecretKey: string;
  /** STRIPE_API_BASE: e.g. http://localhost:12111; unset = Stripe itself. */
  stripeApiBase: string | undefined;
  /** STRIPE_WEBHOOK_SECRET: the endpoint's signing secret (whsec_...). */
  webhookSecret: string;
  /** PORT (default 4242). 0 picks a free port. */
  port: number;
  /** HOST to listen on (default 127.0.0.1). */
  host: string;
  /** PUBLIC_URL: how buyers reach this app (success/cancel URLs, links in email). Default http://localhost:PORT. */
  publicUrl: string | undefined;
  /** DATABASE: the merchant's own SQLite file (default ./merchant.db). */
  databasePath: string;
  smtp: { host: string; port: number; user: string | undefined; pass: string | undefined };
  /** MAIL_FROM: the sender of order emails. */
  mailFrom: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required (see examples/merchant/README.md)`);
  return value;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${JSON.stringify(raw)}`);
  return n;
}

/** Reads the merchant's configuration from an environment (process.env by default). */
export function loadMerchantConfig(env: NodeJS.ProcessEnv = process.env): MerchantConfig {
  return {
    stripeSecretKey: required(env, 'STRIPE_SECRET_KEY'),
    stripeApiBase: env.STRIPE_API_BASE || undefined,
    webhookSecret: required(env, 'STRIPE_WEBHOOK_SECRET'),
    port: port(env, 'PORT', 4242),
    host: env.HOST || '127.0.0.1',
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    databasePath: env.DATABASE || './merchant.db',
    smtp: {
      host: env.SMTP_HOST || 'localhost',
      port: port(env, 'SMTP_PORT', 2525),
      user: env.SMTP_USER || undefined,
      pass: env.SMTP_PASS || undefined,
    },
    mailFrom: env.MAIL_FROM || 'Tanuki Goods <orders@tanuki-goods.example>',
  };
}
