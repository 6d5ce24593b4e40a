/**
 * Bank transfers (`customer_balance`): the buyer pushes the money from their bank to a virtual
 * bank account of their own, which funds their cash balance; the balance pays the PaymentIntent.
 * The PaymentIntent waits in `requires_action` with `display_bank_transfer_instructions` until it
 * is funded, partly (`payment_intent.partially_funded`) or fully (`succeeded`). Offline there is no
 * bank network: the test helper `fund_cash_balance` stands for a transfer arriving, as in Stripe's
 * test mode (docs/decisions.md#bank-transfers-and-the-cash-balance). Paid through the
 * PaymentIntents API only: Checkout does not offer it (no `page`).
 */
import { createHash } from 'node:crypto';
import { errors } from '../api/errors.js';
import { arr, obj, oneOf, type Field, type Infer } from '../api/params.js';
import type { Address } from '../resources/shared/params.js';
import type { BankTransferFunding, BankTransferInput, PaymentMethodType } from './types.js';

const TYPE = 'customer_balance';

const createParams = obj({});
const updateParams = obj({});

/** `customer_balance[...]` on create: Stripe takes no details. */
export type CustomerBalanceParams = NonNullable<Infer<typeof createParams>>;
/** `PaymentMethod.customer_balance` (stripe-node 23: no fields). */
export type CustomerBalanceShape = Record<string, never>;

/** Stripe's bank transfer type for each currency a cash balance takes. */
const TRANSFER_TYPES: Readonly<Record<string, string>> = {
  eur: 'eu_bank_transfer',
  gbp: 'gb_bank_transfer',
  jpy: 'jp_bank_transfer',
  mxn: 'mx_bank_transfer',
  usd: 'us_bank_transfer',
};
const TYPES = Object.values(TRANSFER_TYPES);

/**
 * Spellings the Stripe CLI's own fixtures send (its `payment_intent.partially_funded` trigger asks
 * for `jp_bank_account`): taken as the type they name.
 */
const ALIASES: Readonly<Record<string, string>> = { jp_bank_account: 'jp_bank_transfer' };

const EU_COUNTRIES = ['BE', 'DE', 'ES', 'FR', 'IE', 'NL'] as const;
const ADDRESS_TYPES = ['aba', 'iban', 'sepa', 'sort_code', 'spei', 'swift', 'zengin'] as const;

/**
 * `payment_method_options[customer_balance]` (stripe-node 23
 * `PaymentIntentCreateParams.PaymentMethodOptions.CustomerBalance`), normalised as Stripe serves it.
 */
const intentShape = {
  bank_transfer: obj({
    eu_bank_transfer: obj({ country: oneOf([...EU_COUNTRIES]) }),
    requested_address_types: arr(oneOf([...ADDRESS_TYPES]), { max: 7 }),
    type: oneOf([...TYPES, ...Object.keys(ALIASES)]),
  }),
  funding_type: oneOf(['bank_transfer'] as const),
  setup_future_usage: oneOf(['none'] as const),
};

const intentOptions: Field<Record<string, unknown> | undefined> = {
  parse(value, param) {
    const p = obj(intentShape).parse(value, param);
    if (p === undefined) return undefined;
    const out: Record<string, unknown> = { funding_type: p.funding_type ?? null };
    if (p.bank_transfer) {
      const t = p.bank_transfer.type;
      out.bank_transfer = {
        ...(p.bank_transfer.eu_bank_transfer?.country ? { eu_bank_transfer: { country: p.bank_transfer.eu_bank_transfer.country } } : {}),
        ...(p.bank_transfer.requested_address_types ? { requested_address_types: p.bank_transfer.requested_address_types } : {}),
        type: t === undefined ? null : (ALIASES[t] ?? t),
      };
    }
    if (p.setup_future_usage !== undefined) out.setup_future_usage = p.setup_future_usage;
    return out;
  },
};

const OPTIONS = `payment_method_options[${TYPE}]`;

