// `npm start`: compiles src/ to dist/ only when the sources changed since the last build
// (scripts/build.mjs; `npm install` has already built it), then serves from dist/ in this same
// process — no TypeScript loader. Started without the server's start-up settings (as `npm start`
// starts it), it first runs itself again in a child that has them (bin/relaunch.mjs,
// docs/decisions.md#memory). `node dist/server.mjs` is the same server without the build check
// (about 10 ms), without npm in front (npm itself costs ~0.3 s) and with Node's defaults.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasServerSettings, relaunch } from '../bin/relaunch.mjs';

if (!hasServerSettings()) {
  relaunch(fileURLToPath(import.meta.url));
} else {
  const { build } = await import('./build.mjs');
  const code = build({ force: false, quiet: false });
  if (code !== 0) {
    process.stderr.write('OpenCheckout failed to start: the TypeScript build failed (see above)\n');
    process.exit(code);
  }
  // The one-file bundle when the build made it (it starts faster), else the compiled modules.
  const entry = existsSync(new URL('../dist/server.mjs', import.meta.url)) ? '../dist/server.mjs' : '../dist/main.js';
  const { serve, failedToStart } = await import(entry);
  serve().catch(failedToStart);
}
