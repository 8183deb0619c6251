import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfficeProbe } from '../../web/src/office/probe';
import type { OfficeServerMessage } from '../../worker/office/protocol';
import { callAs, jsonAs, pageAs } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// The office in headless Chromium (WebGL through SwiftShader) against local HQ and its demo
// company, signed in as an admin.
let session: SignedIn;

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1280, height: 720 });
  session.page.on('pageerror', (error) => console.error('page error:', error));
});

afterAll(async () => {
  await session?.close();
});

type Probe = OfficeProbe;
const probe = <T>(page: Page, read: (office: Probe) => T) =>
  page.evaluate((source) => {
    const office = window.hqOffice;
    if (!office) return null;
    return new Function('office', `return (${source})(office)`)(office);
  }, read.toString()) as Promise<T | null>;

async function openOffice(page: Page) {
  await page.getByRole('link', { name: 'Office', exact: true }).click();
  await expect
    .poll(() => page.getByTestId('office-status').innerText(), { timeout: 20_000 })
    .toBe('live');
  await expect
    .poll(() => probe(page, (o) => o.messages().some((m) => m.type === 'snapshot')))
    .toBe(true);
}

async function agents() {
  return (
    await jsonAs<{ agents: { id: string; slug: string; name: string }[] }>(session, '/api/agents')
  ).agents;
}

describe('the office in a real browser', () => {
  it('draws the floor: the canvas is not blank and holds one robot per agent', async () => {
    const { page } = session;
    await openOffice(page);
    const roster = await agents();
    expect(roster.length).toBeGreaterThan(0);
    await expect.poll(() => probe(page, (o) => o.sceneRobots())).toBe(roster.length);
    const robots = (await probe(page, (o) => o.robots())) ?? [];
    expect(robots.map((r) => r.agentId).sort()).toEqual(roster.map((a) => a.id).sort());
    // A blank or failed WebGL canvas is one colour; floor, furniture and robots are many.
    expect(await probe(page, (o) => o.distinctColours())).toBeGreaterThan(8);
    expect(await page.getByRole('list', { name: 'Robots' }).locator('li').count()).toBe(
      roster.length,
    );
  });

  it('turns a robot to WORKING at its desk when its task starts through the API, pushed over the socket', async () => {
    const { page } = session;
    const forge = (await agents()).find((a) => a.slug === 'forge');
    if (!forge) throw new Error('the demo company has no forge');
    const mission = await jsonAs<{ id: string }>(session, '/api/missions', {
      body: {
        title: 'Office browser mission',
        brief: 'Give forge work the office can see.',
        repository: 'demo/storefront',
        tasks: [
          {
            title: 'Office task',
            spec: 'Change src/app.ts.',
            expectedScope: ['src/**'],
            agentHint: 'forge',
          },
        ],
      },
    });
    await jsonAs(session, `/api/missions/${mission.id}/approve`, { body: {} });
    const runner = await jsonAs<{ token: string }>(session, '/api/runners', {
      body: { name: 'office-browser' },
    });
    const claim = await fetch(`${session.hq.url}/api/runner/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ waitSeconds: 0 }),
    });
    expect(claim.status).toBe(200);
    const pushed = (m: OfficeServerMessage) =>
      m.type === 'agent' && m.agent.id === forge.id && m.agent.presence === 'working';
    await expect
      .poll(async () => ((await probe(page, (o) => o.messages())) ?? []).some(pushed), {
        timeout: 15_000,
      })
      .toBe(true);
    await expect
      .poll(
        async () => (await probe(page, (o) => o.robots()))?.find((r) => r.agentId === forge.id),
        {
          timeout: 30_000,
        },
      )
      .toMatchObject({ behaviour: 'WORKING', atDesk: true });
  });

  it('opens a robot’s card on a click, with a link to its agent page', async () => {
    const { page } = session;
    const forge = (await agents()).find((a) => a.slug === 'forge');
    if (!forge) throw new Error('no forge');
    const at = await page.evaluate((id) => window.hqOffice?.screenOf(id), forge.id);
    if (!at) throw new Error('forge is not on screen');
    await page.mouse.click(at.x, at.y);
    const card = page.getByRole('complementary', { name: `Agent ${forge.name}` });
    await card.waitFor();
    expect(await card.innerText()).toContain('Office task');
    expect(await card.getByTestId('card-behaviour').innerText()).toContain('working');
    await card.getByRole('link', { name: /page/ }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/agents/forge');
  });

  it('shows an admin’s furniture move to every open office, and comes back after a dropped line', async () => {
    const { page } = session;
    await openOffice(page);
    const viewer = await pageAs(session, 'viewer@hq.local');
    await openOffice(viewer);
    const layout = await jsonAs<{ furniture: { id: string; x: number; z: number }[] }>(
      session,
      '/api/office/layout',
    );
    const plant = layout.furniture.find((f) => f.id === 'plant-1');
    if (!plant) throw new Error('no plant');
    const moved = await callAs(session, '/api/office/furniture/plant-1', {
      method: 'PUT',
      body: { x: plant.x, z: plant.z + 2, rotation: 0 },
    });
    expect(moved.status, await moved.clone().text()).toBe(200);
    const sawMove = (o: Probe) =>
      o.messages().some((m) => m.type === 'layout' && m.actor === 'admin@hq.local');
    await expect.poll(() => probe(viewer, sawMove)).toBe(true);
    await expect.poll(() => probe(page, sawMove)).toBe(true);
    // Viewers see no arranging controls.
    expect(await viewer.getByRole('button', { name: 'Arrange furniture' }).count()).toBe(0);

    const snapshots = (o: Probe) => o.messages().filter((m) => m.type === 'snapshot').length;
    const before = (await probe(viewer, snapshots)) ?? 0;
    await viewer.evaluate(() => window.hqOffice?.dropConnection());
    await expect.poll(() => probe(viewer, snapshots), { timeout: 20_000 }).toBe(before + 1);
    await expect.poll(() => viewer.getByTestId('office-status').innerText()).toBe('live');
    await viewer.context().close();
  });
});
