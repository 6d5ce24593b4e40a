/** Step 5: the rules: Stripe-like params and errors, one transaction per write, events, jobs. */
import type { Ctx } from '../../../src/api/context.js';
import { errors } from '../../../src/api/errors.js';
import type { FormObject } from '../../../src/api/form.js';
import { newId } from '../../../src/api/ids.js';
import { listObject, listParams, toPage } from '../../../src/api/list.js';
import { int, metadata, mergeMetadata, parseParams, required, str } from '../../../src/api/params.js';
import { unixNow } from '../../../src/clock.js';
import { emit } from '../../../src/events/emit.js';
import { requireCustomer } from '../../../src/resources/customers/service.js';
import { cancel, schedule, type Job } from '../../../src/scheduler/jobs.js';
import type { Filter } from '../../../src/store/objects.js';
import type { Reminder } from './shape.js';
import { findReminder, reminderColumns, reminders } from './store.js';

/** The job that sends a reminder when it is due (its kind, spelled once). */
export const SEND_JOB = 'reminder.send';

const createShape = {
  text: required(str({ max: 500 })),
  remind_at: required(int({ min: 0 })),
  customer: str({ max: 5000 }),
  metadata: metadata(),
};

async function requireReminder(ctx: Ctx, id: string, lock = false): Promise<Reminder> {
  const r = lock ? await reminders.getForUpdate(ctx.db, ctx.account, id) : await findReminder(ctx, id);
  if (!r) throw errors.missingResource('reminder', id);
  return r;
}

export async function createReminder(ctx: Ctx, params: FormObject): Promise<Reminder> {
  const p = parseParams(createShape, params);
  if (p.customer !== undefined) await requireCustomer(ctx, p.customer);
  const reminder: Reminder = {
    id: newId('rem_'),
    object: 'reminder',
    created: unixNow(ctx.deps.clock),
    customer: p.customer ?? null,
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    remind_at: p.remind_at,
    status: 'scheduled',
    text: p.text,
  };
  await reminders.insert(ctx.db, ctx.account, reminder, reminderColumns(reminder));
  await schedule(ctx, SEND_JOB, reminder.id, reminder.remind_at, null);
  await emit(ctx, 'reminder.created', reminder);
  return reminder;
}

export function retrieveReminder(ctx: Ctx, id: string): Promise<Reminder> {
  return requireReminder(ctx, id);
}

export async function cancelReminder(ctx: Ctx, id: string): Promise<Reminder> {
  const current = await requireReminder(ctx, id, true);
  if (current.status !== 'scheduled') throw errors.invalid(`This reminder is already ${current.status}.`);
  const next: Reminder = { ...current, status: 'canceled' };
  await reminders.update(ctx.db, ctx.account, next, reminderColumns(next));
  await cancel(ctx, SEND_JOB, id);
  await emit(ctx, 'reminder.canceled', next);
  return next;
}

export async function listReminders(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams({ ...listParams, customer: str({ max: 5000 }) }, params);
  const page = toPage(p);
  const filter: Filter = p.customer === undefined ? {} : { customer_id: p.customer };
  return listObject(url, await reminders.list(ctx.db, ctx.account, filter, page), 'reminder', page);
}

/** Runs the send job: a reminder still scheduled becomes sent. */
export async function runSendJob(ctx: Ctx, job: Job): Promise<void> {
  const current = await requireReminder(ctx, job.subject_id, true);
  if (current.status !== 'scheduled') return;
  const sent: Reminder = { ...current, status: 'sent' };
  await reminders.update(ctx.db, ctx.account, sent, reminderColumns(sent));
  await emit(ctx, 'reminder.sent', sent);
}
