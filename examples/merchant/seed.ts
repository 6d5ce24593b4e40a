import type Stripe from 'stripe';
import { saveProduct } from './catalog.js';
import type { MerchantDb } from './db.js';
import { upsertUser } from './users.js';

/** A demo product: created as a Stripe Product with one Price, and listed in the shop. */
const CATALOG = [
  { sku: 'tote', name: 'Furoshiki tote', description: 'Indigo cotton, folds into a wrapping cloth.', unit_amount: 2800 },
  { sku: 'mug', name: 'Tanuki mug', description: 'Stoneware, 350 ml, glazed by hand.', unit_amount: 1800 },
  { sku: 'tea', name: 'Hojicha, 100 g', description: 'Roasted green tea from Kyoto.', unit_amount: 1250 },
];

interface DemoCard {
  /** Stripe's ready-made test PaymentMethod to attach. */
  paymentMethod: string;
  allowRedisplay: Stripe.PaymentMethodUpdateParams.AllowRedisplay;
}

interface DemoCustomer {
  name: string;
  email: string;
  note: string;
  address: Stripe.AddressParam & { country: string };
  cards: DemoCard[];
}

/**
 * The existing customers. A card is prefilled at Checkout when it was saved with
 * allow_redisplay 'always' and its billing details hold what billing_address_collection 'auto'
 * needs (email, name, country, and a postal code for US/CA/GB); the newest such card wins.
 */
export const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    name: 'Jenny Rosen',
    email: 'jenny.rosen@example.com',
    note: 'saved Visa •••• 4242: Checkout prefills it',
    address: { line1: '510 Townsend St', city: 'San Francisco', state: 'CA', postal_code: '94103', country: 'US' },
    cards: [{ paymentMethod: 'pm_card_visa', allowRedisplay: 'always' }],
  },
  {
    name: 'Akira Tanaka',
    email: 'akira.tanaka@example.com',
    note: 'two saved cards: Checkout prefills the newest (Amex •••• 0005)',
    address: { line1: '100 Queen St W', city: 'Toronto', state: 'ON', postal_code: 'M5H 2N2', country: 'CA' },
    cards: [
      { paymentMethod: 'pm_card_mastercard', allowRedisplay: 'always' },
      { paymentMethod: 'pm_card_amex', allowRedisplay: 'always' },
    ],
  },
  {
    name: 'Maria Garcia',
    email: 'maria.garcia@example.com',
    note: 'card saved without consent to show it again (limited): not prefilled',
    address: { line1: '221B Baker St', city: 'London', postal_code: 'NW1 6XE', country: 'GB' },
    cards: [{ paymentMethod: 'pm_card_mastercard', allowRedisplay: 'limited' }],
  },
  {
    name: 'Sam Lee',
    email: 'sam.lee@example.com',
    note: 'no saved card: pays with a new card or a bank account',
    address: { line1: '350 5th Ave', city: 'New York', state: 'NY', postal_code: '10118', country: 'US' },
    cards: [],
  },
];

/** Creates the demo catalog and customers through the Stripe API and records them in the shop's database. */
export async function seedDemo(stripe: Stripe, db: MerchantDb): Promise<void> {
  for (const [position, item] of CATALOG.entries()) {
    const product = await stripe.products.create({ name: item.name, description: item.description, metadata: { sku: item.sku } });
    const price = await stripe.prices.create({ product: product.id, unit_amount: item.unit_amount, currency: 'usd' });
    saveProduct(db, { sku: item.sku, name: item.name, description: item.description, price_id: price.id, unit_amount: item.unit_amount, currency: 'usd' }, position);
  }
  for (const c of DEMO_CUSTOMERS) await seedCustomer(stripe, db, c);
}

async function seedCustomer(stripe: Stripe, db: MerchantDb, c: DemoCustomer): Promise<void> {
  const customer = await stripe.customers.create({
    email: c.email,
    name: c.name,
    address: c.address,
    shipping: { name: c.name, address: c.address },
  });
  for (const card of c.cards) {
    const attached = await stripe.paymentMethods.attach(card.paymentMethod, { customer: customer.id });
    await stripe.paymentMethods.update(attached.id, {
      allow_redisplay: card.allowRedisplay,
      billing_details: { email: c.email, name: c.name, address: c.address },
    });
  }
  upsertUser(db, c.email, c.name, { customer_id: customer.id, demo_note: c.note });
}
