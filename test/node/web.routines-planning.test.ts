import type { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { Routine, RoutineFire, RoutineRevision } from '../../web/src/routines/types';
import type * as Api from '../../worker/routines/schemas';
import { poll, routinePage as routineSection, watchPolicy } from '../support/routines-page';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// Planning routines on the Routines page, against real `wrangler dev` (the demo company, whose
// CEO is a LEAD agent), signed in as an operator; and the page's wire types against the API's.
let session: SignedIn;
let page: SignedIn['page'];
let violations: string[] = [];

beforeAll(async () => {
  session = await startSignedIn('operator@hq.local');
  ({ page } = session);
  violations = watchPolicy(page);
});

afterAll(async () => {
  await session?.close();
});

const routinePage = () => routineSection(page);

describe('planning routines in a real browser', () => {
  it('reads the API with the wire types the page uses (checked by tsc)', () => {
    // web/src/routines/types.ts restates the API's views for the browser bundle; tsc fails
    // here when the two drift apart.
    expectTypeOf<z.infer<typeof Api.Routine>>().toExtend<Routine>();
    expectTypeOf<z.infer<typeof Api.RoutineFire>>().toExtend<RoutineFire>();
    expectTypeOf<z.infer<typeof Api.RoutineRevision>>().toExtend<RoutineRevision>();
  });

  it('creates a planning routine for a lead agent, with no schedule, then makes it a mission routine', async () => {
    await page.getByRole('link', { name: 'Routines', exact: true }).click();
    await page.getByRole('button', { name: 'New routine' }).click();
    const form = page.getByRole('form', { name: 'New routine' });
    await form.locator('input[name=name]').fill('CEO looks for work');
    await form.locator('select[name=kind]').selectOption('planning');
    // Only agents that may plan are offered: the demo's CEO (LEAD), not its workers.
    const agents = form.locator('select[name=agent] option');
    await poll(() => agents.count()).toBeGreaterThan(1);
    expect(await form.locator('select[name=agent]').innerText()).not.toContain('forge');
    await form.locator('select[name=agent]').selectOption('ceo');
    await form.locator('input[name=repository]').fill('demo/storefront');
    expect(await form.getByTestId('cron-words').innerText()).toBe(
      'no schedule: webhook or API only',
    );
    expect(await form.locator('input[name=preApproved]').count()).toBe(0);
    await form.getByRole('button', { name: 'Create routine' }).click();
    await page.waitForURL(/\/routines\/[^/]+$/);
    await poll(() => routinePage().locator('dl.facts').innerText()).toContain(
      'reads demo/storefront at main and proposes missions',
    );
    expect(await page.getByTestId('routine-schedule').innerText()).toBe(
      'no schedule (webhook or API only)',
    );
    expect(await page.getByTestId('routine-next-run').innerText()).toBe('—');

    // Switched to a mission routine on edit: the planning agent is dropped, the template kept.
    await routinePage().getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit routine' });
    await edit.locator('select[name=kind]').selectOption('mission');
    await edit.locator('input[name="template.title"]').fill('Triage open issues');
    await edit.locator('input[name="template.repository"]').fill('demo/storefront');
    await edit.locator('textarea[name="template.brief"]').fill('Label and close stale issues.');
    await edit.getByLabel('Task 1 title').fill('Triage');
    await edit.getByLabel('Task 1 spec').fill('Label each open issue.');
    await edit.getByLabel('Task 1 scope').fill('docs/**');
    await edit.locator('input[name=reason]').fill('plan it ourselves');
    await edit.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('status').innerText()).toBe('Saved as revision 1.');
    expect(await routinePage().locator('dl.facts').innerText()).toContain(
      'proposes “Triage open issues” on demo/storefront → main, 1 task(s)',
    );
    await poll(() => page.getByTestId('routine-revision-1').innerText()).toMatch(
      /kind\s*planning\s*→\s*mission/,
    );

    // Archived after a confirmation: it leaves the list.
    await routinePage().getByRole('button', { name: 'Archive' }).click();
    await page
      .getByRole('dialog', { name: 'Confirm archive' })
      .getByRole('button', { name: 'Confirm archive' })
      .click();
    await page.waitForURL(/\/routines$/);
    await page.getByText('No routines yet.').waitFor();
    expect(await page.getByTestId('routine-CEO looks for work').count()).toBe(0);
    expect(violations).toEqual([]);
  });
});
