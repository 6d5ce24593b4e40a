import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { parseParams } from '../../api/params.js';
import type { Filter } from '../../store/objects.js';
import { requireCustomer } from '../customers/service.js';
import { customerListShape, listShape } from './params.js';
import type { PaymentMethod } from './shape.js';
import { paymentMethods } from './store.js';

function filterOf(p: { type?: string | undefined; allow_redisplay?: string | undefined }): Filter {
  const filter: Filter = {};
  if (p.type !== undefined) filter.type = p.type;
  if (p.allow_redisplay !== undefined) filter.allow_redisplay = p.allow_redisplay;
  return filter;
}

/** GET /v1/payment_methods: this account's methods, optionally one customer's, by type. */
export async function listPaymentMethods(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<PaymentMethod>> {
  const p = parseParams(listShape, params);
  const page = toPage(p);
  const filter = filterOf(p);
  if (p.customer !== undefined) {
    await requireCustomer(ctx, p.customer, 'customer');
    filter.customer_id = p.customer;
  }
  return listObject(url, await paymentMethods.list(ctx.db, ctx.account, filter, page), 'payment_method', page);
}

/** GET /v1/customers/:customer/payment_methods, newest first (docs/decisions.md#lists-newest-first), with type and allow_redisplay filters. */
export async function listCustomerPaymentMethods(ctx: Ctx, customerId: string, params: FormObject, url: string): Promise<ListObject<PaymentMethod>> {
  const p = parseParams(customerListShape, params);
  const page = toPage(p);
  await requireCustomer(ctx, customerId, 'customer');
  const filter = { ...filterOf(p), customer_id: customerId };
  return listObject(url, await paymentMethods.list(ctx.db, ctx.account, filter, page), 'payment_method', page);
}

/** GET /v1/customers/:customer/payment_methods/:id: only a method attached to that customer. */
export async function retrieveCustomerPaymentMethod(ctx: Ctx, customerId: string, id: string): Promise<PaymentMethod> {
  await requireCustomer(ctx, customerId, 'customer');
  const pm = await paymentMethods.get(ctx.db, ctx.account, id);
  if (!pm || pm.customer !== customerId) throw errors.missingResource('PaymentMethod', id, 'payment_method');
  return pm;
}
