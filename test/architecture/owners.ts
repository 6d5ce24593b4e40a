/**
 * Finds where source files name a store table, for the owner rule in docs/architecture.md: every
 * table has one owning module, and no other module names it (they call the owner's functions).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The tables of the first migrations, each with the folder (or file) that owns it. */
export const CORE_OWNERS: Record<string, string> = {
  customers: 'src/resources/customers/',
  payment_methods: 'src/resources/payment-methods/',
  products: 'src/resources/products/',
  prices: 'src/resources/prices/',
  checkout_sessions: 'src/resources/checkout-sessions/',
  payment_intents: 'src/resources/payment-intents/',
  setup_intents: 'src/resources/setup-intents/',
  subscriptions: 'src/resources/subscriptions/',
  invoices: 'src/resources/invoices/',
  test_clocks: 'src/resources/test-clocks/',
  webhook_endpoints: 'src/resources/webhook-endpoints/',
  events: 'src/events/',
  event_objects: 'src/events/',
  deliveries: 'src/events/',
  delivery_attempts: 'src/events/',
  jobs: 'src/scheduler/',
  idempotency_keys: 'src/api/idempotency.ts',
  settings: 'src/store/',
  request_log: 'src/api/request-log.ts',
};

/** Files that describe every table by nature: the migrations and the typed schema. */
export const EXEMPT = ['src/store/migrations/', 'src/store/schema.ts'];

export interface TableRef {
  file: string;
  line: number;
  table: string;
  text: string;
}

const SQL_WORDS = '(?:from|into|update|join|table|exists)';
/** Calls whose first argument names a table: Kysely's builders and the store's object table. */
const TABLE_CALLS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'mergeInto', 'ObjectTable']);

function calleeName(node: ts.Node): string | undefined {
  const parent = node.parent;
  if (!parent || !(ts.isCallExpression(parent) || ts.isNewExpression(parent)) || parent.arguments?.[0] !== node) return undefined;
  const callee = parent.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/**
 * Every place in `source` that names one of `tables`: the table argument of a Kysely builder or
 * of `new ObjectTable(...)` (`selectFrom('jobs')`, `selectFrom('jobs as j')`), or SQL text that
 * reads or writes it (`select ... from customers`). Comments are not code and are not looked at.
 */
export function tableRefs(file: string, source: string, tables: readonly string[]): TableRef[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const patterns = tables.map((t) => ({ table: t, sql: new RegExp(`\\b${SQL_WORDS}\\s+["\`]?${t}["\`]?(?![\\w])`, 'i') }));
  const refs: TableRef[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) text = node.text;
    if (text !== undefined) {
      const call = calleeName(node);
      const named = call !== undefined && TABLE_CALLS.has(call) ? text.split(/\s+/)[0] : undefined;
      for (const { table, sql } of patterns) {
        if (named === table || sql.test(text)) {
          refs.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, table, text });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** Every .ts file under `dir`, as paths relative to `root` with forward slashes. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(path.join(root, d), { withFileTypes: true })) {
      const rel = `${d}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** Tables that modules create in their own migrations: the folder holding the migration owns it. */
export function moduleTables(root: string, files: readonly string[]): Record<string, string> {
  const owners: Record<string, string> = {};
  for (const file of files) {
    if (EXEMPT.some((e) => file.startsWith(e))) continue;
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of source.matchAll(/\bobjectTable\(\s*db\s*,\s*dialect\s*,\s*'([a-z_]+)'/g)) {
      owners[m[1] as string] = file.slice(0, file.lastIndexOf('/') + 1);
    }
  }
  return owners;
}

/** The references that break the rule: a table named outside its owner. */
export function violations(root: string, owners: Record<string, string>, files: readonly string[]): TableRef[] {
  const tables = Object.keys(owners);
  const out: TableRef[] = [];
  for (const file of files) {
    if (EXEMPT.some((e) => file.startsWith(e))) continue;
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    for (const ref of tableRefs(file, source, tables)) {
      if (!file.startsWith(owners[ref.table] as string)) out.push(ref);
    }
  }
  return out;
}
