import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import type { OfficeServerMessage } from '../../../worker/office/protocol';
import { call, signInAs } from '../support/client';
import { isSnapshot, type OfficeClient, openOffice } from './support';

const open: OfficeClient[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

async function watch(cookie: string) {
  const client = await openOffice(cookie);
  open.push(client);
  await client.next(isSnapshot);
  return client;
}

const hub = () => env.OFFICE.getByName('office');
const isError = (m: OfficeServerMessage): m is Extract<OfficeServerMessage, { type: 'error' }> =>
  m.type === 'error';

/** Ends a session behind the app's back, as expiry or the purge would. */
async function dropSessions(email: string) {
  await env.DB.prepare('DELETE FROM sessions WHERE email = ?').bind(email).run();
}

describe('an office socket outlives no permission', () => {
  it('closes with 4401 "signed out" when its session signs out, and only that one', async () => {
    const leaving = await signInAs('viewer@test.hq');
    const gone = await watch(leaving);
    const staying = await watch(await signInAs('viewer@test.hq'));
    const out = await call('/auth/logout', { method: 'POST', cookie: leaving });
    expect(out.status).toBe(204);
    expect(await gone.closed).toEqual({ code: 4401, reason: 'signed out' });
    // The other session's socket still gets answers.
    const from = staying.messages.length;
    staying.send({ type: 'resync' });
    await staying.next(isSnapshot, from);
  });

  it('closes with 4403 "role revoked" when an admin revokes the role', async () => {
    const admin = await signInAs('admin@test.hq');
    const email = 'revoked-watcher@test.hq';
    const granted = await call(`/api/roles/${email}`, {
      method: 'PUT',
      cookie: admin,
      json: { role: 'viewer' },
    });
    expect(granted.status).toBe(200);
    const watcher = await watch(await signInAs(email));
    const revoked = await call(`/api/roles/${email}`, { method: 'DELETE', cookie: admin });
    expect(revoked.status).toBe(200);
    expect(await watcher.closed).toEqual({ code: 4403, reason: 'role revoked' });
  });

  it('re-checks on the minute alarm: a session ended elsewhere closes its socket', async () => {
    const email = 'alarm-watcher@test.hq';
    const admin = await signInAs('admin@test.hq');
    await call(`/api/roles/${email}`, { method: 'PUT', cookie: admin, json: { role: 'viewer' } });
    const watcher = await watch(await signInAs(email));
    await dropSessions(email);
    // As if the last check was a minute ago.
    await runInDurableObject(hub(), (_hub, state: DurableObjectState) =>
      state.storage.kv.delete('checkedAt'),
    );
    expect(await runDurableObjectAlarm(hub())).toBe(true);
    expect(await watcher.closed).toEqual({ code: 4401, reason: 'signed out' });
  });

  it('re-checks on a resync, and throttles resyncs to one per 5 seconds per socket', async () => {
    const viewer = await watch(await signInAs('viewer@test.hq'));
    const from = viewer.messages.length;
    viewer.send({ type: 'resync' });
    await viewer.next(isSnapshot, from);
    // A burst of resyncs: none is answered with a snapshot, each with a refusal.
    const burst = viewer.messages.length;
    for (let i = 0; i < 5; i++) viewer.send({ type: 'resync' });
    const refused = await viewer.next(isError, burst);
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
    expect(refused.retryAfterMs).toBeLessThanOrEqual(5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(viewer.messages.slice(burst).filter(isSnapshot)).toHaveLength(0);
    expect(viewer.messages.slice(burst).filter(isError)).toHaveLength(5);

    const email = 'resync-watcher@test.hq';
    const admin = await signInAs('admin@test.hq');
    await call(`/api/roles/${email}`, { method: 'PUT', cookie: admin, json: { role: 'viewer' } });
    const watcher = await watch(await signInAs(email));
    await dropSessions(email);
    watcher.send({ type: 'resync' });
    expect(await watcher.closed).toEqual({ code: 4401, reason: 'signed out' });
  });
});
