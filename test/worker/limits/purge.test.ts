import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../../worker/index';
import { call, signInAs } from '../support/client';

const count = async (sql: string, ...binds: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...binds)
      .first<{ n: number }>()
  )?.n ?? 0;

describe('the cron purge', () => {
  it('deletes expired sessions and sign-in states, and keeps live ones', async () => {
    const now = Date.now();
    const live = await signInAs('viewer@test.hq');
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO sessions (token_hash, email, provider, user_agent, created_at, expires_at)
         VALUES ('expired-session', 'viewer@test.hq', 'dev', NULL, ?, ?)`,
      ).bind(now - 8 * 86_400_000, now - 86_400_000),
      env.DB.prepare(
        `INSERT INTO oauth_states (state_hash, provider, code_verifier, nonce, expires_at)
         VALUES ('stale-state', 'github', 'v', 'n', ?), ('fresh-state', 'github', 'v', 'n', ?)`,
      ).bind(now - 60_000, now + 600_000),
    ]);
    await worker.scheduled(createScheduledController({ scheduledTime: now }), env);
    expect(
      await count("SELECT COUNT(*) AS n FROM sessions WHERE token_hash = 'expired-session'"),
    ).toBe(0);
    expect(
      await count("SELECT COUNT(*) AS n FROM oauth_states WHERE state_hash = 'stale-state'"),
    ).toBe(0);
    expect(
      await count("SELECT COUNT(*) AS n FROM oauth_states WHERE state_hash = 'fresh-state'"),
    ).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE expires_at <= ?', now)).toBe(0);
    // The live session still works.
    expect((await call('/api/me', { cookie: live })).status).toBe(200);
  });
});
