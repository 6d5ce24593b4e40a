import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SETTINGS } from '../../src/config.js';

/** `opencheckout --version` and `serve --help`, whose list of settings comes from src/config.ts (docs/decisions.md#distribution). */
const run = async (...args: string[]) => (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args])).stdout;

describe('opencheckout --version and serve --help', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    assert.equal((await run('--version')).trim(), version);
  });

  it('lists every setting with its environment variable and default', async () => {
    const help = await run('serve', '--help');
    for (const s of SETTINGS) {
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`${s.env} `));
      assert.ok(line, `serve --help lists ${s.env}`);
      if (s.default) assert.ok(line.includes(`(default: ${s.default})`), `${s.env} shows its default`);
    }
  });
});
