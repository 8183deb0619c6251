import type { Context } from 'hono';
import { envValue, type HonoEnv } from '../env';

/** The app's own origin: APP_ORIGIN when set (behind a proxy), else the request's. */
export function appOrigin(c: Context<HonoEnv>): string {
  return envValue(c.env, 'APP_ORIGIN') ?? new URL(c.req.url).origin;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/;

/** True when the request both targets and comes from this machine. */
export function isLoopbackRequest(c: Context<HonoEnv>): boolean {
  const client = c.req.header('cf-connecting-ip');
  const host = new URL(c.req.url).hostname;
  return client !== undefined && LOOPBACK.test(client) && LOOPBACK.test(host);
}
