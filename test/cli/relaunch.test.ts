/**
 * `opencheckout serve` and `npm start` (scripts/start.mjs) started without the server's start-up
 * settings run the server in a child that has them (bin/relaunch.mjs, docs/decisions.md#memory):
 * the child carries the Node flags and MALLOC_ARENA_MAX, answers requests, and a SIGTERM to the
 * parent shuts it down gracefully, the parent exiting as the child did. Linux: reads /proc.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

/** Starts `args` with PORT=0 and waits for the address the server prints. */
async function start(args: string[], dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.MALLOC_ARENA_MAX;
  delete env.NODE_OPTIONS;
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    proc.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out}`)));
  });
  return { proc, url };
}

/** The one child process of `pid` (from /proc). */
function childOf(pid: number): number {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  assert.equal(children.length, 1, `one child of ${pid}: ${children.join(',')}`);
  return children[0] as number;
}

for (const [name, args] of [
  ['opencheckout serve', ['bin/opencheckout.js', 'serve']],
  ['npm start (scripts/start.mjs)', ['scripts/start.mjs']],
] as const) {
  describe(`${name} without the start-up settings`, () => {
    it('runs the server in a child with them, and stops it with the parent', { skip: process.platform !== 'linux' }, async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-relaunch-'));
      try {
        const { proc, url } = await start([...args], dataDir);
        const server = childOf(proc.pid as number);
        const argv = fs.readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0');
        assert.ok(argv.includes('--max-semi-space-size=4') && argv.includes('--max-old-space-size=256'), argv.join(' '));
        assert.ok(fs.readFileSync(`/proc/${server}/environ`, 'utf8').split('\0').includes('MALLOC_ARENA_MAX=2'));
        const res = await fetch(`${url}/v1/customers`, { method: 'POST', headers: { authorization: 'Bearer sk_test_relaunch' }, body: new URLSearchParams({ email: 'jenny@example.com' }) });
        assert.equal(res.status, 200);
        const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
        proc.kill('SIGTERM');
        assert.equal(await exited, 0, 'the parent exits as the server did: a graceful stop');
        assert.equal(fs.existsSync(`/proc/${server}`), false, 'the server process is gone');
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
