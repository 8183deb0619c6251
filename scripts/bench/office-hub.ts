import WebSocket from 'ws';
import type { OfficeServerMessage } from '../../worker/office/protocol';
import type { BenchHq, Session } from './hq';
import { runtimeUrl } from './runtime-port';
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

/**
 * Opens `count` office sockets as `cookie`, each resolved once its snapshot is in. `offer`:
 * whether they offer permessage-deflate, as browsers do.
 */
async function watchers(
  hq: BenchHq,
  cookie: string,
  count: number,
  offer: boolean,
): Promise<Watcher[]> {
  const url = `${hq.url.replace(/^http/, 'ws')}/api/office/ws`;
  const open = (): Promise<Watcher> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, {
        headers: { cookie, origin: hq.url },
        perMessageDeflate: offer,
      });
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

/** `ctx.runs` agent edits, each timed to the last of `sockets` receiving its delta. */
async function timeChanges(
  ctx: BenchContext,
  admin: Session,
  agent: { slug: string; workerEnabled: boolean },
  sockets: Watcher[],
) {
  const fanOut: number[] = [];
  const endToEnd: number[] = [];
  // One change first, unmeasured: the first delta after the sockets open warms the hub's and
  // the clients' paths. It was the slowest of its three in all 8 series of four full runs on
  // 2026-12-03 (e.g. 75, 62, 45 ms; 128, 73, 72 ms). Then at least 5 for the median.
  const runs = Math.max(ctx.runs, 5);
  for (let run = -1; run < runs; run++) {
    const before = sockets.map((s) => s.arrivals.size);
    agent.workerEnabled = !agent.workerEnabled;
    const start = Date.now();
    await admin.json(`/api/agents/${agent.slug}`, {
      method: 'PATCH',
      body: { workerEnabled: agent.workerEnabled, reason: 'bench' },
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
    if (run < 0) continue;
    fanOut.push(last - sentAt);
    endToEnd.push(last - start);
  }
  return { fanOut, endToEnd };
}

/** Opens the sockets at `hq`'s address, times the changes, closes them. */
async function overSockets(
  ctx: BenchContext,
  hq: BenchHq,
  admin: Session,
  agent: { slug: string; workerEnabled: boolean },
  label: string,
  offer = true,
) {
  const viewer = await cookieFor(hq, 'viewer@hq.local');
  ctx.log(`office hub ${label}: opening ${SOCKETS} sockets`);
  const sockets = await watchers(hq, viewer, SOCKETS, offer);
  try {
    const times = await timeChanges(ctx, admin, agent, sockets);
    ctx.log(
      `office hub ${label}: fan-out ${times.fanOut.join(', ')} ms; write to last socket ${times.endToEnd.join(', ')} ms`,
    );
    return times;
  } finally {
    for (const s of sockets) s.socket.close();
  }
}

/** A bench row for the fan-out medians of `times`. */
function fanOutRow(name: string, times: { fanOut: number[]; endToEnd: number[] }, note: string) {
  const value = median(times.fanOut);
  return {
    name,
    value: ms(value),
    bar: `< ${BAR_MS} ms`,
    verdict: verdict(value < BAR_MS),
    note: `${note}; write request → last socket: ${ms(median(times.endToEnd))}`,
  };
}

/**
 * Time for one change to reach 500 open office sockets: from the hub stamping the delta to
 * the last socket receiving it (the hub and the clients share this machine's clock). Through
 * wrangler dev's proxy, as `npm start` serves it, then straight to the runtime behind it: the
 * proxy relays every socket's frames, and the second row shows what is left without it.
 *
 * The sockets offer permessage-deflate, as browsers do. HQ declines it (wrangler.toml), but
 * under wrangler dev the runtime's own entry worker, in front of HQ's, accepts it and
 * compresses each frame for each socket. The third row has sockets that do not offer it:
 * frames as deployed HQ sends them, where HQ's worker is the one that answers the handshake.
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const admin = await hq.signIn('admin@hq.local');
  const { agents } = await admin.json<{ agents: { slug: string; workerEnabled: boolean }[] }>(
    '/api/agents',
  );
  const agent = agents[0];
  if (!agent) throw new Error('no agent to change');
  const proxied = await overSockets(ctx, hq, admin, agent, 'through the proxy');
  const rows: BenchRow[] = [
    fanOutRow(
      `Office hub: one change to ${SOCKETS} sockets`,
      proxied,
      'hub stamps the delta → last socket has it; frames compressed by wrangler dev',
    ),
  ];
  const direct = await runtimeUrl(hq.pid, hq.url);
  if (!direct) {
    ctx.log('office hub: the runtime behind the proxy was not found; no direct rows');
    return rows;
  }
  const runtime = { ...hq, url: direct };
  const straight = await overSockets(ctx, runtime, admin, agent, 'straight');
  const plain = await overSockets(ctx, runtime, admin, agent, 'straight, uncompressed', false);
  rows.push(
    fanOutRow(
      `Office hub: one change to ${SOCKETS} sockets, no dev proxy`,
      straight,
      "sockets on the runtime's own port behind wrangler dev's proxy",
    ),
    fanOutRow(
      `Office hub: one change to ${SOCKETS} sockets, no dev proxy, no compression`,
      plain,
      'the same, sockets that do not offer permessage-deflate: the frames deployed HQ sends',
    ),
  );
  return rows;
}
