import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonAs, pageAs } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// The CEO's parts of the profile and settings pages, and what viewers are not shown, against
// real `wrangler dev` started as `npm start` would be: no Telegram bot (TELEGRAM_BOT_TOKEN empty).
let session: SignedIn;

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local');
});

afterAll(async () => {
  await session?.close();
});

interface Settings {
  settings: {
    notificationRules: Record<string, { tier: string; lowSignal: boolean }>;
    ceo: Record<string, number>;
    modelEndpoint: { baseUrl: string | null };
  };
}

describe('the CEO in profile and settings', () => {
  it('says on the profile that Telegram is not set up, naming the variable', async () => {
    const { page } = session;
    await page.getByTestId('whoami').click();
    const panel = page.getByRole('region', { name: 'Telegram' });
    await expect.poll(() => panel.innerText()).toContain('Telegram is not set up');
    expect(await panel.innerText()).toContain('TELEGRAM_BOT_TOKEN');
    expect(await panel.getByRole('button', { name: 'Link a Telegram chat' }).count()).toBe(0);
    expect(await panel.innerText()).toContain('No Telegram chat is linked to you.');
  });

  it('changes a notification rule, and the change survives a reload', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const rules = page.getByRole('form', { name: 'Notification rules' });
    const tier = rules.getByRole('combobox', { name: 'Tier of task.done' });
    await expect.poll(() => tier.inputValue()).toBe('DIGEST');
    await tier.selectOption('IMMEDIATE');
    await rules.getByRole('checkbox', { name: 'task.done is low signal' }).uncheck();
    await rules.getByRole('button', { name: 'Save notification rules' }).click();
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toBe('Saved the notification rules.');

    await page.reload();
    await expect.poll(() => tier.inputValue()).toBe('IMMEDIATE');
    expect(await rules.getByRole('checkbox', { name: 'task.done is low signal' }).isChecked()).toBe(
      false,
    );
    const saved = await jsonAs<Settings>(session, '/api/settings');
    expect(saved.settings.notificationRules['task.done']).toEqual({
      tier: 'IMMEDIATE',
      lowSignal: false,
    });
    // The whole table is sent, so the other kinds keep their own rules.
    expect(saved.settings.notificationRules['mission.proposed']?.tier).toBe('IMMEDIATE');
    expect(saved.settings.notificationRules['task.queued']?.tier).toBe('SILENT');
  });

  it('saves the CEO numbers and the model endpoint', async () => {
    const { page } = session;
    const ceo = page.getByRole('form', { name: 'Voice budget, dedup and memory' });
    await ceo.locator('input[name=voiceDailyBudgetUsd]').fill('1.25');
    await ceo.getByRole('button', { name: 'Save voice budget, dedup and memory' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Saved the CEO settings.');

    const endpoint = page.getByRole('form', { name: 'Model endpoint' });
    await endpoint.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
    await endpoint.getByRole('button', { name: 'Save model endpoint' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Saved the model endpoint.');

    await page.reload();
    await expect
      .poll(() => ceo.locator('input[name=voiceDailyBudgetUsd]').inputValue())
      .toBe('1.25');
    expect(await endpoint.getByLabel('Base URL').inputValue()).toBe('http://127.0.0.1:9/v1');
  });

  it('refuses a bad value with the field named, and keeps the form as typed', async () => {
    const { page } = session;
    const ceo = page.getByRole('form', { name: 'Voice budget, dedup and memory' });
    await ceo.locator('input[name=memoryIdleMinutes]').fill('0');
    await ceo.getByRole('button', { name: 'Save voice budget, dedup and memory' }).click();
    await expect.poll(() => page.locator('.settings > .error').innerText()).toContain('ceo');
    expect(await ceo.locator('input[name=memoryIdleMinutes]').inputValue()).toBe('0');
  });

  it('shows viewers neither the CEO panel and its scan nor its memory', async () => {
    const viewer = await pageAs(session, 'viewer@hq.local');
    await viewer.getByRole('link', { name: 'Notifications', exact: true }).click();
    await viewer.getByRole('table', { name: 'Notifications' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Run ops scan now' }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Chat', exact: true }).click();
    await viewer.getByRole('textbox', { name: 'Message to the CEO' }).waitFor();
    expect(await viewer.getByText('What the CEO remembers').count()).toBe(0);
    await viewer.context().close();
  });
});
