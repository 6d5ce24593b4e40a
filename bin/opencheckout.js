#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --max-old-space-size=256
// The `opencheckout` command: runs the compiled CLI (built again first when src/ changed), else
// the TypeScript source through tsx (no TypeScript to compile with, or the build failed).
// Started as `npm start` starts the server: V8's young generation stays at 8 MiB instead of
// growing to 32, its old generation grows by smaller steps, and malloc keeps two arenas instead of
// one per thread; together they keep the server under 120 MiB under load (docs/decisions.md#memory).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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
