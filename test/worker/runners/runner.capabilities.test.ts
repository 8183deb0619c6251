import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../../worker/index';
import { createAgent } from '../agents/support';
import { call, errorOf } from '../support/client';
import {
  cancelOpenTasks,
  claimNow,
  declare,
  registerRunner,
  runnerCall,
  TEST_REPOSITORIES,
  taskFor,
} from './support';

const taskRow = (id: string) =>
  env.DB.prepare('SELECT status, phase FROM tasks WHERE id = ?')
    .bind(id)
    .first<{ status: string; phase: string | null }>();

const cron = () =>
  worker.scheduled(
    createScheduledController({ scheduledTime: Date.now(), cron: '*/5 * * * *' }),
    env,
  );

beforeEach(cancelOpenTasks);

describe('runners say what they can run; dispatch follows it', () => {
  it('dispatch gives a task only to a runner that can run its agent’s preset', async () => {
    await createAgent('codex-worker', { executor: { preset: 'codex' } });
    await createAgent('default-worker');
    const plain = await registerRunner('plain-runner');
    const codexRunner = await registerRunner('codex-runner');
    expect((await declare(plain.token, [{ preset: 'command', version: null }])).status).toBe(200);
    const codexTask = await taskFor('codex-worker');
    const defaultTask = await taskFor('default-worker');

    // A runner that never declared anything serves no repository: it runs nothing.
    const mute = await registerRunner('mute-runner', null);
    expect(await claimNow(mute.token)).toBeNull();
    // One that declared no preset, or only `command`, runs the agents without an executor and
    // nothing else.
    const silent = await registerRunner('silent-runner');
    expect((await claimNow(silent.token))?.task.id).toBe(defaultTask);
    expect(await claimNow(plain.token)).toBeNull();
    expect((await taskRow(codexTask))?.status).toBe('ASSIGNED');

    const declared = await declare(codexRunner.token, [
      { preset: 'codex', version: 'codex-cli 0.50.0' },
      { preset: 'command', version: null },
    ]);
    expect(await declared.json()).toEqual({
      capabilities: [
        { preset: 'codex', version: 'codex-cli 0.50.0' },
        { preset: 'command', version: null },
      ],
      repositories: TEST_REPOSITORIES,
      runnerVersion: null,
    });
    const claimed = await claimNow(codexRunner.token);
    expect(claimed?.task.id).toBe(codexTask);
    expect(claimed?.agent?.executor).toEqual({ preset: 'codex' });

    // HQ shows each runner with what it can run, and the change is audited.
    const admin = plain.admin;
    const list = (await (await call('/api/runners', { cookie: admin })).json()) as {
      runners: { name: string; capabilities: unknown; capabilitiesAt: string | null }[];
    };
    expect(list.runners.find((r) => r.name === 'codex-runner')).toMatchObject({
      capabilities: [
        { preset: 'codex', version: 'codex-cli 0.50.0' },
        { preset: 'command', version: null },
      ],
      capabilitiesAt: expect.any(String),
    });
    expect(list.runners.find((r) => r.name === 'silent-runner')?.capabilities).toEqual([]);
    expect(list.runners.find((r) => r.name === 'mute-runner')?.capabilities).toBeNull();
    const audit = (await (
      await call('/api/audit?action=runner.capabilities', { cookie: admin })
    ).json()) as { items: { actor: string; summary: { after: { preset: string }[] } }[] };
    expect(audit.items.map((i) => i.summary.after.map((c) => c.preset).join(','))).toContain(
      'codex,command',
    );
  });

  it('stores the runner’s own version; an older runner that leaves it out is shown without one', async () => {
    const { token, admin } = await registerRunner('versioned-runner');
    const said = await runnerCall(token, '/api/runner/capabilities', {
      method: 'PUT',
      json: { capabilities: [], repositories: TEST_REPOSITORIES, runnerVersion: ' 0.2.0 ' },
    });
    expect(said.status).toBe(200);
    expect(((await said.json()) as { runnerVersion: string }).runnerVersion).toBe('0.2.0');
    const listed = async () =>
      (
        (await (await call('/api/runners', { cookie: admin })).json()) as {
          runners: { name: string; runnerVersion: string | null }[];
        }
      ).runners.find((r) => r.name === 'versioned-runner')?.runnerVersion;
    expect(await listed()).toBe('0.2.0');
    const audit = (await (
      await call('/api/audit?action=runner.version', { cookie: admin })
    ).json()) as { items: { summary: { before: string | null; after: string } }[] };
    expect(audit.items[0]?.summary).toMatchObject({ before: null, after: '0.2.0' });

    // Restarted as an older runner, which does not say: HQ stores that it does not know.
    expect((await declare(token, [])).status).toBe(200);
    expect(await listed()).toBeNull();

    const empty = await runnerCall(token, '/api/runner/capabilities', {
      method: 'PUT',
      json: { capabilities: [], runnerVersion: '' },
    });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).fields?.map((f) => f.field)).toEqual(['runnerVersion']);
  });

  it('refuses a capability list naming an unknown or repeated preset', async () => {
    const { token } = await registerRunner('confused-runner');
    const unknown = await declare(token, [{ preset: 'skynet', version: '1' }]);
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).fields?.map((f) => f.field)).toEqual(['capabilities.0.preset']);
    const twice = await declare(token, [
      { preset: 'codex', version: '1' },
      { preset: 'codex', version: '2' },
    ]);
    expect(twice.status).toBe(400);
    expect((await errorOf(twice)).fields?.map((f) => f.field)).toEqual(['capabilities']);
  });

  it('a task no live runner can run says so, until one can', async () => {
    await createAgent('gemini-worker', { executor: { preset: 'gemini' } });
    const { token, id: runnerId, admin } = await registerRunner('gemini-runner');
    await declare(token, [{ preset: 'codex', version: '1' }]);
    const id = await taskFor('gemini-worker');
    expect(await taskRow(id)).toMatchObject({
      status: 'ASSIGNED',
      phase: 'waiting for a runner that can run gemini',
    });
    const viewer = await call(`/api/tasks/${id}`, { cookie: admin });
    expect(((await viewer.json()) as { phase: string }).phase).toBe(
      'waiting for a runner that can run gemini',
    );

    await declare(token, [{ preset: 'gemini', version: '0.9.0' }]);
    expect((await taskRow(id))?.phase).toBeNull();

    // The runner goes away (revoked): the next sweep says the task waits again.
    expect(
      (await call(`/api/runners/${runnerId}`, { method: 'DELETE', cookie: admin })).status,
    ).toBe(200);
    await cron();
    expect((await taskRow(id))?.phase).toBe('waiting for a runner that can run gemini');
  });

  it('a runner silent for ten minutes no longer counts as able to run its presets', async () => {
    await createAgent('aider-worker', { executor: { preset: 'aider' } });
    const { token, id: runnerId } = await registerRunner('aider-runner');
    await declare(token, [{ preset: 'aider', version: 'aider 0.86.1' }]);
    const id = await taskFor('aider-worker');
    expect((await taskRow(id))?.phase).toBeNull();
    await env.DB.prepare('UPDATE runners SET last_seen_at = ? WHERE id = ?')
      .bind(Date.now() - 11 * 60_000, runnerId)
      .run();
    await cron();
    expect((await taskRow(id))?.phase).toBe('waiting for a runner that can run aider');
  });
});
