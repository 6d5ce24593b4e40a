import { errors } from './errors.js';
import type { FormObject, FormValue } from './form.js';

/**
 * A small declarative validator for Stripe request params. Each field knows how to read one form
 * value and reports problems the way Stripe does (`parameter_unknown`, `parameter_missing`,
 * `parameter_invalid_integer`, ...) with the bracketed param name (`line_items[0][price]`).
 */
export interface Field<T> {
  parse(value: FormValue | undefined, param: string): T;
}
export type Infer<F> = F extends Field<infer T> ? T : never;

function emptyString(param: string): never {
  throw errors.invalid(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    param,
  );
}

function expectString(value: FormValue, param: string): string {
  if (typeof value !== 'string') throw errors.invalidString(param);
  return value;
}

interface StringOpts {
  max?: number;
  pattern?: RegExp;
  patternMessage?: string;
}

/** A string param; absent -> undefined. `''` is refused (Stripe reads it as "unset"). */
export function str(opts: StringOpts = {}): Field<string | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      const s = expectString(value, param);
      if (s === '') emptyString(param);
      return checkString(s, param, opts);
    },
  };
}

/** A string param that may be unset with `''` (-> null), as updates allow. */
export function nullableStr(opts: StringOpts = {}): Field<string | null | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      const s = expectString(value, param);
      return s === '' ? null : checkString(s, param, opts);
    },
  };
}

function checkString(s: string, param: string, opts: StringOpts): string {
  if (opts.max !== undefined && s.length > opts.max) {
    throw errors.invalid(`Invalid ${param}: must be at most ${opts.max} characters`, param, 'parameter_invalid_string');
  }
  if (opts.pattern && !opts.pattern.test(s)) {
    throw errors.invalid(opts.patternMessage ?? `Invalid ${param}: ${JSON.stringify(s)}`, param);
  }
  return s;
}

/** An integer param (Stripe amounts are integers in the smallest currency unit). */
export function int(opts: { min?: number; max?: number } = {}): Field<number | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      const s = expectString(value, param);
      if (s === '') emptyString(param);
      if (!/^-?\d{1,15}$/.test(s)) throw errors.invalidInteger(param, s);
      const n = Number(s);
      if (opts.min !== undefined && n < opts.min) {
        throw errors.invalid(`Invalid ${param}: must be greater than or equal to ${opts.min}`, param, 'parameter_invalid_integer');
      }
      if (opts.max !== undefined && n > opts.max) {
        throw errors.invalid(`Invalid ${param}: must be less than or equal to ${opts.max}`, param, 'parameter_invalid_integer');
      }
      return n;
    },
  };
}

/** A boolean param, read case-insensitively (`true`, `True`): old clients differ (docs/decisions.md#wire-protocol). */
export function bool(): Field<boolean | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      const s = expectString(value, param).toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw errors.invalid(`Invalid boolean: ${String(value)}`, param, 'parameter_invalid_boolean');
    },
  };
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(allowed: readonly T[]): Field<T | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      const s = expectString(value, param);
      if (s === '') emptyString(param);
      if (!(allowed as readonly string[]).includes(s)) throw errors.invalidEnum(param, allowed);
      return s as T;
    },
  };
}

type Shape = Record<string, Field<unknown>>;
export type InferShape<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

function isObject(value: FormValue): value is FormObject {
  return typeof value === 'object' && !Array.isArray(value);
}

function parseShape<S extends Shape>(shape: S, value: FormObject, param: string | undefined): InferShape<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(shape, key)) throw errors.unknownParam(param === undefined ? key : `${param}[${key}]`);
  }
  for (const [key, field] of Object.entries(shape)) {
    const parsed = field.parse(value[key], param === undefined ? key : `${param}[${key}]`);
    if (parsed !== undefined) out[key] = parsed;
  }
  return out as InferShape<S>;
}

/** A nested hash of known keys; unknown keys are refused with `parameter_unknown`. */
export function obj<S extends Shape>(shape: S): Field<InferShape<S> | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      if (!isObject(value)) throw errors.invalid(`Invalid object: ${param} must be a hash`, param, 'parameter_invalid_object');
      return parseShape(shape, value, param);
    },
  };
}

/** Stripe's `Emptyable<T>`: `param=` unsets (-> null), anything else is read by `field`. */
export function unset<T>(field: Field<T | undefined>): Field<T | null | undefined> {
  return { parse: (value, param) => (value === '' ? null : field.parse(value, param)) };
}

