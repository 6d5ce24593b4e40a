/**
 * Stripe's search query language (https://docs.stripe.com/search#search-query-language), in one
 * place: the tokenizer and parser turn `email~"amy" AND metadata['plan']:'pro'` into clauses, and
 * {@link compileSearch} checks them against a resource's field table and builds the predicate over
 * the object's JSON, plus the part of the query the store can filter on in SQL.
 * See docs/decisions.md#search.
 */
import { errors, type StripeError } from './errors.js';
import type { Filter, Range } from '../store/objects.js';

/**
 * A field's type, as Stripe's tables of query fields name them: a `token` matches exactly
 * (without regard to case), a `string` also by substring (`~`) and matches `:` by its words, a
 * `numeric` (amounts, timestamps) also compares with `>`, `<`, `>=`, `<=`.
 */
export type SearchFieldType = 'token' | 'string' | 'numeric';

/** One queryable field of a resource. */
export interface SearchField {
  type: SearchFieldType;
  /** The field's value in the object; default: the dotted path of the field's name. */
  value?: (object: Record<string, unknown>) => unknown;
  /** Ids are matched as written: a case-folded id names no object (docs/decisions.md#search). */
  exactCase?: boolean;
  /**
   * The typed column holding the same value (`customer` -> `customer_id`), so a clause that must
   * hold narrows the scan in SQL; `toColumn` gives the column's value for a query value, or
   * undefined when the column cannot say (then only the predicate decides).
   */
  column?: { name: string; toColumn(value: string): string | number | undefined };
}

/** A resource's queryable fields by name (`metadata` included when it may be queried). */
export type SearchFields = Readonly<Record<string, SearchField>>;

type Operator = ':' | '~' | '>' | '<' | '>=' | '<=';
type Value = { kind: 'text'; text: string } | { kind: 'null' };

/** One clause: `-`? field operator value. */
export interface Clause {
  negated: boolean;
  field: string;
  /** The key of `metadata['key']`. */
  metadataKey?: string;
  operator: Operator;
  value: Value;
}

/** A parsed query: its clauses, joined by AND or by OR (Stripe allows one or the other). */
export interface ParsedQuery {
  connective: 'and' | 'or';
  clauses: Clause[];
}

/** Stripe's limit on the clauses of one query. */
const MAX_CLAUSES = 10;
/** Stripe's shortest substring for `~`. */
const MIN_SUBSTRING = 3;

/** Stripe's message for a query it cannot read; our reason follows where Stripe's is not public. */
function unparsable(reason?: string): StripeError {
  const base =
    'We were unable to parse your search query. Try using the format `metadata["key"]:"value"` to query for metadata or key:"value" to query for other fields.';
  return errors.invalid(reason ? `${base} ${reason}` : base, 'query');
}

/** Reads a query string into clauses; anything it cannot read is Stripe's parse error. */
export function parseSearchQuery(text: string): ParsedQuery {
  let i = 0;
  const clauses: Clause[] = [];
  let connective: 'and' | 'or' | undefined;
  const join = (c: 'and' | 'or') => {
    if (connective !== undefined && connective !== c) throw unparsable('AND and OR cannot be combined in one query.');
    connective = c;
  };
  const skipSpace = () => {
    const start = i;
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    return i > start;
  };

  function quoted(): string {
    const quote = text[i];
    i++;
    let out = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      out += text[i];
      i++;
    }
    if (i >= text.length) throw unparsable('A quoted value is not closed.');
    i++;
    return out;
  }

  function field(): { field: string; metadataKey?: string } {
    const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i));
    if (!m) throw unparsable();
    i += m[0].length;
    if (m[0] !== 'metadata' || text[i] !== '[') return { field: m[0] };
    i++;
    if (text[i] !== '"' && text[i] !== "'") throw unparsable();
    const key = quoted();
    if (text[i] !== ']') throw unparsable();
    i++;
    return { field: 'metadata', metadataKey: key };
  }

  function operator(): Operator {
    for (const op of ['>=', '<=', ':', '~', '>', '<'] as const) {
      if (text.startsWith(op, i)) {
        i += op.length;
        return op;
      }
    }
    throw unparsable();
  }

  function value(): Value {
    const c = text[i];
    if (c === '"' || c === "'") return { kind: 'text', text: quoted() };
    // Unquoted: a number or `null` only — Stripe requires quotes around strings.
    const m = /^[^\s]+/.exec(text.slice(i));
    const word = m?.[0] ?? '';
    i += word.length;
    if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'text', text: word };
    if (word.toLowerCase() === 'null') return { kind: 'null' };
    throw unparsable('String values must be quoted.');
  }

  skipSpace();
  while (i < text.length) {
    if (clauses.length > 0) {
      const m = /^(and|or)(?=\s)/i.exec(text.slice(i));
      if (m) {
        join((m[1] as string).toLowerCase() as 'and' | 'or');
        i += m[0].length;
        skipSpace();
      } else join('and');
    }
    const negated = text[i] === '-';
    if (negated) i++;
    const f = field();
    const op = operator();
    const v = value();
    clauses.push({ negated, ...f, operator: op, value: v });
    if (clauses.length > MAX_CLAUSES) throw unparsable(`A query may combine at most ${MAX_CLAUSES} clauses.`);
    if (i < text.length && !skipSpace()) throw unparsable();
  }
  if (clauses.length === 0) throw unparsable();
  return { connective: connective ?? 'and', clauses };
}