/** Checks the options a confirmation pays with: funding type `bank_transfer`, the currency's transfer type. */
function transferType(options: Readonly<Record<string, unknown>> | undefined, currency: string): string {
  const o = options as { funding_type?: string | null; bank_transfer?: { type?: string | null; eu_bank_transfer?: { country?: string } } } | undefined;
  if (!o?.funding_type) throw errors.missingParam(`${OPTIONS}[funding_type]`);
  const expected = TRANSFER_TYPES[currency];
  if (!expected) {
    throw errors.invalid(`The currency \`${currency}\` is not supported for bank transfers. Bank transfers take: ${Object.keys(TRANSFER_TYPES).join(', ')}.`, 'currency', 'payment_intent_invalid_currency');
  }
  const type = o.bank_transfer?.type;
  if (!type) throw errors.missingParam(`${OPTIONS}[bank_transfer][type]`);
  if (type !== expected) {
    throw errors.invalid(`A bank transfer of type \`${type}\` cannot pay in \`${currency}\`; use \`${expected}\`.`, `${OPTIONS}[bank_transfer][type]`);
  }
  if (type === 'eu_bank_transfer' && !o.bank_transfer?.eu_bank_transfer?.country) throw errors.missingParam(`${OPTIONS}[bank_transfer][eu_bank_transfer][country]`);
  return type;
}

/** Digits derived from the seed: the same customer always gets the same virtual account. */
function digits(seed: string, label: string, n: number): string {
  const hex = createHash('sha256').update(`${label}:${seed}`).digest('hex');
  let out = '';
  for (let i = 0; out.length < n; i += 2) out += String(parseInt(hex.slice(i % 64, (i % 64) + 2), 16) % 10);
  return out;
}

/** A test IBAN of `country` with valid check digits (ISO 13616 mod 97). */
function iban(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of rearranged) rest = (rest * 10 + Number(ch)) % 97;
  return `${country}${String(98 - rest).padStart(2, '0')}${bban}`;
}

const BBAN: Readonly<Record<(typeof EU_COUNTRIES)[number], (d: string) => string>> = {
  BE: (d) => `${d.slice(0, 12)}`,
  DE: (d) => `37040044${d.slice(0, 10)}`,
  ES: (d) => `21000418${d.slice(0, 12)}`,
  FR: (d) => `2004101005${d.slice(0, 13)}`,
  IE: (d) => `OCTB931152${d.slice(0, 8)}`,
  NL: (d) => `OCTB${d.slice(0, 10)}`,
};

/** Who sent a test funding: unknown (stripe-node 23 `CustomerCashBalanceTransaction.Funded.BankTransfer`). */
const SENDERS: Readonly<Record<string, Record<string, unknown>>> = {
  eu_bank_transfer: { bic: null, iban_last4: null, sender_name: null },
  gb_bank_transfer: { account_number_last4: null, sender_name: null, sort_code: null },
  jp_bank_transfer: { sender_bank: null, sender_branch: null, sender_name: null },
  us_bank_transfer: { network: 'ach', sender_name: null },
};

const HOLDER = 'OpenCheckout test account';
const BANK = 'OPENCHECKOUT TEST BANK';

function address(country: string): Address {
  return { city: null, country, line1: null, line2: null, postal_code: null, state: null };
}

