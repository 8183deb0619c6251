import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { unseal } from '../../../worker/secrets/seal';
import { call, errorOf, signInAs } from '../support/client';
import {
  createSealedUnder,
  historyText,
  newKey,
  readAgent,
  reseal,
  sealedOf,
} from './secrets.support';

const TOKEN = 'ghp_ROTATION-SECRET-91c4e2';
const servers = { github: { command: 'github-mcp', env: { GITHUB_TOKEN: TOKEN } } };

describe('ENCRYPTION_KEY rotation', () => {
  it('opens values sealed before key ids existed (v1) and re-seals them with one', async () => {
    await createLegacyAgent('legacy');
    const read = await readAgent('legacy');
    expect(read.unreadableSecrets).toEqual([]);
    const health = await call('/api/health');
    const { checks } = (await health.json()) as {
      checks: { secrets: { status: string; message: string } };
    };
    expect(checks.secrets).toMatchObject({ status: 'ok' });
    expect(checks.secrets.message).toContain('1 still need ENCRYPTION_KEY_PREVIOUS');
    await reseal();
    const sealed = await sealedOf('legacy');
    expect(sealed.startsWith('v2.')).toBe(true);
    expect(await unseal(env, sealed)).toEqual(servers);
  });

  it('reads with ENCRYPTION_KEY_PREVIOUS, re-seals under the new key, and audits counts only', async () => {
    const [oldKey, newKeyValue, otherOldKey] = [newKey(), newKey(), newKey()];
    await createSealedUnder(oldKey, 'rotating', servers);
    const sealedBefore = await sealedOf('rotating');

    // The key changed and nobody kept the old one: the agent is readable, its secret is not.
    const lost = await readAgent('rotating', { ENCRYPTION_KEY: newKeyValue });
    expect(lost.unreadableSecrets).toEqual(['mcpServers.github.env.GITHUB_TOKEN']);

    // With the old key among the previous ones (in any position), it reads again.
    const rotated = {
      ENCRYPTION_KEY: newKeyValue,
      ENCRYPTION_KEY_PREVIOUS: `${otherOldKey}, ${oldKey}`,
    };
    const read = await readAgent('rotating', rotated);
    expect(read.unreadableSecrets).toEqual([]);
    expect(read.mcpServers.github?.env).toEqual({ GITHUB_TOKEN: '[REDACTED]' });

    const report = await reseal(rotated);
    expect(report.resealed).toBeGreaterThanOrEqual(1);
    expect(report.unreadableAgents.map((a) => a.slug)).not.toContain('rotating');
    const sealedAfter = await sealedOf('rotating');
    expect(sealedAfter).not.toBe(sealedBefore);
    // The same secret, now opened by the new key alone.
    const opened = await unseal<typeof servers>(
      { ...env, ENCRYPTION_KEY: newKeyValue } as Env,
      sealedAfter,
    );
    expect(opened).toEqual(servers);
    expect(
      (await readAgent('rotating', { ENCRYPTION_KEY: newKeyValue })).unreadableSecrets,
    ).toEqual([]);

    // Idempotent: a second run re-seals nothing and leaves the value as it is.
    const again = await reseal({ ENCRYPTION_KEY: newKeyValue });
    expect(again.resealed).toBe(0);
    expect(again.alreadyCurrent).toBeGreaterThanOrEqual(1);
    expect(await sealedOf('rotating')).toBe(sealedAfter);

    const audit = await env.DB.prepare(
      "SELECT actor, entity_type, summary FROM audit_log WHERE action = 'secrets.reseal' ORDER BY id",
    ).all<{ actor: string; entity_type: string; summary: string }>();
    // This run's two entries (an earlier test in the file re-sealed too).
    const [first, second] = audit.results.slice(-2).map((row) => ({
      ...row,
      summary: JSON.parse(row.summary) as Record<string, unknown>,
    }));
    expect(first).toMatchObject({
      actor: 'admin@test.hq',
      entity_type: 'secrets',
      summary: {
        resealed: report.resealed,
        alreadyCurrent: report.alreadyCurrent,
        unreadable: report.unreadable,
      },
    });
    expect(second?.summary).toMatchObject({ resealed: 0 });
    const history = await historyText();
    for (const secret of [TOKEN, oldKey, newKeyValue, otherOldKey]) {
      expect(history).not.toContain(secret);
    }
  });

  it('refuses a malformed ENCRYPTION_KEY_PREVIOUS, naming it and never echoing it', async () => {
    await createSealedUnder(env.ENCRYPTION_KEY, 'strict', servers);
    const admin = await signInAs('admin@test.hq');
    for (const malformed of ['not-a-key', `${newKey()},c2hvcnQ=`]) {
      const keys = { ENCRYPTION_KEY_PREVIOUS: malformed };
      const health = await call('/api/health', { env: keys });
      const body = (await health.json()) as { ok: boolean; problems: string[] };
      expect(body.ok).toBe(false);
      expect(body.problems).toEqual([expect.stringContaining('ENCRYPTION_KEY_PREVIOUS: key')]);
      expect(JSON.stringify(body)).not.toContain(malformed.split(',').at(-1));
      for (const [path, method] of [
        ['/api/agents', 'GET'],
        ['/api/admin/secrets/reseal', 'POST'],
      ] as const) {
        const response = await call(path, { method, cookie: admin, env: keys });
        expect(response.status).toBe(503);
        const error = await errorOf(response);
        expect(error).toMatchObject({ code: 'misconfigured' });
        expect(error.message).toContain('ENCRYPTION_KEY_PREVIOUS');
      }
    }
  });

  it('lets only admins re-seal', async () => {
    expect((await call('/api/admin/secrets/reseal', { method: 'POST' })).status).toBe(401);
    for (const email of ['viewer@test.hq', 'operator@test.hq']) {
      const response = await call('/api/admin/secrets/reseal', {
        method: 'POST',
        cookie: await signInAs(email),
      });
      expect(response.status).toBe(403);
    }
  });
});

/** An agent whose servers are stored in the v1 format (no key id), as before rotation. */
async function createLegacyAgent(slug: string) {
  await createSealedUnder(env.ENCRYPTION_KEY, slug, {});
  const bytes = Uint8Array.from(atob(env.ENCRYPTION_KEY), (ch) => ch.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(servers));
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain));
  const b64 = (data: Uint8Array) => btoa(String.fromCharCode(...data));
  await env.DB.prepare('UPDATE agents SET mcp_servers_sealed = ? WHERE slug = ?')
    .bind(`v1.${b64(iv)}.${b64(cipher)}`, slug)
    .run();
}
