import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CandidateRow } from '../../../worker/runners/candidates';
import { rememberedNextCount, rememberNext, spokenFor } from '../../../worker/runners/claim-ahead';
import { createAgent, patch } from '../agents/support';
import { countingDb } from '../missions/counting-db';
import { call } from '../support/client';
import { type Claimed, cancelOpenTasks, registerRunner, taskFor } from './support';

// A runner's next claim sends the take of the task after its last one in the same batch as its
// read (worker/runners/claim-ahead.ts): one round trip. These pin that the guard, not the
// isolate's memory, decides: a task no longer the oldest, taken by another runner, or whose
// agent's secrets changed is not taken that way, and a revoked runner takes nothing.

beforeEach(cancelOpenTasks);

/** The created_at the next queued task gets: each later than the one before, in every test. */
let created = 1_000;

/** `n` one-task missions for `agent`, ASSIGNED, oldest first (created_at set apart). */
async function queue(agent: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await taskFor(agent, `${agent} ${i}`));
  for (const id of ids) {
    await env.DB.prepare('UPDATE tasks SET created_at = ? WHERE id = ?').bind(created++, id).run();
  }
  const statuses = await env.DB.prepare(
    'SELECT status FROM tasks WHERE id IN (SELECT value FROM json_each(?))',
  )
    .bind(JSON.stringify(ids))
    .all<{ status: string }>();
  expect(statuses.results.map((r) => r.status)).toEqual(ids.map(() => 'ASSIGNED'));
  return ids;
}

/** A claim that does not wait, over `db` (default: the real binding); its task's id or null. */
async function claim(token: string, db?: D1Database) {
  const response = await call('/api/runner/claim', {
    method: 'POST',
    json: { waitSeconds: 0 },
    headers: { authorization: `Bearer ${token}` },
    ...(db ? { env: { DB: db } } : {}),
  });
  if (response.status === 204) return null;
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Claimed & { task: { runs: number; branch: string } };
}

/** Claims over a counting binding: the claimed task's id and the round trips it took. */
async function countedClaim(token: string) {
  const counting = countingDb();
  const claimed = await claim(token, counting.db);
  return { id: claimed?.task.id ?? null, trips: counting.trips(), claimed };
}

const row = (id: string) =>
  env.DB.prepare('SELECT status, runner_id, runs, branch, failure_reason FROM tasks WHERE id = ?')
    .bind(id)
    .first<Record<string, unknown>>();

const events = (id: string) =>
  env.DB.prepare(
    'SELECT from_status, to_status, reason FROM task_events WHERE task_id = ? ORDER BY id',
  )
    .bind(id)
    .all()
    .then((r) =>
      r.results.filter((e) => e.from_status === 'ASSIGNED' || e.from_status === 'RUNNING'),
    );

