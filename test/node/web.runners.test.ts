import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, startSignedIn } from '../support/signed-in';

let session: SignedIn;
let page: SignedIn['page'];

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local');
  ({ page } = session);
});

afterAll(async () => {
  await session?.close();
});

describe('runners and the work loop in Settings, in a real browser', () => {
  it('registers a runner, shows what it declared it can run, and revokes it', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const panel = page.getByTestId('runners-panel');
    await panel.getByLabel('New runner name').fill('laptop');
    await panel.getByRole('button', { name: 'Register runner' }).click();
    const token = await panel.getByTestId('runner-token').innerText();
    expect(token).toMatch(/^hqr_/);
    // The exact command line to start it against this HQ, the token in its environment.
    expect(await panel.getByTestId('runner-start-command').innerText()).toBe(
      `HQ_RUNNER_TOKEN=${token} npm run runner -- --server ${session.hq.url} --repo NAME=PATH --command "your-agent-cli"`,
    );
    const row = panel.getByTestId('runner-laptop');
    expect(await row.innerText()).toContain('not declared yet');
    expect(await panel.getByTestId('runner-version-laptop').innerText()).toBe('not declared yet');

    // What the runner CLI sends when it starts, with the token the page showed.
    const declared = await fetch(`${session.hq.url}/api/runner/capabilities`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        capabilities: [
          { preset: 'claude-code', version: '2.1.3 (Claude Code)' },
          { preset: 'command', version: null },
        ],
        repositories: [{ name: 'acme/app', pushes: true }],
        runnerVersion: '0.1.0',
      }),
    });
    expect(declared.status).toBe(200);
    // Its disk comes with its claims (none waits for acme/app here: 204).
    const claim = await fetch(`${session.hq.url}/api/runner/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ waitSeconds: 0, disk: { freeBytes: 12_500_000_000, clones: 3 } }),
    });
    expect(claim.status).toBe(204);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('runner-laptop').innerText())
      .toContain('claude-code (2.1.3 (Claude Code)), command');
    expect(await page.getByTestId('runner-version-laptop').innerText()).toBe('0.1.0');
    expect(await page.getByTestId('runner-repositories-laptop').innerText()).toBe(
      'acme/app (pushes)',
    );
    expect(await page.getByTestId('runner-disk-laptop').innerText()).toBe('12.5 GB free, 3 clones');
    expect(await page.getByTestId('runner-running-laptop').innerText()).toBe('idle');

    await page.getByRole('button', { name: 'Revoke laptop' }).click();
    await expect.poll(() => page.getByTestId('runner-laptop').innerText()).toContain('revoked');
    const refused = await fetch(`${session.hq.url}/api/runner/capabilities`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ capabilities: [] }),
    });
    expect(refused.status).toBe(401);
  });

  it('changes the work loop, refuses a bad number naming it, and keeps the change', async () => {
    const form = page.getByRole('form', { name: 'Work loop' });
    await form.locator('input[name=heartbeatTimeoutSeconds]').fill('2');
    await form.getByRole('button', { name: 'Save work loop' }).click();
    await expect
      .poll(() => page.locator('p.error').innerText())
      .toContain('heartbeatTimeoutSeconds');
    await form.locator('input[name=heartbeatTimeoutSeconds]').fill('120');
    await form.getByRole('button', { name: 'Save work loop' }).click();
    await expect
      .poll(() => page.getByRole('status').first().innerText())
      .toBe('Saved the work loop.');
    await page.reload();
    await expect
      .poll(() =>
        page
          .getByRole('form', { name: 'Work loop' })
          .locator('input[name=heartbeatTimeoutSeconds]')
          .inputValue(),
      )
      .toBe('120');
  });
});
