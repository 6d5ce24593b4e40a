/** Step 4: the table's owner. Other modules call these functions; none names the table. */
import type { Ctx } from '../../../src/api/context.js';
import { ObjectTable } from '../../../src/store/objects.js';
import type { Reminder } from './shape.js';

export const reminders = new ObjectTable<Reminder>('reminders');

/** Queried columns of a reminder row. */
export const reminderColumns = (r: Reminder) => ({ customer_id: r.customer, status: r.status });

/** The reminder with this id in ctx's account, or undefined. */
export function findReminder(ctx: Ctx, id: string): Promise<Reminder | undefined> {
  return reminders.get(ctx.db, ctx.account, id);
}
