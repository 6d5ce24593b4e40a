/**
 * One owner per table (docs/architecture.md#one-owner-per-table): a table is named only inside
 * the module that owns it, and the owner's table handle is not imported from outside it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { CORE_OWNERS, EXEMPT, moduleTables, sourceFiles, tableRefs, violations } from './owners.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = sourceFiles(ROOT, 'src');
/** The example resource of the walkthrough: its table is owned by its folder, like any new one. */
const EXAMPLE = sourceFiles(ROOT, 'test/architecture/example-resource');
const FILES = [...SRC, ...EXAMPLE];
const OWNERS = { ...CORE_OWNERS, ...moduleTables(ROOT, FILES) };

/** Table names in the typed schema (src/store/schema.ts `interface Database`). */
function schemaTables(): string[] {
  const sf = ts.createSourceFile('schema.ts', fs.readFileSync(path.join(ROOT, 'src/store/schema.ts'), 'utf8'), ts.ScriptTarget.ES2022, true);
  const db = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Database');
  assert.ok(db, 'schema.ts declares interface Database');
  return db.members.map((m) => (m.name && ts.isIdentifier(m.name) ? m.name.text : '')).filter(Boolean);
}

/** `export const x = new ObjectTable(...)`: the table handles, by the file that declares them. */
function tableHandles(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || !st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of st.declarationList.declarations) {
      if (d.initializer && ts.isNewExpression(d.initializer) && d.initializer.expression.getText(sf) === 'ObjectTable' && ts.isIdentifier(d.name)) names.push(d.name.text);
    }
  }
  return names;
}

/** Imports of `names` from any file of `ownerDir` (where they are declared or re-exported), in files outside it. */
function foreignImports(declaredIn: string, names: readonly string[], ownerDir: string): string[] {
  const out: string[] = [];
  for (const file of FILES) {
    if (file.startsWith(ownerDir)) continue;
    const sf = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
      const spec = st.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.text)).replace(/\.js$/, '');
      if (!`${resolved}.ts`.startsWith(ownerDir)) continue;
      const clause = ts.isImportDeclaration(st) ? st.importClause?.namedBindings : st.exportClause;
      if (!clause || !(ts.isNamedImports(clause) || ts.isNamedExports(clause))) continue;
      for (const el of clause.elements) {
        const imported = (el.propertyName ?? el.name).text;
        if (names.includes(imported)) out.push(`${file} imports ${imported}, the table handle of ${declaredIn}`);
      }
    }
  }
  return out;
}

describe('one owner per table', () => {
  it('gives every table of the schema an owner', () => {
    const missing = schemaTables().filter((t) => !(t in OWNERS));
    assert.deepEqual(missing, [], 'tables without an owner in test/architecture/owners.ts');
  });

  it('finds a table of a resource migration owned by the folder that creates it', () => {
    assert.equal(OWNERS.reminders, 'test/architecture/example-resource/');
  });

  it('names no table outside its owner', () => {
    const found = violations(ROOT, OWNERS, FILES).map((v) => `${v.file}:${v.line} names ${v.table}, owned by ${OWNERS[v.table]}`);
    assert.deepEqual(found, []);
  });

  it("imports no owner's table handle from outside the owner", () => {
    const found: string[] = [];
    for (const file of FILES) {
      if (EXEMPT.some((e) => file.startsWith(e))) continue;
      const handles = tableHandles(file);
      if (handles.length === 0) continue;
      const owner = Object.values(OWNERS).find((dir) => file.startsWith(dir)) ?? file;
      found.push(...foreignImports(file, handles, owner));
    }
    assert.deepEqual(found, []);
  });

  it('catches each way of naming a table, and not prose or other strings', () => {
    const code = [
      "db.selectFrom('jobs').selectAll();",
      "db.deleteFrom('jobs as j');",
      "new ObjectTable<X>('jobs');",
      'exec(db, "k", (p) => `select "data" from jobs where id = ${p(1)}`, []);',
      "const q = 'insert into \"jobs\" (seq) values (1)';",
      '// select * from jobs: a comment is not code',
      "notify('job-due'); const kind = 'jobs';",
    ].join('\n');
    const refs = tableRefs('x.ts', code, ['jobs']);
    assert.deepEqual(refs.map((r) => r.line), [1, 2, 3, 4, 5]);
  });
});
