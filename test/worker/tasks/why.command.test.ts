import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { noModel } from '../ceo/support';
import { hire } from '../missions/support';
import { call, signInAs } from '../support/client';
import { ask, linkChat, useTelegram } from '../telegram/support';
import { freshCompany, oneTask, setPaused } from './support';

// `/why` on Telegram and in the web chat: a task's gates by id or prefix, else the stalest
// stuck task, else that none is stuck. Viewers may ask.

let viewer: number;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  viewer = await linkChat('viewer@test.hq');
});
beforeEach(freshCompany);

describe('/why', () => {
  it('says when nothing is stuck, then names the stalest stuck task with its first failing gate and fix', async () => {
    expect(await ask(viewer, '/why')).toBe(
      'No task is stuck: every open task is moving or waits on people or a merge.',
    );
    await hire({ slug: 'why-builder' });
    const { taskId } = await oneTask({ agentHint: 'why-bulder' });
    const answer = await ask(viewer, '/why');
    expect(answer).toContain(
      `The stalest stuck task:\n${taskId.slice(0, 8)} "The one task": PENDING since `,
    );
    expect(answer).toContain(
      'Stuck at "The agent hint names an agent": The hint names "why-bulder", and no agent has that slug. Closest: why-builder.\nFix: Reassign the task',
    );
    expect(answer).toContain('✓ Its mission is approved: Mission "Ship the thing" is APPROVED.');
    expect(answer).toContain('✗ The agent hint names an agent');
  });

  it('answers one task by id or prefix; a short, unknown or ambiguous one is refused', async () => {
    await hire({ slug: 'why-ready' });
    await setPaused(true);
    const { taskId } = await oneTask({ agentHint: 'why-ready' });
    const answer = await ask(viewer, `/why ${taskId.slice(0, 6)}`);
    expect(answer).toContain('Stuck at "Work is not paused"');
    expect(answer).toContain('Fix: An admin resumes work: Settings → Workers, or /resume.');
    expect(await ask(viewer, `/why ${taskId}`)).toBe(answer);
    expect(await ask(viewer, '/why ab')).toBe(
      'Give at least the first 4 characters of the task id.',
    );
    expect(await ask(viewer, '/why zzzzzz')).toBe('No task starts with zzzzzz.');
    expect(await ask(viewer, '/why a b')).toBe('Usage: /why [task id]');
  });

  it('is the same in the web chat', async () => {
    await setPaused(true);
    await hire({ slug: 'why-web' });
    const { taskId } = await oneTask({ agentHint: 'why-web' });
    const cookie = await signInAs('viewer@test.hq');
    const response = await call('/api/chat', {
      method: 'POST',
      cookie,
      json: { key: crypto.randomUUID(), text: `/why ${taskId.slice(0, 8)}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('Stuck at \\"Work is not paused\\"');
  });
});
