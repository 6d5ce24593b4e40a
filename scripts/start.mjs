// `npm start`: compiles src/ to dist/ only when the sources changed since the last build
// (scripts/build.mjs; `npm install` has already built it), then serves from dist/ in this same
// process — no second Node process, no TypeScript loader. `node dist/server.mjs` is the same
// server without the check (about 10 ms) and without npm in front (npm itself costs ~0.3 s).
import { existsSync } from 'node:fs';
import { build } from './build.mjs';

const code = build({ force: false, quiet: false });
if (code !== 0) {
  process.stderr.write('OpenCheckout failed to start: the TypeScript build failed (see above)\n');
  process.exit(code);
}
// The one-file bundle when the build made it (it starts faster), else the compiled modules.
const entry = existsSync(new URL('../dist/server.mjs', import.meta.url)) ? '../dist/server.mjs' : '../dist/main.js';
const { serve, failedToStart } = await import(entry);
serve().catch(failedToStart);
