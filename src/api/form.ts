import qs from 'qs';
import { errors } from './errors.js';

/** A value decoded from Stripe's bracket-notation form encoding. */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** Nesting Stripe's own params need (`line_items[0][price_data][product_data][metadata][k]`) plus room. */
export const MAX_DEPTH = 8;
export const MAX_PARAMS = 2000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(str: string): string {
  const spaced = str.replace(/\+/g, ' ');
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw errors.invalid('Invalid request: the form body is not valid percent-encoded UTF-8.');
  }
}

/**
 * Parses `a[b][0]=c&expand[]=d` into nested objects and arrays, with limits on depth, count and
 * array size so a hostile body cannot make the server do unbounded work.
 */
export function parseForm(raw: string | Buffer): FormObject {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    try {
      text = utf8.decode(raw);
    } catch {
      throw errors.invalid('Invalid request: the body is not valid UTF-8.');
    }
  }
  if (text === '') return Object.create(null) as FormObject;
  try {
    return qs.parse(text, {
      depth: MAX_DEPTH,
      strictDepth: true,
      parameterLimit: MAX_PARAMS,
      throwOnLimitExceeded: true,
      arrayLimit: 1000,
      plainObjects: true,
      allowDots: false,
      decoder: decode,
    }) as FormObject;
  } catch (err) {
    if (err instanceof RangeError) {
      throw errors.invalid(
        `Invalid request: parameters are nested deeper than ${MAX_DEPTH} levels or number more than ${MAX_PARAMS}.`,
      );
    }
    throw err;
  }
}