/** Like obj, but `param=` unsets it (-> null). */
export function nullableObj<S extends Shape>(shape: S): Field<InferShape<S> | null | undefined> {
  return unset(obj(shape));
}

const INDEX = /^(0|[1-9]\d{0,5})$/;

/**
 * The elements of an array param in index order. The form parser keeps `a[0]=x&a[1]=y` (and
 * `a[]=x`) as a hash of indices; any other key means the client did not send an array.
 */
function arrayItems(value: FormValue, param: string): Array<[string, FormValue]> {
  const notArray = () => errors.invalid(`Invalid array: ${param} must be an array`, param, 'parameter_invalid_array');
  if (Array.isArray(value)) return value.map((v, i) => [String(i), v]);
  if (!isObject(value)) throw notArray();
  const keys = Object.keys(value);
  for (const k of keys) if (!INDEX.test(k)) throw notArray();
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => [k, value[k] as FormValue]);
}

/** An array param (`a[0]=x` or `a[]=x`). */
export function arr<T>(item: Field<T | undefined>, opts: { max?: number } = {}): Field<T[] | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      // `a=` sends an empty list.
      if (value === '') return [];
      const items = arrayItems(value, param);
      if (opts.max !== undefined && items.length > opts.max) {
        throw errors.invalid(`Invalid ${param}: must have at most ${opts.max} elements`, param);
      }
      return items.map(([index, v]) => {
        const parsed = item.parse(v, `${param}[${index}]`);
        if (parsed === undefined) throw errors.missingParam(`${param}[${index}]`);
        return parsed;
      });
    },
  };
}

/** Marks a field required: absent -> `parameter_missing`. */
export function required<T>(field: Field<T | undefined>): Field<NonNullable<T>> {
  return {
    parse(value, param) {
      const parsed = field.parse(value, param);
      if (parsed === undefined || parsed === null) throw errors.missingParam(param);
      return parsed as NonNullable<T>;
    },
  };
}

export type Metadata = Record<string, string>;

/** A plain map without a prototype, so every key (`__proto__`, `constructor`) is stored as data. */
function dict<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/**
 * `metadata[k]=v`; `metadata[k]=` deletes k and `metadata=` clears all (both -> null values the
 * caller merges with {@link mergeMetadata}).
 */
export function metadata(): Field<Record<string, string | null> | null | undefined> {
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      if (value === '') return null;
      if (!isObject(value)) throw errors.invalid(`Invalid object: ${param} must be a hash`, param, 'parameter_invalid_object');
      const out = dict<string | null>();
      const keys = Object.keys(value);
      if (keys.length > METADATA_LIMITS.keys) {
        throw errors.invalid(`Invalid ${param}: metadata can have up to ${METADATA_LIMITS.keys} keys`, param);
      }
      for (const key of keys) {
        const v = value[key];
        if (typeof v !== 'string') throw errors.invalidString(`${param}[${key}]`);
        if (key.length > METADATA_LIMITS.keyLength || key === '') {
          throw errors.invalid(`Invalid ${param}: keys must be 1 to ${METADATA_LIMITS.keyLength} characters`, `${param}[${key}]`);
        }
        if (v.length > METADATA_LIMITS.valueLength) {
          throw errors.invalid(`Invalid ${param}: values can be up to ${METADATA_LIMITS.valueLength} characters long`, `${param}[${key}]`);
        }
        out[key] = v === '' ? null : v;
      }
      return out;
    },
  };
}

/** Applies a metadata update (null value = delete; null whole = clear) to the current metadata. */
export function mergeMetadata(current: Metadata, update: Record<string, string | null> | null | undefined): Metadata {
  if (update === undefined) return current;
  if (update === null) return {};
  const next: Metadata = Object.assign(dict<string>(), current);
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > METADATA_LIMITS.keys) {
    throw errors.invalid(`Invalid metadata: metadata can have up to ${METADATA_LIMITS.keys} keys`, 'metadata');
  }
  return next;
}

/** `expand[]=a.b` -> ['a.b']. */
export const expand = (): Field<string[] | undefined> => arr(str({ max: 500 }), { max: 20 });

/** Validates a whole request's params against a shape; unknown top-level params are refused. */
export function parseParams<S extends Shape>(shape: S, params: FormObject): InferShape<S> {
  return parseShape(shape, params, undefined);
}
