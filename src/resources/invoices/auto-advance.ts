/**
 * An API draft with `auto_advance` is finalized about an hour after it was created, as Stripe does
 * (`automatically_finalizes_at`; docs/decisions.md#automatic-tax-and-failed-finalization): a job
 * of the scheduler on the customer's test clock. A subscription's draft has its own job.
 */
import type { Ctx } from '../../api/context.js';
import { cancel, schedule, type Job } from '../../scheduler/jobs.js';
import { advanceDraft } from './lifecycle.js';
import type { Invoice } from './service.js';

/** At `automatically_finalizes_at`: finalize the draft, then collect it (the subject is the invoice). */
export const AUTO_FINALIZE_JOB = 'invoice.auto_finalize';

/** Stripe finalizes an auto-advancing draft about an hour after its creation. */
const DRAFT_SECONDS = 3600;

const ownDraft = (inv: Invoice) => inv.status === 'draft' && inv.parent === null;

/** The draft with its `automatically_finalizes_at`: an hour after creation (or as set) with `auto_advance`, else null. */
export function withAutoFinalize(inv: Invoice): Invoice {
  if (!ownDraft(inv)) return inv;
  if (inv.auto_advance !== true) return { ...inv, automatically_finalizes_at: null };
  return { ...inv, automatically_finalizes_at: (inv.automatically_finalizes_at as number | null) ?? (inv.created as number) + DRAFT_SECONDS };
}

/** (Re)schedules the draft's automatic finalization, or drops it. */
export async function scheduleAutoFinalize(ctx: Ctx, inv: Invoice): Promise<void> {
  const at = inv.automatically_finalizes_at as number | null;
  if (ownDraft(inv) && inv.auto_advance === true && at !== null) await schedule(ctx, AUTO_FINALIZE_JOB, inv.id, at, inv.test_clock as string | null);
  else await cancel(ctx, AUTO_FINALIZE_JOB, inv.id);
}

/** Runs the automatic finalization; a draft finalized, deleted or no longer auto-advancing is left alone. */
export function runAutoFinalizeJob(ctx: Ctx, job: Job): Promise<void> {
  return advanceDraft(ctx, job.subject_id);
}
