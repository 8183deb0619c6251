import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../../worker/openapi/schema.gen';
import { jsonAs, missionPlan } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

let session: SignedIn;
let page: SignedIn['page'];
const cspViolations: string[] = [];

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local');
  ({ page } = session);
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await session?.close();
});

describe('API tokens in Settings, used from a script', () => {
  it('creates a token shown once, uses it from Node, sees it named in the audit log, revokes it', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const panel = page.getByTestId('api-tokens-panel');
    await panel.getByLabel('New token name').fill('ci-bot');
    await panel.getByLabel('Token role').selectOption('operator');
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    await panel.getByLabel('Expires (optional)').fill(nextYear);
    await panel.getByRole('button', { name: 'Create token' }).click();
    const token = await panel.getByTestId('api-token-secret').innerText();
    expect(token).toMatch(/^hq_api_[\w-]{43}$/);
    expect(await panel.getByTestId('api-token-example').innerText()).toBe(
      `curl -H "Authorization: Bearer ${token}" ${session.hq.url}/api/tasks`,
    );
    expect(await panel.getByTestId('api-token-ci-bot').innerText()).toContain('operator');
    expect(await panel.getByTestId('api-token-state-ci-bot').innerText()).toMatch(/^until /);
    expect(await panel.getByTestId('api-token-used-ci-bot').innerText()).toBe('never');

    // A script: the bearer token and nothing else (no cookie, no Origin).
    const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const tasks = await fetch(`${session.hq.url}/api/tasks`, { headers: bearer });
    expect(tasks.status).toBe(200);
    const proposed = await fetch(`${session.hq.url}/api/missions`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify(missionPlan('From CI')),
    });
    expect(proposed.status, await proposed.clone().text()).toBe(201);
    const mission = (await proposed.json()) as { id: string; proposedBy: string };
    expect(mission.proposedBy).toBe('token:ci-bot');

    // The README's typed-client example, line for line, with this token against this HQ.
    const headers = { authorization: `Bearer ${token}` };
    const hq = createClient<paths>({ baseUrl: session.hq.url, headers });
    const { data } = await hq.GET('/api/tasks', { params: { query: { status: 'REVIEW' } } });
    expect(data?.items.every((task) => task.status === 'REVIEW')).toBe(true);
    const typed = await hq.GET('/api/missions/{id}', { params: { path: { id: mission.id } } });
    expect(typed.data?.proposedBy).toBe('token:ci-bot');
    const audit = await jsonAs<{ items: { actor: string; action: string }[] }>(
      session,
      `/api/audit?entityId=${mission.id}`,
    );
    expect(audit.items.map((i) => i.actor)).toContain('token:ci-bot');
    // Never an admin: not even a read of the admin pages' data.
    const roles = await fetch(`${session.hq.url}/api/roles`, { headers: bearer });
    expect(roles.status).toBe(403);

    // Shown once: after a reload the secret is gone, and the last use is noted.
    await page.reload();
    await expect
      .poll(() => panel.getByTestId('api-token-used-ci-bot').innerText())
      .not.toBe('never');
    expect(await page.content()).not.toContain(token);

    await panel.getByRole('button', { name: 'Revoke ci-bot' }).click();
    await expect
      .poll(() => panel.getByTestId('api-token-state-ci-bot').innerText())
      .toMatch(/^revoked/);
    const refused = await fetch(`${session.hq.url}/api/tasks`, { headers: bearer });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'was revoked',
    );
    expect(cspViolations).toEqual([]);
  });
});
