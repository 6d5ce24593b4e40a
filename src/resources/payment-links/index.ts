import type { ResourceModule } from '../module.js';
import { paymentLinkMigrations } from './migrations.js';
import { paymentLinkRoutes } from './routes.js';
import { countCompletedSession, expandLineItems } from './service.js';
import { findPaymentLink } from './store.js';

/**
 * Payment Links: `/v1/payment_links`, and the sessions their URLs open (pages/payment-link.ts,
 * through checkout-sessions' `createSession`). Completion tells a link about its sessions through
 * the `paymentLinkSessionCompleted` hook (restrictions). See docs/decisions.md#payment-links.
 */
export const paymentLinksModule: ResourceModule = {
  name: 'payment-links',
  routes: paymentLinkRoutes,
  expandable: { plink_: findPaymentLink },
  virtualFields: { payment_link: { line_items: expandLineItems } },
  hooks: { paymentLinkSessionCompleted: countCompletedSession },
  events: ['payment_link.created', 'payment_link.updated'],
  migrations: paymentLinkMigrations,
};
