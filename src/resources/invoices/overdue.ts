/**
 * `invoice.overdue` (docs/decisions.md#invoices): a sent invoice (`collection_method:
 * send_invoice`) still open at its due date, whoever made it (the Invoices API or a
 * subscription). A job of the scheduler at the due date, on the customer's test clock.
 */
import type { Ctx } from '../../api/context.js';
import { emit } from '../../events/emit.js';
import { cancel, schedule, type Job } from '../../scheduler/jobs.js';
import { businessNow } from '../test-clocks/store.js';
import { invoices, type Invoice } from './service.js';

/** At a sent invoice's due date: `invoice.overdue` when it is still open (the subject is the invoice). */
export const OVERDUE_JOB = 'invoice.overdue';

/** (Re)schedules the overdue check of an open sent invoice at its due date; any other invoice has none. */
export async function scheduleOverdue(ctx: Ctx, inv: Invoice): Promise<void> {
  const due = inv.due_date as number | null;
  if (inv.status === 'open' && inv.collection_method === 'send_invoice' && due !== null) {
    await schedule(ctx, OVERDUE_JOB, inv.id, due, inv.test_clock as string | null);
  } else await cancel(ctx, OVERDUE_JOB, inv.id);
}

/** The due date came: still open, the invoice is overdue; a due date moved later waits for it. */
export async function runOverdueJob(ctx: Ctx, job: Job): Promise<void> {
  const inv = await invoices.get(ctx.db, ctx.account, job.subject_id);
  if (!inv || inv.status !== 'open' || inv.collection_method !== 'send_invoice' || inv.due_date === null) return;
  const now = await businessNow(ctx, inv.test_clock as string | null);
  if ((inv.due_date as number) > now) return scheduleOverdue(ctx, inv);
  await emit(ctx, 'invoice.overdue', inv, undefined, now);
}
