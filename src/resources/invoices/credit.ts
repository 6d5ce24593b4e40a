import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { invoices, type Invoice } from './service.js';
import { lockInvoice, saveInvoice } from './store.js';

/** What a credit note may credit on an invoice: before payment, its amount remaining; after, what was paid and not yet credited. */
export function creditable(inv: Invoice): { type: 'pre_payment' | 'post_payment'; max: number } {
  if (inv.status === 'paid') return { type: 'post_payment', max: (inv.amount_paid as number) - (inv.post_payment_credit_notes_amount as number) };
  return { type: 'pre_payment', max: inv.amount_remaining as number };
}

/** The invoice a credit note is made against: open or paid, else Stripe's 400. */
export async function invoiceForCredit(ctx: Ctx, id: string, lock: boolean): Promise<Invoice> {
  const inv = lock ? await lockInvoice(ctx, id, 'invoice') : await invoices.get(ctx.db, ctx.account, id);
  if (!inv) throw errors.missingResource('invoice', id, 'invoice');
  if (inv.status !== 'open' && inv.status !== 'paid') {
    throw errors.invalid(`You can only create a credit note for an open or paid invoice. This invoice has status ${inv.status}.`, 'invoice');
  }
  return inv;
}

/**
 * A credit note issued (`amount` > 0) or voided (< 0) against the invoice: a pre-payment credit
 * lowers what is due (an invoice then due nothing is paid), a post-payment one is counted in
 * `post_payment_credit_notes_amount` (docs/decisions.md#credit-notes). Emits `invoice.updated`.
 */
export async function applyCreditNote(ctx: Ctx, invoiceId: string, type: 'pre_payment' | 'post_payment', amount: number, at: number): Promise<Invoice> {
  const inv = await lockInvoice(ctx, invoiceId, 'invoice');
  const next: Invoice = { ...inv };
  if (type === 'post_payment') next.post_payment_credit_notes_amount = (inv.post_payment_credit_notes_amount as number) + amount;
  else {
    next.pre_payment_credit_notes_amount = (inv.pre_payment_credit_notes_amount as number) + amount;
    const balanceApplied = (inv.starting_balance as number) - ((inv.ending_balance as number | null) ?? (inv.starting_balance as number));
    next.amount_due = Math.max(0, (inv.total as number) - (next.pre_payment_credit_notes_amount as number) + balanceApplied);
    next.amount_remaining = Math.max(0, (next.amount_due as number) - (inv.amount_paid as number));
  }
  const paidNow = type === 'pre_payment' && inv.status === 'open' && next.amount_remaining === 0;
  if (paidNow) {
    next.status = 'paid';
    next.status_transitions = { ...(inv.status_transitions as object), paid_at: at };
  }
  await saveInvoice(ctx, next);
  await emit(ctx, 'invoice.updated', next, previousAttributes(inv, next), at);
  if (paidNow) await emit(ctx, 'invoice.paid', next, undefined, at);
  return next;
}
