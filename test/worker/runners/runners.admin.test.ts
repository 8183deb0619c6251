import { beforeEach, describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { call } from '../support/client';
import { cancelOpenTasks, claimNow, registerRunner, taskFor } from './support';

// What Settings → Runners reads: how to start a runner just registered, and what each runs.

beforeEach(cancelOpenTasks);

interface Listed {
  runners: { id: string; currentTasks: { id: string; title: string }[] }[];
}

describe('the runners admin API', () => {
  it('answers a registration with the command line that starts the runner against this HQ', async () => {
    const { token, startCommand } = await registerRunner('start-line');
    // The server is wherever this request reached HQ.
    expect(startCommand).toMatch(
      new RegExp(
        `^HQ_RUNNER_TOKEN=${token} npm run runner -- --server https?://[^ ]+ --repo NAME=PATH --command "your-agent-cli"$`,
      ),
    );
    expect(startCommand).not.toContain('--token ');
  });

  it('lists the tasks running on each runner, and none once they leave RUNNING', async () => {
    await hire({ slug: 'busy-worker' });
    const { id, token, admin } = await registerRunner('busy-runner');
    const idle = await registerRunner('idle-runner');
    const taskId = await taskFor('busy-worker', 'Keep the runner busy');
    expect((await claimNow(token))?.task.id).toBe(taskId);
    const list = async () =>
      ((await (await call('/api/runners', { cookie: admin })).json()) as Listed).runners;
    const runners = await list();
    expect(runners.find((r) => r.id === id)?.currentTasks).toEqual([
      { id: taskId, title: 'Keep the runner busy' },
    ]);
    expect(runners.find((r) => r.id === idle.id)?.currentTasks).toEqual([]);
    await cancelOpenTasks();
    expect((await list()).find((r) => r.id === id)?.currentTasks).toEqual([]);
  });
});
