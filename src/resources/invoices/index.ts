import type { ResourceModule } from '../module.js';
import { invoiceIntentAttemptEnded, invoiceOfPaymentIntent } from './intent-outcome.js';
import { invoiceMigrations } from './migrations.js';
import { OVERDUE_JOB, runOverdueJob } from './overdue.js';
import { AUTO_FINALIZE_JOB, runAutoFinalizeJob } from './auto-advance.js';
import { findInvoicePayment, invoicePaymentRoutes } from './payments.js';
import { invoiceConfirmationSecret } from './charge.js';
import { invoiceRoutes } from './routes.js';
import { invoices } from './service.js';

/**
 * Invoices: `/v1/invoices` (drafts, finalize, pay, void, send, lines, preview) and the invoices
 * subscriptions and Checkout create (docs/decisions.md#invoices).
 */
export const invoicesModule: ResourceModule = {
  name: 'invoices',
  routes: [...invoiceRoutes, ...invoicePaymentRoutes],
  expandable: { in_: (ctx, id) => invoices.get(ctx.db, ctx.account, id), inpay_: findInvoicePayment },
  virtualFields: { invoice: { confirmation_secret: invoiceConfirmationSecret } },
  jobs: { [OVERDUE_JOB]: runOverdueJob, [AUTO_FINALIZE_JOB]: runAutoFinalizeJob },
  events: [
    'invoice.created',
    'invoice.finalized',
    'invoice.paid',
    'invoice.payment_succeeded',
    'invoice.payment_failed',
    'invoice.payment_action_required',
    'invoice.updated',
    'invoice.voided',
    'invoice.deleted',
    'invoice.marked_uncollectible',
    'invoice.sent',
    'invoice.finalization_failed',
    'invoice.overdue',
    'invoice_payment.paid',
  ],
  hooks: { paymentIntentAttemptEnded: invoiceIntentAttemptEnded, invoiceOfPaymentIntent },
  migrations: invoiceMigrations,
};