/** The virtual bank account(s) a transfer of this type is sent to (`FundingInstructions.BankTransfer.FinancialAddress`). */
function financialAddresses(type: string, seed: string, options: BankTransferInput['options']): Array<Record<string, unknown>> {
  const d = digits(seed, 'account', 24);
  switch (type) {
    case 'jp_bank_transfer':
      return [
        {
          type: 'zengin',
          supported_networks: ['zengin'],
          zengin: {
            account_holder_address: address('JP'),
            account_holder_name: 'ｵｰﾌﾟﾝﾁｴﾂｸｱｳﾄ',
            account_number: d.slice(0, 7),
            account_type: 'futsu',
            bank_address: address('JP'),
            bank_code: '0999',
            bank_name: BANK,
            branch_code: d.slice(7, 10),
            branch_name: 'TEST',
          },
        },
      ];
    case 'us_bank_transfer':
      return [
        {
          type: 'aba',
          supported_networks: ['ach', 'domestic_wire_us'],
          aba: { account_holder_address: address('US'), account_holder_name: HOLDER, account_number: d.slice(0, 12), account_type: 'checking', bank_address: address('US'), bank_name: BANK, routing_number: '110000000' },
        },
        {
          type: 'swift',
          supported_networks: ['swift'],
          swift: { account_holder_address: address('US'), account_holder_name: HOLDER, account_number: d.slice(0, 12), account_type: 'checking', bank_address: address('US'), bank_name: BANK, swift_code: 'OCTBUS00XXX' },
        },
      ];
    case 'eu_bank_transfer': {
      const country = ((options as { bank_transfer?: { eu_bank_transfer?: { country?: string } } } | undefined)?.bank_transfer?.eu_bank_transfer?.country ?? 'DE') as (typeof EU_COUNTRIES)[number];
      const make = BBAN[country] ?? BBAN.DE;
      return [
        {
          type: 'iban',
          supported_networks: ['sepa'],
          iban: { account_holder_address: address(country), account_holder_name: HOLDER, bank_address: address(country), bic: `OCTB${country}00XXX`, country, iban: iban(country, make(d)) },
        },
      ];
    }
    case 'gb_bank_transfer':
      return [
        {
          type: 'sort_code',
          supported_networks: ['bacs', 'fps'],
          sort_code: { account_holder_address: address('GB'), account_holder_name: HOLDER, account_number: d.slice(0, 8), bank_address: address('GB'), sort_code: d.slice(8, 14) },
        },
      ];
    default:
      return [
        {
          type: 'spei',
          supported_networks: ['spei'],
          spei: { account_holder_address: address('MX'), account_holder_name: HOLDER, bank_address: address('MX'), bank_code: '999', bank_name: BANK, clabe: `999${d.slice(0, 15)}` },
        },
      ];
  }
}

const funding: BankTransferFunding = {
  transferType,
  funding(currency, reference) {
    const type = TRANSFER_TYPES[currency];
    if (!type) throw errors.invalid(`Cash balances take ${Object.keys(TRANSFER_TYPES).join(', ')}; \`${currency}\` is not one of them.`, 'currency');
    const sender = SENDERS[type];
    return { ...(sender ? { [type]: sender } : {}), reference, type };
  },
  instructions(i) {
    return {
      type: 'display_bank_transfer_instructions',
      display_bank_transfer_instructions: {
        amount_remaining: i.amountRemaining,
        currency: i.currency,
        financial_addresses: financialAddresses(i.transferType, i.seed, i.options),
        hosted_instructions_url: i.hostedInstructionsUrl,
        reference: i.reference,
        type: i.transferType,
      },
    };
  },
};

/** Bank transfers to the customer's cash balance. */
export const customerBalance: PaymentMethodType<CustomerBalanceShape, CustomerBalanceParams, Record<string, never>> = {
  type: TYPE,
  noun: 'a bank transfer',
  settlement: 'delayed',
  prefillable: false,
  currencies: Object.keys(TRANSFER_TYPES),
  // A transfer is sent by the buyer for one payment: nothing to save.
  reusable: false,
  intentOptions,
  bankTransfer: funding,
  params: { create: createParams, update: updateParams },

  async build() {
    // Stripe creates a customer_balance PaymentMethod from no details.
    return {};
  },

  update(_now, current) {
    return current;
  },

  chargeDetails() {
    return {};
  },
  async testDetails() {
    // Stripe has no ready-made customer_balance PaymentMethod ids.
    return undefined;
  },
};

/** The path of a PaymentIntent's hosted transfer instructions (`hosted_instructions_url`). */
export function bankTransferPath(intentId: string): string {
  return `/c/bank-transfer/${encodeURIComponent(intentId)}`;
}

/** `next_action` with `amount_remaining` changed (funds were applied, or given back). */
export function withAmountRemaining<T extends { type: string }>(nextAction: T, amountRemaining: number): T {
  const n = nextAction as T & { display_bank_transfer_instructions?: object };
  if (!n.display_bank_transfer_instructions) return nextAction;
  return { ...n, display_bank_transfer_instructions: { ...n.display_bank_transfer_instructions, amount_remaining: amountRemaining } };
}

/** The details of a PaymentIntent's transfer instructions, when `next_action` is one. */
export function bankTransferInstructions(nextAction: unknown): { amount_remaining: number; currency: string; reference: string; type: string } | undefined {
  const n = nextAction as { type?: string; display_bank_transfer_instructions?: { amount_remaining: number; currency: string; reference: string; type: string } } | null | undefined;
  return n?.type === 'display_bank_transfer_instructions' ? n.display_bank_transfer_instructions : undefined;
}
