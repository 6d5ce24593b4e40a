import type { ResourceModule } from '../module.js';
import { paymentPageRoutes } from './routes.js';

/** Payment pages: the private calls of Stripe's page that the Stripe CLI's fixtures pay with. */
export const paymentPagesModule: ResourceModule = {
  name: 'payment-pages',
  routes: paymentPageRoutes,
};
