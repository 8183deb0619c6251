import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { hire, plan } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';
import { cancelOpenTasks, claimNow, declare, registerRunner, runnerCall, taskFor } from './support';

// Runners serve named repositories; they claim only those repositories' tasks, HQ lists them,
// and a task whose repository no runner serves says so.

const phaseOf = async (id: string) =>
  await env.DB.prepare('SELECT status, phase FROM tasks WHERE id = ?')
    .bind(id)
    .first<{ status: string; phase: string | null }>();

beforeEach(cancelOpenTasks);

describe('the repositories a runner serves', () => {
  it('are stored and audited with its capabilities, and refused when badly named', async () => {
    const { token, id, admin } = await registerRunner('repo-declarer', null);
    const served = [
      { name: 'acme/app', pushes: true },
      { name: 'acme/site.v2_x-y', pushes: false },
    ];
    const declared = await declare(token, [], served);
    expect(await declared.json()).toEqual({
      capabilities: [],
      repositories: served,
      runnerVersion: null,
    });
    const audit = (await (
      await call('/api/audit?action=runner.repositories', { cookie: admin })
    ).json()) as { items: { entityId: string; summary: { before: unknown; after: unknown } }[] };
    expect(audit.items.find((i) => i.entityId === id)?.summary).toMatchObject({
      before: null,
      after: served,
    });
    for (const name of ['acme/../etc', '../acme', '/acme/app', 'acme/app/', '.hidden', 'a b', '']) {
      const refused = await declare(token, [], [{ name, pushes: false }]);
      expect(refused.status, name).toBe(400);
      expect((await errorOf(refused)).fields?.map((f) => f.field)).toContain('repositories.0.name');
    }
    const twice = await declare(
      token,
      [],
      [
        { name: 'acme/app', pushes: false },
        { name: 'acme/app', pushes: true },
      ],
    );
    expect((await errorOf(twice)).fields?.map((f) => f.field)).toEqual(['repositories']);
    // Left out: the runner serves none, and says so in the answer.
    const older = await runnerCall(token, '/api/runner/capabilities', {
      method: 'PUT',
      json: { capabilities: [] },
    });
    expect(await older.json()).toEqual({
      capabilities: [],
      repositories: null,
      runnerVersion: null,
    });
  });

  it('decide what a runner claims; a task of a repository nobody serves says so', async () => {
    await hire({ slug: 'repo-worker' });
    const id = await taskFor('repo-worker', 'work on the unserved', {
      repository: 'acme/unserved',
    });
    expect(await phaseOf(id)).toEqual({
      status: 'ASSIGNED',
      phase: 'waiting: no runner serves repository acme/unserved',
    });
    const elsewhere = await registerRunner('repo-elsewhere');
    expect(await claimNow(elsewhere.token)).toBeNull();
    const none = await registerRunner('repo-none', []);
    expect(await claimNow(none.token)).toBeNull();

    const serving = await registerRunner('repo-serving', [
      { name: 'acme/unserved', pushes: false },
    ]);
    expect((await phaseOf(id))?.phase).toBeNull();
    const claimed = (await claimNow(serving.token)) as unknown as {
      task: { id: string };
      mission: { repository: string };
    };
    expect(claimed.task.id).toBe(id);
    expect(claimed.mission.repository).toBe('acme/unserved');
  });

  it('are listed for viewers with their runners, by name; revoked runners are left out', async () => {
    const alpha = await registerRunner('list-alpha', [
      { name: 'zeta/last', pushes: true },
      { name: 'beta/shared', pushes: false },
    ]);
    await registerRunner('list-beta', [{ name: 'beta/shared', pushes: true }]);
    const gone = await registerRunner('list-gone', [{ name: 'gone/repo', pushes: false }]);
    await call(`/api/runners/${gone.id}`, { method: 'DELETE', cookie: gone.admin });
    await env.DB.prepare('UPDATE runners SET last_seen_at = ? WHERE id = ?')
      .bind(Date.now() - 3 * 60_000, alpha.id)
      .run();
    const viewer = await signInAs('viewer@test.hq');
    const response = await call('/api/repositories', { cookie: viewer });
    expect(response.status).toBe(200);
    const { repositories } = (await response.json()) as {
      repositories: {
        name: string;
        runners: { name: string; online: boolean; pushes: boolean }[];
      }[];
    };
    const names = repositories.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    expect(names).not.toContain('gone/repo');
    const strip = (name: string) =>
      repositories
        .find((r) => r.name === name)
        ?.runners.map(({ name: runner, online, pushes }) => ({ runner, online, pushes }));
    expect(strip('beta/shared')).toEqual([
      { runner: 'list-alpha', online: false, pushes: false },
      { runner: 'list-beta', online: true, pushes: true },
    ]);
    expect(strip('zeta/last')).toEqual([{ runner: 'list-alpha', online: false, pushes: true }]);
  });
});