/** A query checked against a resource's fields: the predicate, and what SQL may narrow first. */
export interface CompiledSearch {
  matches(object: Record<string, unknown>): boolean;
  /** Conditions on typed columns every match satisfies (a superset of the matches). */
  filter: Filter;
  /** Bounds on `created` every match satisfies. */
  created: Range | undefined;
}

function pathValue(object: Record<string, unknown>, path: string): unknown {
  let node: unknown = object;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/** Words as a full-text index splits them: letters, digits and `_`, without regard to case. */
function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/** Stripe's `:` on a string field: the record holds all the query's words, in the same order. */
function hasPhrase(stored: string, query: string): boolean {
  const q = words(query);
  if (q.length === 0) return stored.toLowerCase() === query.toLowerCase();
  const s = words(stored);
  outer: for (let start = 0; start + q.length <= s.length; start++) {
    for (let k = 0; k < q.length; k++) if (s[start + k] !== q[k]) continue outer;
    return true;
  }
  return false;
}

function sameToken(stored: unknown, query: string, exactCase: boolean): boolean {
  const s = String(stored);
  return exactCase ? s === query : s.toLowerCase() === query.toLowerCase();
}

const COMPARE: Record<'>' | '<' | '>=' | '<=', (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
};

const RANGE_KEY = { '>': 'gt', '<': 'lt', '>=': 'gte', '<=': 'lte' } as const;

const ALLOWED: Record<SearchFieldType, readonly Operator[]> = {
  token: [':'],
  string: [':', '~'],
  numeric: [':', '>', '<', '>=', '<='],
};

const METADATA_FIELD: SearchField = { type: 'token' };

/** One clause as a predicate over the object's JSON, after checking it suits the field. */
function clausePredicate(c: Clause, def: SearchField): (o: Record<string, unknown>) => boolean {
  if (!ALLOWED[def.type].includes(c.operator)) {
    throw unparsable(`The \`${c.operator}\` operator cannot be used on the ${def.type} field \`${c.field}\`.`);
  }
  const read = c.metadataKey !== undefined
    ? (o: Record<string, unknown>) => {
        const md = o.metadata;
        return md !== null && typeof md === 'object' && Object.hasOwn(md, c.metadataKey as string) ? (md as Record<string, unknown>)[c.metadataKey as string] : undefined;
      }
    : (def.value ?? ((o: Record<string, unknown>) => pathValue(o, c.field)));
  let test: (v: unknown) => boolean;
  const value = c.value;
  if (value.kind === 'null') {
    if (c.operator !== ':') throw unparsable('`null` can only be matched with `:`.');
    test = isMissing;
  } else if (def.type === 'numeric') {
    const n = Number(value.text);
    if (value.text.trim() === '' || !Number.isFinite(n)) throw unparsable(`\`${c.field}\` takes a number.`);
    const cmp = c.operator === ':' ? (a: number) => a === n : (a: number) => COMPARE[c.operator as keyof typeof COMPARE](a, n);
    test = (v) => !isMissing(v) && Number.isFinite(Number(v)) && cmp(Number(v));
  } else if (c.operator === '~') {
    if ([...value.text].length < MIN_SUBSTRING) throw unparsable(`A substring match (\`~\`) needs at least ${MIN_SUBSTRING} characters.`);
    const needle = value.text.toLowerCase();
    test = (v) => !isMissing(v) && String(v).toLowerCase().includes(needle);
  } else if (def.type === 'string' && !def.exactCase) {
    test = (v) => !isMissing(v) && hasPhrase(String(v), value.text);
  } else {
    test = (v) => !isMissing(v) && sameToken(v, value.text, def.exactCase === true);
  }
  return c.negated ? (o) => !test(read(o)) : (o) => test(read(o));
}

function unsupportedField(field: string, resource: string): StripeError {
  return errors.invalid(
    `Field \`${field}\` is an unsupported search field for resource \`${resource}\`. See http://stripe.com/docs/search#query-fields-for-${resource.replace(/_/g, '-')} for a list of supported fields.`,
    'query',
  );
}

/**
 * Parses `query` and checks every clause against `fields` (a field the resource does not offer is
 * Stripe's "unsupported search field" error, naming `resource` as the URL does: `payment_intents`).
 */
export function compileSearch(query: string, resource: string, fields: SearchFields): CompiledSearch {
  const parsed = parseSearchQuery(query);
  const predicates = parsed.clauses.map((c) => {
    const def = c.metadataKey !== undefined ? (fields.metadata ? METADATA_FIELD : undefined) : Object.hasOwn(fields, c.field) ? fields[c.field] : undefined;
    if (c.field === 'metadata' && c.metadataKey === undefined) throw unparsable();
    if (!def) throw unsupportedField(c.field, resource);
    return clausePredicate(c, def);
  });
  const matches =
    parsed.connective === 'and'
      ? (o: Record<string, unknown>) => predicates.every((p) => p(o))
      : (o: Record<string, unknown>) => predicates.some((p) => p(o));

  // What SQL may narrow: only clauses every match satisfies (AND, not negated, a value).
  const filter: Filter = {};
  let created: Range | undefined;
  if (parsed.connective === 'and' || parsed.clauses.length === 1) {
    for (const c of parsed.clauses) {
      const def = c.metadataKey === undefined ? fields[c.field] : undefined;
      if (!def?.column || c.negated || c.value.kind === 'null') continue;
      if (def.column.name === 'created' && def.type === 'numeric') {
        // The column is an integer: a fractional or huge bound is left to the predicate.
        const n = Number(c.value.text);
        if (Number.isSafeInteger(n)) created = tighten(created ?? {}, c.operator, n);
      } else if (c.operator === ':' && !(def.column.name in filter)) {
        const v = def.column.toColumn(c.value.text);
        if (v !== undefined) filter[def.column.name] = v;
      }
    }
  }
  return { matches, filter, created };
}

/** Adds a bound to a `created` range, keeping the tighter of two bounds of one kind. */
function tighten(range: Range, op: Operator, n: number): Range {
  if (op === '~') return range;
  if (op === ':') return tighten(tighten(range, '>=', n), '<=', n);
  const key = RANGE_KEY[op];
  const prev = range[key];
  const lower = key === 'gt' || key === 'gte';
  return { ...range, [key]: prev === undefined ? n : lower ? Math.max(prev, n) : Math.min(prev, n) };
}

/** `created`: a numeric field with its own column, so its bounds narrow the scan in SQL. */
export const CREATED_FIELD: SearchField = { type: 'numeric', column: { name: 'created', toColumn: () => undefined } };

/** `metadata['key']:'value'`: every searchable resource offers it. */
export const METADATA: SearchField = METADATA_FIELD;

/** An id field (`customer`) with its typed column: matched as written, narrowed in SQL. */
export function idField(column: string, value?: SearchField['value'], type: SearchFieldType = 'token'): SearchField {
  return { type, exactCase: true, ...(value ? { value } : {}), column: { name: column, toColumn: (v) => v } };
}

/** A lowercase enum (`status`) with its typed column: the query's value is case-folded for SQL. */
export function enumField(column: string, type: SearchFieldType = 'token'): SearchField {
  return { type, column: { name: column, toColumn: (v) => (/^[a-z_]+$/i.test(v) ? v.toLowerCase() : undefined) } };
}

/** A boolean (`active`, `disputed`), queried as the tokens "true" and "false"; `column` holds 1 or 0. */
export function booleanField(column?: string): SearchField {
  const toColumn = (v: string) => (v.toLowerCase() === 'true' ? 1 : v.toLowerCase() === 'false' ? 0 : undefined);
  return { type: 'token', ...(column ? { column: { name: column, toColumn } } : {}) };
}
