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
  const spaced = str.includes('+') ? str.replace(/\+/g, ' ') : str;
  let out = spaced;
  if (spaced.includes('%')) {
    try {
      out = decodeURIComponent(spaced);
    } catch {
      throw errors.invalid('Invalid request: the parameters are not valid percent-encoded UTF-8.');
    }
  }
  // PostgreSQL text cannot hold NUL, and no Stripe parameter needs one.
  if (out.includes('\u0000')) throw errors.invalid('Invalid request: parameters may not contain NUL characters.');
  return out;
}

function countParams(text: string): number {
  let n = 1;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) n++;
  return n;
}

/**
 * Parses `a[b][0]=c&expand[]=d` into nested objects, with limits on depth and count so a hostile
 * body cannot make the server do unbounded work.
 *
 * Indexed keys stay hashes (`metadata[0]=x` is the metadata key "0", as on Stripe, whose SDKs send
 * arrays as `a[0]=x&a[1]=y`); `a[]=x` gives `{0: x}` too. Array params (`arr()` in params.ts) read
 * such hashes in index order, so the parser never has to guess which keys are indices.
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
  if (countParams(text) > MAX_PARAMS) {
    throw errors.invalid(`Invalid request: a request may carry at most ${MAX_PARAMS} parameters.`);
  }
  try {
    return qs.parse(text, {
      depth: MAX_DEPTH,
      strictDepth: true,
      parameterLimit: MAX_PARAMS,
      arrayLimit: -1,
      plainObjects: true,
      allowDots: false,
      decoder: decode,
    }) as FormObject;
  } catch (err) {
    if (err instanceof RangeError) {
      throw errors.invalid(`Invalid request: parameters may be nested at most ${MAX_DEPTH} levels deep.`);
    }
    throw err;
  }
}
