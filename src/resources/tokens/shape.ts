import type { CardDetails } from '../../processor/index.js';

/** The `card` of a card token (stripe-node 23 `Card`), as Stripe serves it on a Token. */
export interface TokenCard {
  id: string;
  object: 'card';
  address_city: string | null;
  address_country: string | null;
  address_line1: string | null;
  address_line1_check: string | null;
  address_line2: string | null;
  address_state: string | null;
  address_zip: string | null;
  address_zip_check: string | null;
  allow_redisplay: 'unspecified';
  brand: string;
  country: string | null;
  cvc_check: string | null;
  dynamic_last4: null;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  funding: string;
  last4: string;
  metadata: Record<string, string>;
  name: string | null;
  networks: { preferred: string | null };
  regulated_status: 'unregulated';
  tokenization_method: null;
  wallet: null;
}

/** A Token (stripe-node 23 `Token`): only card tokens are made here. */
export interface Token {
  id: string;
  object: 'token';
  card: TokenCard;
  client_ip: string | null;
  created: number;
  livemode: false;
  type: 'card';
  used: boolean;
}

/** What the token keeps beside its served shape: the card as the processor described it, to build a PaymentMethod from. */
export type StoredToken = Token & { _internal: { card: CardDetails } };

/** The token as served. */
export function presentToken(t: StoredToken): Token {
  const { _internal: _omit, ...token } = t;
  return token;
}
