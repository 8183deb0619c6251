import { DurableObject } from 'cloudflare:workers';

/**
 * What HQ's Telegram webhook does, with none of HQ's code: a worker hands each update to one
 * Durable Object (HQ's CEO is one object too), which stores it in its own SQLite storage
 * unless its key is known, and the worker answers once the object has. The bench bursts 200
 * at once at it, as at HQ's webhook, to see what the runtime itself costs on this machine.
 * `?write=0` answers from memory instead: the same call, no durable write.
 */
interface FloorEnv {
  ACKS: DurableObjectNamespace<Acks>;
}

export class Acks extends DurableObject<FloorEnv> {
  private readonly seen = new Set<string>();

  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS queue (key TEXT PRIMARY KEY, item TEXT NOT NULL, at INTEGER NOT NULL)',
    );
  }

  /** HQ's enqueue: a read for the key, then the insert; false when the key was known. */
  receive(key: string, item: string, durable: boolean): boolean {
    if (!durable) {
      const fresh = !this.seen.has(key);
      this.seen.add(key);
      return fresh;
    }
    const sql = this.ctx.storage.sql;
    if (sql.exec('SELECT 1 FROM queue WHERE key = ?', key).toArray().length) return false;
    sql.exec('INSERT INTO queue (key, item, at) VALUES (?, ?, ?)', key, item, Date.now());
    return true;
  }
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const start = performance.now();
    const url = new URL(request.url);
    let response: Response;
    if (url.pathname === '/ack' && request.method === 'POST') {
      const update = (await request.json()) as { update_id?: unknown };
      if (typeof update.update_id !== 'number') {
        response = Response.json({ error: 'update_id must be a number' }, { status: 400 });
      } else {
        const queued = await env.ACKS.get(env.ACKS.idFromName('one')).receive(
          `telegram-${update.update_id}`,
          JSON.stringify(update),
          url.searchParams.get('write') !== '0',
        );
        response = Response.json({ ok: true, queued });
      }
    } else if (url.pathname === '/health') {
      response = new Response('ok');
    } else {
      response = new Response('not found', { status: 404 });
    }
    // As HQ's own Server-Timing (worker/http/server-timing.ts): the worker's time, in ms.
    response.headers.set('server-timing', `app;dur=${(performance.now() - start).toFixed(2)}`);
    return response;
  },
};
