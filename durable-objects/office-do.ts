import { DurableObject } from 'cloudflare:workers';
import { fail, type Outcome, ok } from '../worker/errors';
import { eventsAfter } from '../worker/events/feed';
import type { Seat } from '../worker/office/access';
import { officeAgents, rosterIds } from '../worker/office/agents';
import { type Furniture, type Layout, layoutProblem } from '../worker/office/layout';
import {
  type OfficeClientMessage,
  type OfficeServerMessage,
  PING,
  PONG,
  type TaskMove,
} from '../worker/office/protocol';
import { MAX_MOVES_HELD, retryLater, socketsFull } from './office/caps';
import { evict } from './office/evict';
import { HubStore } from './office/hub-store';
import { FOLLOW_GAP_MS, refusedWhenFull, Serial, SerialOverloaded } from './serial';

const PAGE = 200;
/**
 * While anyone watches, what changes without a domain event (schedules, the worker switch, a
 * running task's heartbeat and progress) is checked this often.
 */
const RECONCILE_MS = 15_000;
/** Every socket's session and role are checked again at least this often (and on each resync). */
const RECHECK_MS = 60_000;
/** A socket gets one resync answered per this long; a full snapshot costs a roster query. */
export const RESYNC_MS = 5_000;

type Outgoing = OfficeServerMessage extends infer M
  ? M extends { seq: number; sentAt: number }
    ? Omit<M, 'seq' | 'sentAt'>
    : never
  : never;

/** Where an admin puts a piece of furniture. */
export type Placement = Pick<Furniture, 'x' | 'z' | 'rotation'>;

/**
 * The office hub, one per company (named "office"): a WebSocket per open office page, with
 * hibernation, so idle watchers cost nothing. It follows the domain event feed and pushes a
 * delta for every agent whose robot should change, and keeps the floor layout.
 */
