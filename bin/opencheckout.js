#!/usr/bin/env node
// The `opencheckout` command: runs the compiled CLI (built again first when src/ changed), else
// the TypeScript source through tsx (no TypeScript to compile with, or the build failed).
// `serve` runs the server with the start-up settings that keep it under 120 MiB under load; started
// without them, it runs in a child that has them (bin/relaunch.mjs, docs/decisions.md#memory).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasServerSettings, relaunch } from './relaunch.mjs';

const self = fileURLToPath(import.meta.url);
const serving = process.argv[2] === 'serve' && !process.argv.slice(3).some((a) => a === '--help' || a === '-h');
if (serving && !hasServerSettings()) {
  relaunch(self);
} else {
  const root = join(dirname(self), '..');
  const built = join(root, 'dist', 'cli', 'main.js');
  // A checkout whose src/ changed since the last build compiles first, as `npm start` does.
  const buildScript = join(root, 'scripts', 'build.mjs');
  const fresh = existsSync(buildScript) ? (await import(pathToFileURL(buildScript).href)).build({ force: false, quiet: true }) === 0 : true;
  if (fresh && existsSync(built)) {
    await import(pathToFileURL(built).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
  }
}
