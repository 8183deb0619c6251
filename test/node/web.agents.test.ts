import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// Runs against the demo company that local HQ seeds (ceo, forge, pixel, lens, pulse).
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1280, height: 900 });
  ({ hq, page } = session);
});

afterAll(async () => {
  await session?.close();
});

const form = () => page.getByRole('form', { name: 'Edit agent' });

describe('agents in a real browser', () => {
  it('shows the roster with role, type, model, worker status and spend', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    const card = page.getByTestId('agent-forge');
    await card.waitFor();
    const text = await card.innerText();
    for (const part of [
      'Forge',
      'Backend engineer',
      'WORKER',
      'gpt-4.1',
      'Worker on',
      '$0.00 of $150.00 this month',
    ]) {
      expect(text).toContain(part);
    }
    expect(await page.locator('.agent-card').count()).toBe(5);
  });

  it('edits an agent and shows the new revision with its diff, identity side by side', async () => {
    await page.getByTestId('agent-forge').click();
    await form().waitFor();
    await form().locator('input[name=model]').fill('gpt-5');
    const identity = form().locator('textarea[name=identity]');
    await identity.fill(`${await identity.inputValue()}\nYou write small pull requests.`);
    await form().locator('input[name=reason]').fill('sharper model');
    await form().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Saved as revision 1.');
    const revision = page.getByTestId('revision-1');
    await expect.poll(() => revision.innerText()).toContain('sharper model');
    expect(await revision.innerText()).toMatch(/model\s*gpt-4\.1\s*→\s*gpt-5/);
    const sideBySide = revision.getByTestId('side-by-side');
    expect(await sideBySide.locator('td.added').innerText()).toBe('You write small pull requests.');
  });

  it('rolls back after a confirmation that says what will not be restored', async () => {
    await page.getByRole('button', { name: 'Roll back to revision 0' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm rollback' });
    expect(await dialog.innerText()).toContain('Will not be restored: mcpServers');
    await dialog.getByLabel('Reason').fill('back to the known good model');
    await dialog.getByRole('button', { name: 'Confirm rollback' }).click();
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toBe('Rolled back as revision 2. Not restored: mcpServers.');
    await expect.poll(() => form().locator('input[name=model]').inputValue()).toBe('gpt-4.1');
    expect(await page.getByTestId('revision-2').innerText()).toContain(
      'Rollback to revision 0: back to the known good model',
    );
  });

  it('picks an executor preset with its options; the page shows it and the revision records it', async () => {
    expect(await page.getByTestId('agent-executor').innerText()).toBe('executor runner default');
    const select = form().locator('select[name=executor]');
    await select.selectOption('codex');
    // codex has no turn limit: the form does not offer one.
    expect(await form().locator('input[name=maxTurns]').count()).toBe(0);
    await select.selectOption('claude-code');
    await form().locator('input[name=maxTurns]').fill('12');
    await form().locator('textarea[name=extraArgs]').fill('--verbose');
    await form().locator('input[name=reason]').fill('claude for this one');
    await form().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Saved as revision 3.');
    await expect
      .poll(() => page.getByTestId('agent-executor').innerText())
      .toBe('executor claude-code');
    const revision = page.getByTestId('revision-3');
    await expect.poll(() => revision.innerText()).toContain('claude for this one');
    expect(await revision.innerText()).toMatch(
      /executor\s*\{"preset":"claude-code","maxTurns":12,"extraArgs":\["--verbose"\]\}/,
    );
    expect(await form().locator('input[name=maxTurns]').inputValue()).toBe('12');
  });

  it('lets an admin flip the global worker switch and see provider detection in settings', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const toggle = page.getByLabel('Global worker switch (off: no task is assigned)');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Saved the worker switch.');
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByRole('row', { name: /anthropic/ }).innerText()).toContain(
      'missing ANTHROPIC_API_KEY',
    );
    await page.goto(`${hq.url}/audit`);
    await expect
      .poll(() => page.locator('table.table tbody').innerText())
      .toContain('settings.update');
  });
});