export class OfficeDO extends DurableObject<Env> {
  private readonly store: HubStore;
  /** Reads and sends never interleave: every client sees the same sequence of messages. */
  private readonly serial = new Serial('The office');
  /** The most task moves the last pass over the feed held at once (see MAX_MOVES_HELD). */
  private movesHeld = 0;
  /** Pokes that arrive while one waits its turn join it (see `poke`). */
  private readonly followOnce = this.serial.coalesced(() => this.follow(), FOLLOW_GAP_MS);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HubStore(ctx.storage.kv);
    // Keep-alives are answered by the runtime itself: a hibernating hub is not woken by them.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** A WebSocket upgrade (already authenticated by the worker): the client gets a snapshot. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade.', { status: 426 });
    }
    const full = socketsFull(this.ctx);
    if (full) return full;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const seat: Seat = {
      email: request.headers.get('x-hq-user') ?? '',
      session: request.headers.get('x-hq-session') ?? '',
      resyncAt: 0,
    };
    server.serializeAttachment(seat);
    try {
      await this.serial.run(() => this.sendSnapshot(server));
    } catch (error) {
      if (!(error instanceof SerialOverloaded)) throw error;
      server.close(1013, 'The office is busy.');
      return new Response(error.message, { status: 503 });
    }
    await this.ctx.storage.setAlarm(Date.now() + RECONCILE_MS);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    let message: OfficeClientMessage | null = null;
    try {
      message = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
    } catch {
      // Not JSON: ignored, like any message the hub does not know.
    }
    if (message?.type !== 'resync') return;
    const seat = ws.deserializeAttachment() as Seat;
    const now = Date.now();
    const wait = seat.resyncAt + RESYNC_MS - now;
    if (wait > 0) {
      this.sendTo(ws, {
        type: 'error',
        code: 'rate_limited',
        message: `One resync per ${RESYNC_MS / 1000} s: this one is ignored.`,
        retryAfterMs: wait,
      });
      return;
    }
    ws.serializeAttachment({ ...seat, resyncAt: now });
    // A resync is a fresh look at everything: only for someone still allowed to look.
    if ((await evict(this.env, [ws])) > 0) return;
    await this.serial
      .run(() => this.sendSnapshot(ws))
      .catch((error: unknown) => {
        if (!(error instanceof SerialOverloaded)) throw error;
        // The hub is swamped: this resync is dropped, and the client told when to ask again.
        this.sendTo(ws, { type: 'error', code: 'rate_limited', ...retryLater(error, RESYNC_MS) });
      });
  }

  /**
   * Closes the sockets whose session ended or whose holder lost their role: 4401 "signed
   * out", 4403 "role revoked". All of them, or only those opened with `session` (a sign-out
   * names its own: no socket of it, no query). Role revocation and sign-out call it at once;
   * the alarm checks everyone every minute (expiry, a row deleted elsewhere). Returns how
   * many it closed.
   */
  async recheck(session?: string): Promise<number> {
    const all = this.ctx.getWebSockets();
    if (session === undefined) {
      this.ctx.storage.kv.put('checkedAt', Date.now());
      return evict(this.env, all);
    }
    return evict(
      this.env,
      all.filter((ws) => (ws.deserializeAttachment() as Seat).session === session),
    );
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed by the runtime.
    }
  }

  /** Something was written: read the new domain events and push what changed. */
  async poke(): Promise<number> {
    // Pokes that arrive while one waits its turn join it: it reads everything written before
    // it starts, theirs included, so a burst of writes costs one pass, not one each; passes
    // start at most once per FOLLOW_GAP_MS (serial.ts says why).
    return this.followOnce();
  }

  /** The sizes of what this hub holds in memory, each capped: the memory test reads them. */
  async memoryFootprint() {
    return {
      sockets: this.ctx.getWebSockets().length,
      waiting: this.serial.waiting,
      movesHeld: this.movesHeld,
      agentsSent: this.store.sentCount(),
    };
  }

  /** The floor as it stands, with a desk for every agent on the roster. */
  async layout(): Promise<Layout> {
    return this.store.layoutFor(await rosterIds(this.env)).layout;
  }

  /**
   * Moves one piece of furniture for an admin when the floor stays usable (nothing overlaps,
   * every desk and machine stays reachable from the door), stores it and tells every client.
   * Refused as `not_found` (no such piece) or `conflict` (the floor would break).
   */
  async moveFurniture(id: string, to: Placement, actor: string): Promise<Outcome<Layout>> {
    return this.serial
      .run(async () => {
        const { layout: current } = this.store.layoutFor(await rosterIds(this.env));
        if (!current.furniture.some((item) => item.id === id)) {
          return fail('not_found', `Cannot move ${id}: no furniture ${id} in the office.`);
        }
        const layout: Layout = {
          ...current,
          furniture: current.furniture.map((item) => (item.id === id ? { ...item, ...to } : item)),
        };
        const problem = layoutProblem(layout);
        if (problem) return fail('conflict', `Cannot move ${id}: ${problem}.`);
        this.store.setLayout(layout);
        this.broadcast({ type: 'layout', layout, actor });
        return ok(layout);
      })
      .catch(refusedWhenFull);
  }

  override async alarm(): Promise<void> {
    if (this.ctx.getWebSockets().length === 0) return;
    const checkedAt = this.ctx.storage.kv.get<number>('checkedAt') ?? 0;
    if (Date.now() - checkedAt >= RECHECK_MS - RECONCILE_MS) await this.recheck();
    await this.serial.run(() => this.pushAgents());
    await this.ctx.storage.setAlarm(Date.now() + RECONCILE_MS);
  }

  /**
   * Reads the feed to its end, then re-checks every agent for the clients. Not only the ones
   * the events name: some changes publish no event (the worker switch, a schedule's hour), and
   * one query for the whole roster is cheap next to a robot that lies.
   */
  private async follow(): Promise<number> {
    let cursor = this.store.cursor();
    if (cursor === undefined) {
      // First start: history is in the snapshot, not in deltas.
      const row = await this.env.DB.prepare(
        'SELECT COALESCE(MAX(id), 0) AS id FROM domain_events',
      ).first<{ id: number }>();
      cursor = row?.id ?? 0;
    }
    let read = 0;
    let dropped = 0;
    const moves: TaskMove[] = [];
    for (;;) {
      const page = await eventsAfter(this.env, cursor, PAGE);
      read += page.length;
      for (const event of page) {
        if (event.type !== 'task.moved') continue;
        const { taskId: id, from, to, actor, at } = event;
        moves.push({ id, from, to, actor, at });
        // The newest moves are the ones worth showing; a client that missed the rest resyncs.
        if (moves.length > MAX_MOVES_HELD) {
          moves.shift();
          dropped++;
        }
      }
      cursor = page.at(-1)?.id ?? cursor;
      if (page.length < PAGE) break;
    }
    this.movesHeld = moves.length;
    // Nobody watching: the next client's snapshot will hold all of it.
    if (this.ctx.getWebSockets().length > 0) {
      // Numbers skipped for the dropped moves: every client sees a gap and asks for a snapshot.
      if (dropped > 0) this.store.skipSeq(dropped);
      await this.pushAgents();
      for (const task of moves) this.broadcast({ type: 'task', task });
    }
    this.store.setCursor(cursor);
    return read;
  }

  /** Re-reads every agent and sends each one whose view changed, and any departures. */
  private async pushAgents(): Promise<void> {
    const everyone = await officeAgents(this.env, Date.now());
    const roster = new Set(everyone.map((a) => a.id));
    const { layout, changed: layoutChanged } = this.store.layoutFor([...roster]);
    if (layoutChanged) this.broadcast({ type: 'layout', layout, actor: 'hq' });
    for (const agent of this.store.changedAgents(everyone))
      this.broadcast({ type: 'agent', agent });
    for (const agentId of this.store.departed(roster)) {
      this.broadcast({ type: 'agent.removed', agentId });
    }
  }

  /** Brings everyone else up to date first, so every client holds the same views after it. */
  private async sendSnapshot(ws: WebSocket): Promise<void> {
    const agents = await officeAgents(this.env, Date.now());
    const roster = new Set(agents.map((a) => a.id));
    const { layout, changed } = this.store.layoutFor([...roster]);
    if (changed) this.broadcast({ type: 'layout', layout, actor: 'hq' }, ws);
    for (const agent of this.store.changedAgents(agents))
      this.broadcast({ type: 'agent', agent }, ws);
    for (const agentId of this.store.departed(roster))
      this.broadcast({ type: 'agent.removed', agentId }, ws);
    this.sendTo(ws, { type: 'snapshot', agents, layout });
  }

  private broadcast(message: Outgoing, except?: WebSocket) {
    const text = this.stamp(message);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      try {
        ws.send(text);
      } catch {
        // A socket closing under us: its client reconnects and gets a snapshot.
      }
    }
  }

  private sendTo(ws: WebSocket, message: Outgoing) {
    try {
      ws.send(JSON.stringify({ ...message, seq: this.store.seq(), sentAt: Date.now() }));
    } catch {
      // See broadcast.
    }
  }

  /** Broadcasts are numbered one by one, so a client can tell when it missed one. */
  private stamp(message: Outgoing): string {
    return JSON.stringify({ ...message, seq: this.store.nextSeq(), sentAt: Date.now() });
  }
}
