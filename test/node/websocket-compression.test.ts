import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../support/local-hq';
import { endProcess, spawnOwned } from '../support/processes';

// HQ declines permessage-deflate (wrangler.toml says why): the office hub would otherwise
// compress each delta once per socket. Under `wrangler dev` the runtime's own entry worker sits
// in front of HQ's and accepts it anyway, so this runs the workerd that wrangler ships with a
// worker that answers a WebSocket upgrade as the office route does, under HQ's compatibility
// date and flags, and with the same flags less the one that declines (it must then compress,
// or this test could not fail).

const root = fileURLToPath(new URL('../..', import.meta.url));
const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
const date = /^compatibility_date = "([^"]+)"/m.exec(toml)?.[1];
const flags = JSON.parse(/^compatibility_flags = (\[.*\])$/m.exec(toml)?.[1] ?? '[]') as string[];
const fromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'));
const workerd = fromWrangler('workerd') as { default?: string } | string;
const workerdPath = typeof workerd === 'string' ? workerd : (workerd.default ?? '');

const WORKER = `export default {
  async fetch() {
    const pair = new WebSocketPair();
    pair[1].accept();
    pair[1].send(JSON.stringify({ type: 'agent', seq: 1 }));
    return new Response(null, { status: 101, webSocket: pair[0] });
  },
};`;

const dir = mkdtempSync(join(tmpdir(), 'hq-ws-compression-'));
const started: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((child) => endProcess(child)));
  rmSync(dir, { recursive: true, force: true });
});

/** Starts workerd with `compatibilityFlags`; resolves with its port once it answers. */
async function serve(name: string, compatibilityFlags: string[]): Promise<number> {
  const port = await freePort();
  writeFileSync(join(dir, 'worker.js'), WORKER);
  writeFileSync(
    join(dir, `${name}.capnp`),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = (modules = [(name = "worker.js", esModule = embed "worker.js")],
    compatibilityDate = "${date}", compatibilityFlags = ${JSON.stringify(compatibilityFlags)}))],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);`,
  );
  const child = spawnOwned(workerdPath, ['serve', join(dir, `${name}.capnp`), '--experimental'], {
    stdio: 'ignore',
  });
  started.push(child);
  for (let tries = 0; tries < 100; tries++) {
    if (
      await fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      )
    )
      return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`workerd (${name}) did not start on ${port}`);
}

/** The extensions a browser-like client (it offers permessage-deflate) ends up with. */
async function negotiated(port: number): Promise<{ extensions: string; first: string }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  try {
    return await new Promise((resolve, reject) => {
      socket.once('message', (data) =>
        resolve({ extensions: socket.extensions, first: String(data) }),
      );
      socket.once('error', reject);
    });
  } finally {
    socket.close();
  }
}

describe('WebSocket compression', () => {
  it('is declined under HQ’s compatibility flags, and taken without the one that declines it', async () => {
    expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(flags).toContain('no_web_socket_compression');
    const hq = await negotiated(await serve('hq', flags));
    expect(hq).toEqual({ extensions: '', first: '{"type":"agent","seq":1}' });
    const without = flags.filter((flag) => flag !== 'no_web_socket_compression');
    const control = await negotiated(await serve('control', without));
    expect(control.extensions).toMatch(/^permessage-deflate/);
    expect(control.first).toBe(hq.first);
  });
});