describe('a runner’s disk', () => {
  it('is stored from claims and heartbeats and shown to admins', async () => {
    await hire({ slug: 'disk-worker' });
    const id = await taskFor('disk-worker');
    const { token, admin } = await registerRunner('disk-runner');
    const runnerOf = async () =>
      (
        (await (await call('/api/runners', { cookie: admin })).json()) as {
          runners: {
            name: string;
            disk: { freeBytes: number; clones: number; at: string } | null;
          }[];
        }
      ).runners.find((r) => r.name === 'disk-runner');
    expect((await runnerOf())?.disk).toBeNull();
    const claimed = await claimNow(token, { disk: { freeBytes: 5_000_000_000, clones: 2 } });
    expect(claimed?.task.id).toBe(id);
    expect((await runnerOf())?.disk).toMatchObject({ freeBytes: 5_000_000_000, clones: 2 });
    const beat = await runnerCall(token, `/api/runner/tasks/${id}/heartbeat`, {
      json: { phase: 'coding', disk: { freeBytes: 4_000_000_000, clones: 3 } },
    });
    expect(beat.status).toBe(200);
    expect((await runnerOf())?.disk).toMatchObject({
      freeBytes: 4_000_000_000,
      clones: 3,
      at: expect.any(String),
    });
    // A refused beat (the task is no longer held) writes nothing, its disk included.
    await env.DB.prepare("UPDATE tasks SET status = 'CANCELLED' WHERE id = ?").bind(id).run();
    const refused = await runnerCall(token, `/api/runner/tasks/${id}/heartbeat`, {
      json: { disk: { freeBytes: 1, clones: 9 } },
    });
    expect(refused.status).toBe(409);
    expect((await runnerOf())?.disk).toMatchObject({ freeBytes: 4_000_000_000, clones: 3 });
    const bad = await runnerCall(token, '/api/runner/claim', {
      json: { waitSeconds: 0, disk: { freeBytes: -1, clones: 0 } },
    });
    expect((await errorOf(bad)).fields?.map((f) => f.field)).toEqual(['disk.freeBytes']);
  });
});

describe('a mission’s repository', () => {
  it('must be a repository name, though no runner need serve it yet', async () => {
    const operator = await signInAs('operator@test.hq');
    for (const repository of ['acme/../secrets', 'acme/app/', 'a repo']) {
      const refused = await call('/api/missions', {
        method: 'POST',
        cookie: operator,
        json: plan({ repository }),
      });
      expect(refused.status, repository).toBe(400);
      expect((await errorOf(refused)).fields?.map((f) => f.field)).toEqual(['repository']);
    }
    const unserved = await call('/api/missions', {
      method: 'POST',
      cookie: operator,
      json: plan({ repository: '  nobody/serves-this  ' }),
    });
    expect(unserved.status).toBe(201);
    expect(((await unserved.json()) as { repository: string }).repository).toBe(
      'nobody/serves-this',
    );
  });
});
