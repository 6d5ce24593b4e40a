import type { Client } from './api.js';

interface Customer {
  id: string;
  email: string;
}

const US_BILLING = {
  name: 'Jenny Rosen',
  email: 'jenny.rosen@example.com',
  address: { line1: '510 Townsend St', city: 'San Francisco', state: 'CA', postal_code: '94103', country: 'US' },
};

/**
 * Demo customers: one whose saved card qualifies for prefill (allow_redisplay always, complete
 * billing details), and one whose card does not (allow_redisplay limited).
 */
export async function seed(api: Client): Promise<{ prefilled: Customer; notPrefilled: Customer; cards: Record<string, string> }> {
  const prefilled = await api.post<Customer>('/v1/customers', {
    email: US_BILLING.email,
    name: US_BILLING.name,
    shipping: { name: US_BILLING.name, address: US_BILLING.address },
    metadata: { demo: 'prefill' },
  });
  const visa = await api.post<{ id: string }>('/v1/payment_methods/pm_card_visa/attach', { customer: prefilled.id });
  await api.post(`/v1/payment_methods/${visa.id}`, { allow_redisplay: 'always', billing_details: US_BILLING });

  const notPrefilled = await api.post<Customer>('/v1/customers', { email: 'sam.lee@example.com', name: 'Sam Lee', metadata: { demo: 'no-prefill' } });
  const mc = await api.post<{ id: string }>('/v1/payment_methods/pm_card_mastercard/attach', { customer: notPrefilled.id });
  await api.post(`/v1/payment_methods/${mc.id}`, { allow_redisplay: 'limited', billing_details: { ...US_BILLING, name: 'Sam Lee', email: 'sam.lee@example.com' } });
  return { prefilled, notPrefilled, cards: { [prefilled.id]: visa.id, [notPrefilled.id]: mc.id } };
}
