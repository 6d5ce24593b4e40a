import { errors } from '../../api/errors.js';
import { nullableObj, nullableStr, required, str, type Field, type Infer } from '../../api/params.js';

/** Stripe's address hash; each field may be unset with `''`. */
export const addressParam = () =>
  nullableObj({
    city: nullableStr({ max: 200 }),
    country: nullableStr({ max: 2 }),
    line1: nullableStr({ max: 200 }),
    line2: nullableStr({ max: 200 }),
    postal_code: nullableStr({ max: 20 }),
    state: nullableStr({ max: 200 }),
  });

export type AddressParam = NonNullable<Infer<ReturnType<typeof addressParam>>>;

export interface Address {
  city: string | null;
  country: string | null;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
}

export const EMPTY_ADDRESS: Address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

/** An address object as served, from params (merged onto the current one for updates). */
export function toAddress(p: AddressParam, current: Address = EMPTY_ADDRESS): Address {
  const pick = (k: keyof Address) => (p[k] === undefined ? current[k] : p[k] ?? null);
  const country = pick('country');
  return {
    city: pick('city'),
    country: country === null ? null : country.toUpperCase(),
    line1: pick('line1'),
    line2: pick('line2'),
    postal_code: pick('postal_code'),
    state: pick('state'),
  };
}

/** The `shipping` param (name, address, phone), or an empty string to clear it. */
export const shippingParam = () =>
  nullableObj({
    address: required(addressParam()),
    name: required(str({ max: 5000 })),
    phone: nullableStr({ max: 5000 }),
  });

export interface Shipping {
  address: Address;
  name: string;
  phone: string | null;
}

/** The `shipping` object as Stripe serves it, from the parsed param. */
export function toShipping(p: NonNullable<Infer<ReturnType<typeof shippingParam>>>): Shipping {
  return { address: toAddress(p.address), name: p.name, phone: p.phone ?? null };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email param: Stripe refuses strings that are not addresses. */
export function emailParam(): Field<string | null | undefined> {
  const base = nullableStr({ max: 512 });
  return {
    parse(value, param) {
      const s = base.parse(value, param);
      if (typeof s === 'string' && !EMAIL.test(s)) throw errors.invalid(`Invalid email address: ${s}`, param, 'email_invalid');
      return s;
    },
  };
}

