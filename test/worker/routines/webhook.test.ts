import { describe, expect, it } from 'vitest';
import { call, errorOf } from '../support/client';
import {
  count,
  deliver,
  type FireBody,
  missionRoutine,
  missionsTitled,
  send,
  sign,
} from './support';

const firesOf = (id: string) =>
  count('SELECT count(*) AS n FROM routine_fires WHERE routine_id = ?', id);

const payload = JSON.stringify({ ref: 'refs/heads/main', after: 'abc123' });

describe('routines: webhook deliveries', () => {
  it('fires once for a delivery sent three times; another delivery id fires again', async () => {
    const { routine, webhookSecret } = await missionRoutine('Hooked', { concurrency: 'always' });
    const secret = webhookSecret ?? '';
    const headers = { 'x-github-delivery': 'delivery-1', 'x-github-event': 'push' };
    const first = await deliver(routine.id, secret, payload, headers);
    expect(first.status, await first.clone().text()).toBe(202);
    const { fire } = (await first.json()) as { fire: FireBody };
    expect(fire).toMatchObject({
      trigger: 'webhook',
      status: 'proposed',
      actor: 'webhook',
      mission: { title: 'Hooked' },
    });
    for (const _retry of [1, 2]) {
      const retry = await deliver(routine.id, secret, payload, headers);
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ duplicate: true, fire: { id: fire.id } });
    }
    expect(await firesOf(routine.id)).toBe(1);
    expect(await missionsTitled('Hooked')).toBe(1);
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action = 'routine.fire' AND actor = 'webhook'",
        routine.id,
      ),
    ).toBe(1);

    const second = await deliver(routine.id, secret, payload, {
      'x-github-delivery': 'delivery-2',
    });
    expect(second.status).toBe(202);
    expect(await missionsTitled('Hooked')).toBe(2);
    // No delivery header: the body's digest stands for it, so the same body is one delivery.
    const bare = JSON.stringify({ nonce: 'n-1' });
    expect((await deliver(routine.id, secret, bare)).status).toBe(202);
    expect((await deliver(routine.id, secret, bare)).status).toBe(200);
    expect(await firesOf(routine.id)).toBe(3);
  });

  it('skips a new delivery while the last mission is still open (skip_if_open)', async () => {
    const { routine, webhookSecret } = await missionRoutine('Hooked once');
    const secret = webhookSecret ?? '';
    await deliver(routine.id, secret, payload, { 'x-delivery-id': 'a' });
    const next = await deliver(routine.id, secret, payload, { 'x-delivery-id': 'b' });
    expect(next.status).toBe(202);
    expect(((await next.json()) as { fire: FireBody }).fire).toMatchObject({
      status: 'skipped',
      mission: null,
    });
    expect(await missionsTitled('Hooked once')).toBe(1);
  });

  it('refuses a missing, malformed or wrong signature with a 401 naming it, and fires nothing', async () => {
    const { routine, webhookSecret } = await missionRoutine('Guarded');
    const post = (headers: Record<string, string>) =>
      call(`/api/hooks/routines/${routine.id}`, { method: 'POST', body: payload, headers });
    const missing = await post({ 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).message).toContain('X-Hub-Signature-256 is missing');
    const malformed = await post({ 'x-hub-signature-256': 'sha1=abc' });
    expect((await errorOf(malformed)).message).toContain('malformed');
    const wrong = await post({ 'x-hub-signature-256': await sign('not-the-secret', payload) });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).message).toContain('does not match');
    const tampered = await post({
      'x-hub-signature-256': await sign(webhookSecret ?? '', `${payload} `),
    });
    expect(tampered.status).toBe(401);
    expect(await firesOf(routine.id)).toBe(0);
  });

  it('answers 404 for an unknown routine or one without a webhook, and stops old secrets', async () => {
    const { routine, webhookSecret, cookie } = await missionRoutine('Rotated');
    const unknown = await deliver('no-such-routine', webhookSecret ?? '', payload);
    expect(unknown.status).toBe(404);
    const rotated = (await (await send(`/api/routines/${routine.id}/webhook`, cookie)).json()) as {
      webhookSecret: string;
    };
    expect((await deliver(routine.id, webhookSecret ?? '', payload)).status).toBe(401);
    expect((await deliver(routine.id, rotated.webhookSecret, payload)).status).toBe(202);
    await call(`/api/routines/${routine.id}/webhook`, { method: 'DELETE', cookie });
    expect((await deliver(routine.id, rotated.webhookSecret, payload)).status).toBe(404);
  });

  it('answers a GitHub ping without firing, caps the body, and ignores a stray cookie', async () => {
    const { routine, webhookSecret, cookie } = await missionRoutine('Pinged');
    const secret = webhookSecret ?? '';
    const ping = await deliver(routine.id, secret, '{"zen":"hi"}', { 'x-github-event': 'ping' });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ ping: true, fire: null });
    const big = 'x'.repeat(1024 * 1024 + 1);
    expect((await deliver(routine.id, secret, big)).status).toBe(413);
    expect(await firesOf(routine.id)).toBe(0);
    // A browser's session cookie from another site: the signature decides, not CSRF.
    const crossSite = await call(`/api/hooks/routines/${routine.id}`, {
      method: 'POST',
      cookie,
      body: payload,
      headers: {
        origin: 'https://elsewhere.example',
        'x-hub-signature-256': await sign(secret, payload),
      },
    });
    expect(crossSite.status).toBe(202);
  });
});
