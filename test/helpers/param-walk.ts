import path from 'node:path';
import ts from 'typescript';

/**
 * Walks a stripe-node request-params interface (SessionCreateParams) with the TypeScript checker
 * and lists every leaf param: its path, whether each step is required, and a plausible value.
 * Used by test/api/session-params.test.ts so a stripe-node upgrade shows which params are new.
 */
export interface Leaf {
  /** Dotted path, `0` for an array element: `line_items.0.price_data.currency`. */
  path: string[];
  /** The params to send for this leaf: the leaf's value, with the required siblings along its path. */
  params: Record<string, unknown>;
}

const SESSIONS_DTS = path.resolve('node_modules/stripe/esm/resources/Checkout/Sessions.d.ts');

/** A plausible string for a param, by its name (`*_url` → an https URL, `currency` → usd, ...). */
function stringFor(name: string, parent: string): string {
  if (name.endsWith('_url') || name === 'url') return 'https://merchant.example/return';
  if (name === 'currency') return 'usd';
  if (name === 'country' || name.endsWith('_country')) return 'US';
  if (name === 'email' || name.endsWith('_email')) return 'jenny@example.com';
  if (name === 'postal_code') return '94107';
  if (name === 'phone') return '+15555550100';
  if (name === 'mandate_options' || name === 'reference') return 'REF123';
  if (parent === 'allowed_countries' || name === 'allowed_countries') return 'US';
  if (name.endsWith('_color')) return '#112233';
  if (name === 'statement_descriptor' || name.startsWith('statement_descriptor')) return 'OPENCHECKOUT';
  if (name === 'key') return 'field1';
  return 'value1';
}

function numberFor(name: string): number {
  if (name === 'expires_at') return Math.floor(Date.now() / 1000) + 3600;
  if (name.includes('percent')) return 10;
  if (name === 'minimum') return 1;
  if (name === 'maximum') return 10;
  if (name.endsWith('_at') || name === 'trial_end') return Math.floor(Date.now() / 1000) + 5 * 86400;
  if (name.endsWith('_days') || name === 'trial_period_days') return 7;
  return 1;
}

interface Walker {
  checker: ts.TypeChecker;
  node: ts.Node;
  leaves: Leaf[];
}

function isOptional(sym: ts.Symbol): boolean {
  return (sym.flags & ts.SymbolFlags.Optional) !== 0;
}

/** The members of a union that say something: not undefined, null or the Emptyable `''`. */
function meaningful(type: ts.Type): ts.Type[] {
  const members = type.isUnion() ? type.types : [type];
  return members.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && !(t.isStringLiteral() && t.value === ''));
}

function isPlainObject(w: Walker, t: ts.Type): boolean {
  return (t.flags & ts.TypeFlags.Object) !== 0 && !w.checker.isArrayType(t) && w.checker.getPropertiesOfType(t).length > 0;
}

/** A value for a type, going only through required properties (the siblings every request needs). */
function sample(w: Walker, type: ts.Type, name: string, parent: string, depth: number): unknown {
  const members = meaningful(type);
  const literal = members.find((t) => t.isStringLiteral());
  if (literal?.isStringLiteral()) return literal.value;
  if (members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return true;
  const object = members.find((t) => isPlainObject(w, t)) ?? members.find((t) => w.checker.isArrayType(t));
  if (object && depth < 10) {
    if (w.checker.isArrayType(object)) {
      const el = w.checker.getTypeArguments(object as ts.TypeReference)[0];
      return el ? [sample(w, el, name, name, depth + 1)] : [];
    }
    const out: Record<string, unknown> = {};
    for (const prop of w.checker.getPropertiesOfType(object)) {
      if (isOptional(prop)) continue;
      out[prop.name] = sample(w, w.checker.getTypeOfSymbolAtLocation(prop, w.node), prop.name, name, depth + 1);
    }
    return out;
  }
  if (members.some((t) => t.flags & ts.TypeFlags.Number)) return numberFor(name);
  if (members.some((t) => (t.flags & ts.TypeFlags.Object) !== 0)) return { key1: 'value1' }; // an index signature: metadata
  return stringFor(name, parent);
}

/** Collects the leaves under `type`; `base` is the object so far, `at` where this type sits in it. */
function walk(w: Walker, type: ts.Type, trail: string[], build: (value: unknown) => Record<string, unknown>, depth: number): void {
  const name = trail[trail.length - 1] ?? '';
  const parent = trail[trail.length - 2] ?? '';
  const members = meaningful(type);
  const object = members.find((t) => isPlainObject(w, t));
  const array = members.find((t) => w.checker.isArrayType(t));
  if (array && depth < 10) {
    const el = w.checker.getTypeArguments(array as ts.TypeReference)[0];
    if (el && meaningful(el).some((t) => isPlainObject(w, t))) {
      walk(w, el, [...trail, '0'], (v) => build([v]), depth + 1);
      return;
    }
  }
  if (object && depth < 10) {
    const props = w.checker.getPropertiesOfType(object);
    const required: Record<string, unknown> = {};
    for (const prop of props) {
      if (!isOptional(prop)) required[prop.name] = sample(w, w.checker.getTypeOfSymbolAtLocation(prop, w.node), prop.name, name, depth + 1);
    }
    for (const prop of props) {
      const t = w.checker.getTypeOfSymbolAtLocation(prop, w.node);
      walk(w, t, [...trail, prop.name], (v) => build({ ...required, [prop.name]: v }), depth + 1);
    }
    return;
  }
  w.leaves.push({ path: trail, params: build(sample(w, type, name, parent, depth)) });
}

/** Every leaf param of `interface <name>` in stripe-node's Checkout Sessions types. */
export function leavesOf(interfaceName: string): Leaf[] {
  const program = ts.createProgram([SESSIONS_DTS], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(SESSIONS_DTS);
  if (!source) throw new Error(`cannot read ${SESSIONS_DTS}`);
  let found: ts.InterfaceDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === interfaceName && ts.isModuleBlock(node.parent) && !found) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  if (!found) throw new Error(`interface ${interfaceName} not found in ${SESSIONS_DTS}`);
  const w: Walker = { checker, node: found, leaves: [] };
  walk(w, checker.getTypeAtLocation(found), [], (v) => v as Record<string, unknown>, 0);
  return w.leaves;
}

/** Stripe's bracket form encoding of nested params: `a[b][0][c]=v`. */
export function encodeForm(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v, i) => add(`${key}[${i}]`, v));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  };
  for (const [k, v] of Object.entries(params)) add(k, v);
  return parts.join('&');
}
