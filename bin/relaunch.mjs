// How the server process starts (docs/decisions.md#memory). V8 sizes its heap, and glibc reads its
// malloc tunables, when a process starts: a running process can't give itself these. So the two
// ways of starting the server (`npm start` -> scripts/start.mjs, `opencheckout serve` ->
// bin/opencheckout.js), when started without them, run the server in a child process that has
// them. That works wherever Node does: no shell syntax in package.json (Windows' npm runs scripts
// in cmd.exe) and no `env -S` in a shebang (BusyBox's env on Alpine has no -S).
import { spawn } from 'node:child_process';

/** Environment the server starts with: two malloc arenas instead of one per thread that allocates. */
export const SERVER_ENV = Object.freeze({ MALLOC_ARENA_MAX: '2' });

/** Node flags the server starts with: an 8 MiB young generation; an old one grown by 1.3x, not 4x. */
export const SERVER_FLAGS = Object.freeze(['--max-semi-space-size=4', '--max-old-space-size=256']);

/** Whether this process was started with the server's settings (flags given on the command line or in NODE_OPTIONS). */
export function hasServerSettings() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return SERVER_FLAGS.every((flag) => given.some((g) => g.split('=')[0] === flag.split('=')[0])) && Object.keys(SERVER_ENV).every((k) => process.env[k] !== undefined);
}

/**
 * Runs `script` with this process's arguments again, in a child started with the settings. Flags
 * this process was given come after them, so a user's own `--max-old-space-size` still wins.
 * stdio is shared; SIGINT, SIGTERM and SIGHUP are passed on (a second SIGINT from the terminal is
 * harmless: the server's shutdown runs once); this process ends as the child ended.
 */
export function relaunch(script) {
  const child = spawn(process.execPath, [...SERVER_FLAGS, ...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...SERVER_ENV, ...process.env },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`OpenCheckout failed to start: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}
