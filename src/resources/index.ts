/**
 * The composition root's list of resources: every module the app serves, each a plain
 * description (resources/module.ts). Adding a resource is its folder and one line here
 * (docs/architecture.md#adding-a-resource).
 */
import { balanceTransactionsModule } from './balance-transactions/index.js';
import { billingPortalModule } from './billing-portal/index.js';
import { cashBalanceModule } from './cash-balance/index.js';
import { chargesModule } from './charges/index.js';
import { checkoutSessionsModule } from './checkout-sessions/index.js';
import { couponsModule } from './coupons/index.js';
import { creditNotesModule } from './credit-notes/index.js';
import { customerBalanceTransactionsModule } from './customer-balance-transactions/index.js';
import { customersModule } from './customers/index.js';
import { eventsModule } from './events/index.js';
import { invoiceItemsModule } from './invoice-items/index.js';
import { invoicesModule } from './invoices/index.js';
import { mandatesModule } from './mandates/index.js';
import type { ResourceModule } from './module.js';
import { paymentIntentsModule } from './payment-intents/index.js';
import { paymentLinksModule } from './payment-links/index.js';
import { paymentMethodsModule } from './payment-methods/index.js';
import { paymentPagesModule } from './payment-pages/index.js';
import { pricesModule } from './prices/index.js';
import { refundsModule } from './refunds/index.js';
import { productsModule } from './products/index.js';
import { promotionCodesModule } from './promotion-codes/index.js';
import { setupIntentsModule } from './setup-intents/index.js';
import { shippingRatesModule } from './shipping-rates/index.js';
import { subscriptionsModule } from './subscriptions/index.js';
import { taxIdsModule } from './tax-ids/index.js';
import { taxRatesModule } from './tax-rates/index.js';
import { taxRegistrationsModule } from './tax-registrations/index.js';
import { taxSettingsModule } from './tax-settings/index.js';
import { testClocksModule } from './test-clocks/index.js';
import { tokensModule } from './tokens/index.js';
import { webhookEndpointsModule } from './webhook-endpoints/index.js';

export const resources: readonly ResourceModule[] = [
  customersModule,
  paymentMethodsModule,
  tokensModule,
  productsModule,
  pricesModule,
  couponsModule,
  promotionCodesModule,
  checkoutSessionsModule,
  paymentPagesModule,
  paymentLinksModule,
  billingPortalModule,
  paymentIntentsModule,
  chargesModule,
  refundsModule,
  balanceTransactionsModule,
  setupIntentsModule,
  subscriptionsModule,
  invoicesModule,
  invoiceItemsModule,
  creditNotesModule,
  customerBalanceTransactionsModule,
  cashBalanceModule,
  mandatesModule,
  testClocksModule,
  eventsModule,
  webhookEndpointsModule,
  taxRatesModule,
  shippingRatesModule,
  taxRegistrationsModule,
  taxSettingsModule,
  taxIdsModule,
];
