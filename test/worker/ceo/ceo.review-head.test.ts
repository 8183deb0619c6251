import { env } from 'cloudflare:workers';
import { expect, it, describe as suite } from 'vitest';
import { repositoriesLine } from '../../../worker/ceo/chat/context';
import { describe } from '../../../worker/ceo/describe';
import { reviewText } from '../../../worker/ceo/views/work';
import { hire } from '../missions/support';
import {
  claimNow,
  headCommit,
  registerRunner,
  runnerCall,
  success,
  taskFor,
} from '../runners/support';

// What the CEO says (in Telegram too) of a task ready for review names the commit an approval
// merges; what it knows of the company includes the repositories runners serve.

const moved = (taskId: string, from: 'RUNNING' | 'REVIEW', reason: string | null) =>
  describe(env, {
    id: 1,
    at: new Date().toISOString(),
    type: 'task.moved',
    taskId,
    from,
    to: 'REVIEW',
    actor: 'runner:x',
    reason,
  });

suite('the CEO and a task in review', () => {
  it('announces the head commit and that approving merges it; /review lists it', async () => {
    await hire({ slug: 'ceo-head-agent' });
    const id = await taskFor('ceo-head-agent', 'Head shown');
    const { token } = await registerRunner('ceo-head-runner');
    expect((await claimNow(token))?.task.id).toBe(id);
    await runnerCall(token, `/api/runner/tasks/${id}/report`, {
      json: success(['src/a.ts'], { headCommit: headCommit(11) }),
    });
    const short = headCommit(11).slice(0, 10);
    expect((await moved(id, 'RUNNING', '1 commit(s), 0 outside scope')).text).toBe(
      `Task "Head shown" (ceo-head-agent) is ready for review at commit ${short}. Scope: clean. Approve merges ${short}.`,
    );
    expect((await moved(id, 'REVIEW', 'branch moved')).text).toBe(
      `Task "Head shown" (ceo-head-agent) needs review again at commit ${short}: branch moved. Scope: clean. Approve merges ${short}.`,
    );
    expect(await reviewText(env)).toContain(
      `"Head shown" by ceo-head-agent at ${short} (approve merges ${short})`,
    );
    expect(await repositoriesLine(env)).toBe(
      'Repositories runners serve: acme/app (1 runner), demo/storefront (1 runner).',
    );
  });
});
