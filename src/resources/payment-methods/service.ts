/**
 * The PaymentMethods service: what the API routes, the customer service and the hosted page call.
 * Every card and bank rule lives behind it (the type modules and the processor): callers never see
 * a card number again.
 */
export { buildTestPaymentMethod, createPaymentMethod, createPaymentMethodOfType, requirePaymentMethod, type NewPaymentMethodOptions } from './create.js';
export { attachById, attachPaymentMethod, attachToCustomer, declineError, customerHooks, detachPaymentMethod, type AttachOptions } from './attach.js';
export { listCustomerPaymentMethods, listPaymentMethods, retrieveCustomerPaymentMethod } from './read.js';
export { updatePaymentMethod } from './update.js';
export { customerPaymentMethods, findPaymentMethod } from './store.js';
export type { BillingDetailsInput } from './params.js';
