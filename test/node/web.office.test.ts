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
    const list = page.getByRole('list', { name: 'Robots' }).locator('li');
    await expect.poll(() => list.count()).toBe(roster.length);
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
    // What the runner CLI declares at start: it serves the demo repository.
    const declared = await fetch(`${session.hq.url}/api/runner/capabilities`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${runner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        capabilities: [],
        repositories: [{ name: 'demo/storefront', pushes: false }],
      }),
    });
    expect(declared.status).toBe(200);
    const claim = await fetch(`${session.hq.url}/api/runner/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ waitSeconds: 0 }),
    });
    expect(claim.status, await claim.clone().text()).toBe(200);
    // The runner's heartbeat carries the last line of the agent's output, for the card.
    const { task } = (await claim.json()) as { task: { id: string } };
    const beat = await fetch(`${session.hq.url}/api/runner/tasks/${task.id}/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lastLine: 'Editing src/app.ts' }),
    });
    expect(beat.status).toBe(200);
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
    await expect.poll(() => card.getByTestId('card-behaviour').innerText()).toContain('working');
    expect(await card.getByTestId('card-last-line').innerText()).toBe('Editing src/app.ts');
    await card.getByRole('link', { name: /page/ }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/agents/forge');
  });

  it('lets an admin arrange furniture on the floor itself', async () => {
    const { page } = session;
    await openOffice(page);
    type Layout = {
      width: number;
      depth: number;
      furniture: { id: string; x: number; z: number; rotation: number }[];
    };
    const before = await jsonAs<Layout>(session, '/api/office/layout');
    const water = before.furniture.find((f) => f.id === 'water');
    if (!water) throw new Error('no water cooler');
    // An open agent card would cover the machines on the right.
    const close = page.getByRole('button', { name: 'Close the card' });
    if (await close.count()) await close.click();
    await page.getByRole('button', { name: 'Arrange furniture' }).click();
    // The water cooler's own cell, then a free cell two to its left (its front stays free).
    const from = await page.evaluate(([x, z]) => window.hqOffice?.screenOfCell(x, z), [
      water.x,
      water.z,
    ] as const);
    const target = { x: water.x - 2, z: water.z + 2 };
    const to = await page.evaluate(([x, z]) => window.hqOffice?.screenOfCell(x, z), [
      target.x,
      target.z,
    ] as const);
    if (!from || !to) throw new Error('office not running');
    await page.mouse.click(from.x, from.y - 8);
    await page.getByText('water: click a free spot on the floor').waitFor();
    await page.mouse.click(to.x, to.y);
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Moved water.');
    const after = await jsonAs<Layout>(session, '/api/office/layout');
    expect(after.furniture.find((f) => f.id === 'water')).toMatchObject({
      ...target,
      rotation: water.rotation,
    });

    // A move the floor cannot take is refused with the reason, and nothing moves: the coffee
    // machine onto the seat in front of a desk (a robot sits there; arranging ignores robots).
    const coffee = after.furniture.find((f) => f.id === 'coffee');
    const desk = after.furniture.find((f) => f.id.startsWith('desk-'));
    if (!coffee || !desk) throw new Error('no coffee machine or desk');
    const coffeeAt = await page.evaluate(([x, z]) => window.hqOffice?.screenOfCell(x, z), [
      coffee.x,
      coffee.z,
    ] as const);
    const seat = await page.evaluate(([x, z]) => window.hqOffice?.screenOfCell(x, z), [
      desk.x,
      desk.z + 1,
    ] as const);
    if (!coffeeAt || !seat) throw new Error('office not running');
    await page.mouse.click(coffeeAt.x, coffeeAt.y - 8);
    await page.getByText('coffee: click a free spot on the floor').waitFor();
    await page.mouse.click(seat.x, seat.y);
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toContain(`Cannot move coffee: coffee stands in front of ${desk.id}`);
    expect((await jsonAs<Layout>(session, '/api/office/layout')).furniture).toEqual(
      after.furniture,
    );
    await page.getByRole('button', { name: 'Done arranging' }).click();
  });

  it('keeps three.js out of every page but the office', async () => {
    const html = await (await fetch(`${session.hq.url}/`)).text();
    const entry = /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1];
    if (!entry) throw new Error('no entry script in index.html');
    const main = await (await fetch(`${session.hq.url}${entry}`)).text();
    expect(main).not.toContain('WebGLRenderer');
    expect(main).toMatch(/OfficePage-[\w-]+\.js/);
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
