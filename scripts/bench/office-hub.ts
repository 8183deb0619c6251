import WebSocket from 'ws';
import type { OfficeServerMessage } from '../../worker/office/protocol';
import type { BenchHq } from './hq';
import { median, ms, verdict } from './stats';
import type { BenchContext, BenchRow } from './types';

const SOCKETS = 500;
const BAR_MS = 50;

/** A session cookie for `email` from the local sign-in. */
async function cookieFor(hq: BenchHq, email: string): Promise<string> {
  const login = await fetch(`${hq.url}/auth/dev/login`, {
    method: 'POST',
    headers: { origin: hq.url, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!login.ok) throw new Error(`sign-in as ${email}: ${login.status}`);
  return login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

interface Watcher {
  socket: WebSocket;
  /** When each `agent` delta arrived, by its seq. */
  arrivals: Map<number, { at: number; sentAt: number }>;
}

/** Opens `count` office sockets as `cookie`, each resolved once its snapshot is in. */
async function watchers(hq: BenchHq, cookie: string, count: number): Promise<Watcher[]> {
  const url = `${hq.url.replace(/^http/, 'ws')}/api/office/ws`;
  const open = (): Promise<Watcher> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { cookie, origin: hq.url } });
      const watcher: Watcher = { socket, arrivals: new Map() };
      socket.on('message', (data) => {
        const at = Date.now();
        const message = JSON.parse(String(data)) as OfficeServerMessage;
        if (message.type === 'snapshot') resolve(watcher);
        else if (message.type === 'agent')
          watcher.arrivals.set(message.seq, { at, sentAt: message.sentAt });
      });
      socket.on('error', reject);
    });
  const all: Watcher[] = [];
  // In batches: 500 handshakes at once would measure the dev proxy's accept queue, not the hub.
  for (let i = 0; i < count; i += 50) {
    all.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, open))));
  }
  return all;
}

/**
 * Time for one change to reach 500 open office sockets: from the hub stamping the delta to
 * the last socket receiving it (the hub and the clients share this machine's clock).
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const viewer = await cookieFor(hq, 'viewer@hq.local');
  const admin = await hq.signIn('admin@hq.local');
  const { agents } = await admin.json<{ agents: { slug: string; workerEnabled: boolean }[] }>(
    '/api/agents',
  );
  const agent = agents[0];
  if (!agent) throw new Error('no agent to change');
  ctx.log(`office hub: opening ${SOCKETS} sockets`);
  const sockets = await watchers(hq, viewer, SOCKETS);
  const fanOut: number[] = [];
  const endToEnd: number[] = [];
  try {
    let enabled = agent.workerEnabled;
    for (let run = 0; run < ctx.runs; run++) {
      const before = sockets.map((s) => s.arrivals.size);
      enabled = !enabled;
      const start = Date.now();
      await admin.json(`/api/agents/${agent.slug}`, {
        method: 'PATCH',
        body: { workerEnabled: enabled, reason: 'bench' },
      });
      // Wait until every socket has the delta this change caused.
      const deadline = Date.now() + 30_000;
      while (sockets.some((s, i) => s.arrivals.size <= (before[i] as number))) {
        if (Date.now() > deadline) throw new Error('not every socket got the change');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const latest = sockets.map(
        (s) => [...s.arrivals.values()].at(-1) as { at: number; sentAt: number },
      );
      const sentAt = Math.min(...latest.map((l) => l.sentAt));
      const last = Math.max(...latest.map((l) => l.at));
      fanOut.push(last - sentAt);
      endToEnd.push(last - start);
    }
  } finally {
    for (const s of sockets) s.socket.close();
  }
  ctx.log(
    `office hub: fan-out ${fanOut.join(', ')} ms; write to last socket ${endToEnd.join(', ')} ms`,
  );
  const value = median(fanOut);
  return [
    {
      name: `Office hub: one change to ${SOCKETS} sockets`,
      value: ms(value),
      bar: `< ${BAR_MS} ms`,
      verdict: verdict(value < BAR_MS),
      note: `hub stamps the delta → last socket has it; write request → last socket: ${ms(median(endToEnd))}`,
    },
  ];
}