describe('a claim takes its runner’s next task in the read’s own batch', () => {
  it('is one round trip once the runner has claimed; the take is as a two-trip one', async () => {
    await createAgent('ahead-agent', { identity: 'First words.' });
    const [a, b, c] = await queue('ahead-agent', 3);
    const { id: runnerId, token, admin } = await registerRunner('ahead-runner');
    expect(await countedClaim(token)).toMatchObject({ id: a, trips: 2 });
    // The agent's config changed since: the answer carries today's, not what was remembered.
    expect((await patch('ahead-agent', admin, { identity: 'Second words.' })).status).toBe(200);
    const second = await countedClaim(token);
    expect(second).toMatchObject({ id: b, trips: 1 });
    expect(second.claimed?.agent?.identity).toBe('Second words.');
    expect(second.claimed?.task).toMatchObject({ status: 'RUNNING', runs: 1, branch: `hq/${b}` });
    expect(second.claimed?.mission).toMatchObject({ title: 'ahead-agent 1' });
    expect(await row(b ?? '')).toMatchObject({ status: 'RUNNING', runner_id: runnerId, runs: 1 });
    expect(await events(b ?? '')).toEqual([
      { from_status: 'ASSIGNED', to_status: 'RUNNING', reason: 'claimed' },
    ]);
    expect(await countedClaim(token)).toMatchObject({ id: c, trips: 1 });
    // Nothing left: the read finds none, the memory is dropped, 204.
    expect(await countedClaim(token)).toMatchObject({ id: null, trips: 1 });
  });

  it('takes the oldest task when one older than the remembered one appears', async () => {
    await createAgent('older-agent');
    const [a, b, c] = await queue('older-agent', 3);
    const { token } = await registerRunner('older-runner');
    expect((await claim(token))?.task.id).toBe(a);
    await env.DB.prepare('UPDATE tasks SET created_at = 1 WHERE id = ?').bind(c).run();
    expect(await countedClaim(token)).toMatchObject({ id: c, trips: 2 });
    expect(await row(b ?? '')).toMatchObject({ status: 'ASSIGNED', runs: 0 });
    expect(await events(b ?? '')).toEqual([]);
  });

  it('takes the next when another runner took the remembered task, which the lost take leaves alone', async () => {
    await createAgent('raced-agent');
    const [a, b, c] = await queue('raced-agent', 3);
    const first = await registerRunner('raced-runner-1');
    const second = await registerRunner('raced-runner-2');
    expect((await claim(first.token))?.task.id).toBe(a);
    // The second runner's claim went to another isolate, which remembers nothing of the first's.
    await env.DB.prepare(
      "UPDATE tasks SET status = 'RUNNING', runner_id = ?, runs = 1 WHERE id = ?",
    )
      .bind(second.id, b)
      .run();
    expect(await countedClaim(first.token)).toMatchObject({ id: c, trips: 2 });
    expect(await row(b ?? '')).toMatchObject({ status: 'RUNNING', runner_id: second.id, runs: 1 });
    expect(await events(b ?? '')).toEqual([]);
  });

  it('a runner revoked since its last claim is refused 401 and takes nothing', async () => {
    await createAgent('revoked-agent');
    const [a, b] = await queue('revoked-agent', 2);
    const { id, token, admin } = await registerRunner('revoked-runner');
    expect((await claim(token))?.task.id).toBe(a);
    await call(`/api/runners/${id}`, { method: 'DELETE', cookie: admin });
    const refused = await call('/api/runner/claim', {
      method: 'POST',
      json: { waitSeconds: 0 },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(401);
    expect(await row(b ?? '')).toMatchObject({ status: 'ASSIGNED', runner_id: null, runs: 0 });
  });

  it('an agent whose secrets stopped opening since is not taken ahead: its task fails with the reason', async () => {
    const { agent } = await createAgent('sealed-agent', {
      mcpServers: { github: { command: 'github-mcp', env: { GITHUB_TOKEN: 'ghp_x' } } },
    });
    const [a, b, c] = await queue('sealed-agent', 3);
    const { token } = await registerRunner('sealed-runner');
    expect((await claim(token))?.task.id).toBe(a);
    // Remembered with its secrets as they were; now sealed under a key HQ does not have.
    await env.DB.prepare('UPDATE agents SET mcp_servers_sealed = ? WHERE id = ?')
      .bind('v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', agent.id)
      .run();
    expect(await countedClaim(token)).toMatchObject({ id: null });
    for (const id of [b, c]) {
      expect(await row(id ?? '')).toMatchObject({
        status: 'FAILED',
        failure_reason: expect.stringContaining('cannot be decrypted'),
      });
      expect(await events(id ?? '')).toEqual([
        { from_status: 'ASSIGNED', to_status: 'FAILED', reason: expect.any(String) },
      ]);
    }
  });

  it('a take ahead hands over the agent’s MCP servers opened; one sealed unreadably already when remembered is not taken ahead', async () => {
    const servers = { github: { command: 'github-mcp', env: { GITHUB_TOKEN: 'ghp_opened' } } };
    await createAgent('opened-agent', { mcpServers: servers });
    const { agent: locked } = await createAgent('unreadable-agent', { mcpServers: servers });
    await env.DB.prepare('UPDATE agents SET mcp_servers_sealed = ? WHERE id = ?')
      .bind('v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', locked.id)
      .run();
    const [first, second] = await queue('opened-agent', 2);
    const [unreadable] = await queue('unreadable-agent', 1);
    const [last] = await queue('opened-agent', 1);
    const { token } = await registerRunner('opened-runner');
    expect(await countedClaim(token)).toMatchObject({ id: first, trips: 2 });
    const ahead = await countedClaim(token);
    expect(ahead).toMatchObject({ id: second, trips: 1 });
    expect(ahead.claimed?.agent?.mcpServers).toEqual(servers);
    // Remembered next: the task whose agent's secrets never opened. Not taken ahead (it would
    // be claimed, then failed); failed from ASSIGNED with the reason, and the next one taken.
    expect((await claim(token))?.task.id).toBe(last);
    expect(await events(unreadable ?? '')).toEqual([
      { from_status: 'ASSIGNED', to_status: 'FAILED', reason: expect.any(String) },
    ]);
  });

  it('reads the full list when the take ahead lost and none of the few it read could be taken', async () => {
    await createAgent('few-fine');
    const { agent } = await createAgent('few-locked', {
      mcpServers: { github: { command: 'github-mcp', env: { GITHUB_TOKEN: 'ghp_x' } } },
    });
    const [first, remembered] = await queue('few-fine', 2);
    const locked = await queue('few-locked', 3);
    const { token } = await registerRunner('few-runner');
    expect((await claim(token))?.task.id).toBe(first);
    // Three tasks older than the remembered one, whose agent's secrets no longer open.
    for (const [i, id] of locked.entries()) {
      await env.DB.prepare('UPDATE tasks SET created_at = ? WHERE id = ?')
        .bind(10 + i, id)
        .run();
    }
    await env.DB.prepare('UPDATE agents SET mcp_servers_sealed = ? WHERE id = ?')
      .bind('v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', agent.id)
      .run();
    expect((await claim(token))?.task.id).toBe(remembered);
    for (const id of locked) expect(await row(id)).toMatchObject({ status: 'FAILED' });
  });

  it('runners claiming in turn do not remember the same task, and each takes its own next in one round trip', async () => {
    await createAgent('pair-agent');
    const [t0, t1, t2, t3] = await queue('pair-agent', 4);
    const a = await registerRunner('pair-runner-a');
    const b = await registerRunner('pair-runner-b');
    expect(await countedClaim(a.token)).toMatchObject({ id: t0, trips: 2 });
    // t1 is spoken for (a remembered it just now): b takes the next one and remembers t3.
    expect(await countedClaim(b.token)).toMatchObject({ id: t2, trips: 2 });
    // b first: its take ahead of t3 counts as the oldest it can run, t1 being spoken for.
    expect(await countedClaim(b.token)).toMatchObject({ id: t3, trips: 1 });
    expect(await countedClaim(a.token)).toMatchObject({ id: t1, trips: 1 });
    for (const [id, runner] of [
      [t0, a],
      [t1, a],
      [t2, b],
      [t3, b],
    ] as const) {
      expect(await row(id ?? '')).toMatchObject({
        status: 'RUNNING',
        runner_id: runner.id,
        runs: 1,
      });
    }
  });

  it('a remembered task is spoken for, for other runners only, and for 5 s only', () => {
    const task = { id: 'spoken-task', runs: 0, head_commit: null } as CandidateRow;
    rememberNext('holder-token', 'holder', [task], 1_000);
    expect(spokenFor('other-token', 1_000).has('spoken-task')).toBe(true);
    expect(spokenFor('other-token', 5_999).has('spoken-task')).toBe(true);
    expect(spokenFor('other-token', 6_000).has('spoken-task')).toBe(false);
    expect(spokenFor('holder-token', 1_000).has('spoken-task')).toBe(false);
    // Another runner remembering next leaves it out while it is spoken for.
    const later = { id: 'later-task', runs: 0, head_commit: null } as CandidateRow;
    rememberNext('other-token', 'other', [task, later], 2_000);
    expect(spokenFor('holder-token', 2_000).has('later-task')).toBe(true);
    rememberNext('holder-token', 'holder', []);
    rememberNext('other-token', 'other', []);
  });

  it('remembers at most 500 runners’ next tasks, dropping the oldest', () => {
    const next = (i: number) => ({ id: `t${i}`, runs: 0, head_commit: null }) as CandidateRow;
    for (let i = 0; i < 600; i++) rememberNext(`runner-${i}`, `r${i}`, [next(i)]);
    expect(rememberedNextCount()).toBe(500);
    for (let i = 0; i < 600; i++) rememberNext(`runner-${i}`, `r${i}`, []);
    expect(rememberedNextCount()).toBe(0);
  });
});
