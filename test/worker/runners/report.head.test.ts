import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';
import {
  cancelOpenTasks,
  claimNow,
  headCommit,
  registerRunner,
  runnerCall,
  success,
  taskFor,
} from './support';

// A report names the head commit the runner recorded, and every path it changed, a rename as a
// deletion plus an addition, with the modes that tell a symlink, a submodule or an executable.

beforeEach(cancelOpenTasks);

async function claimedTask(slug: string) {
  await hire({ slug });
  const id = await taskFor(slug);
  const runner = await registerRunner(`${slug}-runner`);
  expect((await claimNow(runner.token))?.task.id).toBe(id);
  return { id, token: runner.token };
}

describe('a report', () => {
  it('stores the head and whether it was pushed, checks every path, and flags modes', async () => {
    const { id, token } = await claimedTask('head-reporter');
    const numstat = [
      // `legacy/util.ts` renamed to `src/util.ts`: the old path is outside the scope.
      {
        path: 'legacy/util.ts',
        added: 0,
        removed: 9,
        change: 'deleted',
        oldMode: '100644',
        newMode: '000000',
      },
      {
        path: 'src/util.ts',
        added: 9,
        removed: 0,
        change: 'added',
        oldMode: '000000',
        newMode: '100644',
      },
      { path: 'src/link', added: 1, removed: 0, change: 'added', newMode: '120000' },
      {
        path: 'src/vendor',
        added: 1,
        removed: 0,
        change: 'added',
        oldMode: '000000',
        newMode: '160000',
      },
      {
        path: 'src/run.sh',
        added: 0,
        removed: 0,
        change: 'modified',
        oldMode: '100644',
        newMode: '100755',
      },
      { path: 'src/plain.ts', added: 2, removed: 1 },
    ];
    const report = await runnerCall(token, `/api/runner/tasks/${id}/report`, {
      json: { ...success([]), numstat, headCommit: headCommit(3), pushed: true },
    });
    expect(await report.json()).toEqual({ status: 'REVIEW', scopeViolations: ['legacy/util.ts'] });

    const viewer = await signInAs('viewer@test.hq');
    const task = (await (await call(`/api/tasks/${id}`, { cookie: viewer })).json()) as Record<
      string,
      unknown
    >;
    expect(task).toMatchObject({ headCommit: headCommit(3), headPushed: true });
    expect(task.diffNumstat).toEqual(numstat);
    expect(task.diffFlags).toEqual([
      { path: 'src/link', flag: 'symlink', detail: 'symbolic link (mode 120000)' },
      { path: 'src/vendor', flag: 'submodule', detail: 'submodule (mode 160000)' },
      { path: 'src/run.sh', flag: 'mode', detail: 'mode 100644 → 100755' },
    ]);
    const row = await env.DB.prepare('SELECT head_commit, head_pushed FROM tasks WHERE id = ?')
      .bind(id)
      .first();
    expect(row).toEqual({ head_commit: headCommit(3), head_pushed: 1 });
  });

  it('is refused without a full head commit, or with a mode that is not one', async () => {
    const { id, token } = await claimedTask('headless-reporter');
    const { headCommit: _, ...headless } = success(['src/a.ts']);
    const missing = await runnerCall(token, `/api/runner/tasks/${id}/report`, { json: headless });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).fields?.map((f) => f.field)).toEqual(['headCommit']);
    const short = await runnerCall(token, `/api/runner/tasks/${id}/report`, {
      json: success(['src/a.ts'], { headCommit: 'abc1234' }),
    });
    expect((await errorOf(short)).fields?.map((f) => f.field)).toEqual(['headCommit']);
    const mode = await runnerCall(token, `/api/runner/tasks/${id}/report`, {
      json: success([], { numstat: [{ path: 'a', added: 1, removed: 0, newMode: '644' }] }),
    });
    expect((await errorOf(mode)).fields?.map((f) => f.field)).toEqual(['numstat.0.newMode']);
  });

  it('a type change into a symlink says what it was', async () => {
    const { id, token } = await claimedTask('symlink-reporter');
    const numstat = [
      {
        path: 'src/conf',
        added: 1,
        removed: 3,
        change: 'type-changed',
        oldMode: '100644',
        newMode: '120000',
      },
    ];
    await runnerCall(token, `/api/runner/tasks/${id}/report`, {
      json: success([], { numstat }),
    });
    const task = (await (
      await call(`/api/tasks/${id}`, { cookie: await signInAs('viewer@test.hq') })
    ).json()) as { diffFlags: unknown; headPushed: boolean };
    expect(task.headPushed).toBe(false);
    expect(task.diffFlags).toEqual([
      { path: 'src/conf', flag: 'symlink', detail: 'symbolic link (mode 100644 → 120000)' },
    ]);
  });
});
