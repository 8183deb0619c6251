import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { nameUnreadable, sealedHealth } from '../agents/reseal';
import { effectiveRole } from '../auth/roles';
import { sessionEmail } from '../auth/session';
import { sessionSecretProblem } from '../config';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { SESSION_COOKIE } from '../http/credentials';
import { encryptionKeyProblem, previousKeysProblem } from '../secrets/seal';

export interface SecretsCheck {
  status: 'ok' | 'degraded';
  message: string;
}

/** How many unreadable agents the message names; the rest are counted. */
const NAMED = 5;
const RESEAL = 'POST /api/admin/secrets/reseal, or Settings → Secrets';

/**
 * Whether every sealed secret opens with the configured keys. Health is public, so which
 * agents and servers are affected is said only to a signed-in caller; anyone else gets the
 * count and the remedy.
 */
export async function secretsCheck(c: Context<HonoEnv>): Promise<SecretsCheck> {
  if (encryptionKeyProblem(c.env) || previousKeysProblem(c.env) || !c.env.DB) {
    return { status: 'degraded', message: 'Not checked until the problems above are fixed.' };
  }
  const health = await sealedHealth(c.env);
  const count = `${health.truncated ? 'at least ' : ''}${health.unreadable.length}`;
  if (health.unreadable.length) {
    const where = (await signedIn(c))
      ? (await nameUnreadable(c.env, health.unreadable.slice(0, NAMED)))
          .map((a) => `agent ${a.slug}: MCP server ${a.servers.join(', ')}`)
          .concat(health.unreadable.length > NAMED ? ['and more'] : [])
          .join('; ')
      : 'sign in to see which agents';
    return {
      status: 'degraded',
      message: `${count} sealed value${health.unreadable.length === 1 ? '' : 's'} no key opens (${where}). Set ENCRYPTION_KEY_PREVIOUS to the old key, then run the reseal (${RESEAL}); or send new values on each agent's page.`,
    };
  }
  if (health.stale) {
    return {
      status: 'ok',
      message: `Every sealed value opens; ${health.truncated ? 'at least ' : ''}${health.stale} still need ENCRYPTION_KEY_PREVIOUS (an old key or format): run the reseal (${RESEAL}) before removing it.`,
    };
  }
  return { status: 'ok', message: 'Every sealed value opens with ENCRYPTION_KEY.' };
}

/** Whether the caller has a live session and a role, without failing when not. */
async function signedIn(c: Context<HonoEnv>): Promise<boolean> {
  if (!getCookie(c, SESSION_COOKIE) || sessionSecretProblem(c.env)) return false;
  const email = await sessionEmail(c, c.env.SESSION_SECRET);
  return Boolean(email && (await effectiveRole(database(c.env), c.env, email)));
}
