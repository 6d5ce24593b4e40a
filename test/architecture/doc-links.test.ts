/**
 * Comments point at the repository's own docs (docs/decisions.md, docs/architecture.md), and every
 * `docs/<file>.md#anchor` they cite names a heading that exists.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { sourceFiles } from './owners.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** GitHub's anchor of a Markdown heading. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function anchorsOf(doc: string): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] as string)));
}

describe('links from the code to the docs', () => {
  const files = sourceFiles(ROOT, 'src');

  it('cites no document that is not in the repository', () => {
    const cited = files.flatMap((file) =>
      fs
        .readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ file, line: i + 1, text: line }))
        .filter(({ text }) => /\bSPEC\b|\bDESIGN(\.md)?\b|\bSTYLE\.md\b/.test(text)),
    );
    assert.deepEqual(cited.map((c) => `${c.file}:${c.line}`), []);
  });

  it('points every docs/*.md#anchor at a heading that exists', () => {
    const broken: string[] = [];
    const cache = new Map<string, Set<string>>();
    let links = 0;
    for (const file of files) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/docs\/([a-z-]+\.md)#([a-z0-9_-]+)/g)) {
        links++;
        const doc = `docs/${m[1] as string}`;
        if (!fs.existsSync(path.join(ROOT, doc))) {
          broken.push(`${file}: ${m[0]} (no such file)`);
          continue;
        }
        const anchors = cache.get(doc) ?? anchorsOf(doc);
        cache.set(doc, anchors);
        if (!anchors.has(m[2] as string)) broken.push(`${file}: ${m[0]}`);
      }
    }
    assert.ok(links >= 20, `the code links to the docs (${links} links)`);
    assert.deepEqual(broken, []);
  });
});
