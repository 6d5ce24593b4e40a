import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config.js';

/**
 * `opencheckout serve --help` prints SETTINGS (src/config.ts): every environment variable the
 * server reads must be in it, and the README's settings table must list the same ones, so that
 * neither can drift from the code.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Read by CLI commands that talk to a running server, not settings of the server. */
const CLIENT_ONLY = new Set(['STRIPE_API_KEY', 'OPENCHECKOUT_API_BASE']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sources(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

/** Environment variable names read in src/: `env.NAME`, `env['NAME']`, `int(env, 'NAME', ...)`. */
function readInSource(): Set<string> {
  const names = new Set<string>();
  for (const file of sources(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1] as string);
    for (const m of text.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) names.add(m[1] as string);
    for (const m of text.matchAll(/\b(?:int|list|bool|str)\(env, ['"]([A-Z][A-Z0-9_]+)['"]/g)) names.add(m[1] as string);
  }
  return names;
}

describe('settings', () => {
  it('lists every environment variable the server reads in SETTINGS, once', () => {
    const listed = SETTINGS.map((x) => x.env);
    assert.equal(new Set(listed).size, listed.length, 'a variable is listed twice');
    const missing = [...readInSource()].filter((n) => !CLIENT_ONLY.has(n) && !listed.includes(n)).sort();
    assert.deepEqual(missing, [], 'read in src/ but missing from SETTINGS in src/config.ts');
    for (const s of SETTINGS) assert.ok(s.meaning.length > 10, `${s.env} needs a meaning`);
  });

  it('has the README settings table list the same variables as SETTINGS', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const table = section.slice(0, section.indexOf('\n## ', 5));
    const rows = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string);
    assert.deepEqual([...rows].sort(), SETTINGS.map((x) => x.env).sort());
  });

  it('starts the server with its start-up settings from npm start and the opencheckout command', async () => {
    // docs/decisions.md#memory: both entries run the server in a child with bin/relaunch.mjs's
    // settings when started without them, and neither relies on shell syntax or `env -S`.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[] };
    assert.equal(pkg.scripts.start, 'node scripts/start.mjs');
    assert.ok(pkg.files.includes('bin/relaunch.mjs'), 'the package ships the launcher');
    assert.equal(fs.readFileSync(path.join(ROOT, 'bin/opencheckout.js'), 'utf8').split('\n', 1)[0], '#!/usr/bin/env node');
    for (const entry of ['bin/opencheckout.js', 'scripts/start.mjs']) {
      assert.match(fs.readFileSync(path.join(ROOT, entry), 'utf8'), /if \(.*!hasServerSettings\(\)\) \{\n\s+relaunch\(/, `${entry} relaunches without the settings`);
    }
    const { SERVER_LAUNCH } = await import('../../bench/harness.js');
    assert.equal(SERVER_LAUNCH, 'MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --max-old-space-size=256');
  });
});
