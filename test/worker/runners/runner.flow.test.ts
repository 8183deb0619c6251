import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { approve, hire, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { type ClaimBody, headCommit, leased, registerRunner, runnerCall, success } from './support';

describe('the work loop through the runner API', () => {
  it('claim, heartbeat, report with a scope check, review, merge: DONE, with events and spend', async () => {
    const { token } = await registerRunner();
    await hire({ slug: 'flow-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['src/**', 'test/*.ts'] }] }),
    );
    await approve(mission.id, operator);

    const claimed = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
    expect(claimed.status).toBe(200);
    const { task, mission: m, agent } = (await claimed.json()) as ClaimBody;
    expect(task).toMatchObject({ status: 'RUNNING', branch: `hq/${task.id}`, baseBranch: 'main' });
    expect(m.repository).toBe('acme/app');
    expect(agent?.slug).toBe('flow-agent');

    const beat = await runnerCall(token, `/api/runner/tasks/${task.id}/heartbeat`, {
      json: { phase: 'coding', progress: 0.5, logTail: 'editing src/a.ts' },
    });
    expect(beat.status).toBe(200);

    const report = await runnerCall(token, `/api/runner/tasks/${task.id}/report`, {
      json: success(['src/a.ts', 'test/a.ts', 'test/deep/b.ts', 'package.json']),
    });
    expect(await report.json()).toEqual({
      status: 'REVIEW',
      scopeViolations: ['test/deep/b.ts', 'package.json'],
    });

    // Not approved yet: nothing to merge.
    expect(await leased(token)).toEqual([]);
    const reviewed = await call(`/api/tasks/${task.id}/review`, {
      method: 'POST',
      cookie: operator,
      json: { verdict: 'approve', comments: 'ok' },
    });
    expect(await reviewed.json()).toMatchObject({
      status: 'REVIEW',
      verdict: 'approve',
      scopeViolations: ['test/deep/b.ts', 'package.json'],
    });
    expect(await leased(token)).toEqual([
      {
        taskId: task.id,
        branch: `hq/${task.id}`,
        baseBranch: 'main',
        repository: 'acme/app',
        headCommit: headCommit(),
        pushed: false,
      },
    ]);

    const merged = await runnerCall(token, `/api/runner/tasks/${task.id}/merge`, {
      json: { result: 'merged', mergeCommit: 'f00dfeed1234' },
    });
    expect(await merged.json()).toEqual({ status: 'DONE' });

    const viewer = await signInAs('viewer@test.hq');
    const detail = (await (await call(`/api/tasks/${task.id}`, { cookie: viewer })).json()) as {
      status: string;
      costUsd: number;
      events: { from: string | null; to: string }[];
    };
    expect(detail.status).toBe('DONE');
    expect(detail.costUsd).toBeCloseTo(0.42);
    expect(detail.events.map((e) => `${e.from ?? '-'}>${e.to}`)).toEqual([
      '->PENDING',
      'PENDING>ASSIGNED',
      'ASSIGNED>RUNNING',
      'RUNNING>REVIEW',
      'REVIEW>DONE',
    ]);
    const spend = await env.DB.prepare(
      'SELECT purpose, cost_usd, input_tokens FROM spend_ledger WHERE task_id = ?',
    )
      .bind(task.id)
      .all();
    expect(spend.results).toEqual([{ purpose: 'task', cost_usd: 0.42, input_tokens: 1200 }]);
  });

  it('changes requested send the task back to its agent with the comments', async () => {
    const { token } = await registerRunner('runner-2');
    await hire({ slug: 'redo-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    await approve(mission.id, operator);
    const { task } = (await (
      await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } })
    ).json()) as ClaimBody;
    await runnerCall(token, `/api/runner/tasks/${task.id}/report`, { json: success(['a.ts']) });
    const noComment = await call(`/api/tasks/${task.id}/review`, {
      method: 'POST',
      cookie: operator,
      json: { verdict: 'changes' },
    });
    expect(noComment.status).toBe(400);
    const changes = await call(`/api/tasks/${task.id}/review`, {
      method: 'POST',
      cookie: operator,
      json: { verdict: 'changes', comments: 'Add a test.' },
    });
    expect(await changes.json()).toMatchObject({
      status: 'ASSIGNED',
      reviewComments: 'Add a test.',
    });
    const again = (await (
      await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } })
    ).json()) as ClaimBody;
    expect(again.task.id).toBe(task.id);
  });

  it('refuses illegal moves with 409 naming the allowed ones', async () => {
    await hire({ slug: 'illegal-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    const { tasks } = (await (await approve(mission.id, operator)).json()) as {
      tasks: { id: string }[];
    };
    const id = tasks[0]?.id ?? '';
    const review = await call(`/api/tasks/${id}/review`, {
      method: 'POST',
      cookie: operator,
      json: { verdict: 'approve' },
    });
    expect(review.status).toBe(409);
    expect(
      (await call(`/api/tasks/${id}/cancel`, { method: 'POST', cookie: operator, json: {} }))
        .status,
    ).toBe(200);
    const twice = await call(`/api/tasks/${id}/cancel`, {
      method: 'POST',
      cookie: operator,
      json: {},
    });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('allowed: none (final state)');
  });
});

describe('agents propose missions through their runner', () => {
  it('records the agent as proposer and waits for the operator', async () => {
    const { token } = await registerRunner('proposer');
    await hire({ slug: 'idea-agent' });
    // A repository of its own: the same work already open elsewhere in this file is merged.
    const response = await runnerCall(token, '/api/runner/missions', {
      json: { ...plan({ repository: 'acme/ideas' }), agent: 'idea-agent' },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      status: 'PROPOSED',
      proposedBy: 'agent:idea-agent',
    });
    const unknown = await runnerCall(token, '/api/runner/missions', {
      json: { ...plan({ repository: 'acme/ideas' }), agent: 'nobody' },
    });
    expect(unknown.status).toBe(400);
  });
});

describe('a stopping runner gives its task back', () => {
  it('release requeues the task at once, and only its holder may release it', async () => {
    const { token } = await registerRunner('leaving');
    const other = await registerRunner('bystander');
    await hire({ slug: 'release-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    await approve(mission.id, operator);
    const { task } = (await (
      await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } })
    ).json()) as ClaimBody;
    expect(
      (await runnerCall(other.token, `/api/runner/tasks/${task.id}/release`, { json: {} })).status,
    ).toBe(409);
    const released = await runnerCall(token, `/api/runner/tasks/${task.id}/release`, {
      json: { reason: 'Ctrl-C' },
    });
    expect(await released.json()).toEqual({ status: 'PENDING' });
    const viewer = await signInAs('viewer@test.hq');
    const detail = (await (await call(`/api/tasks/${task.id}`, { cookie: viewer })).json()) as {
      status: string;
      events: { from: string | null; to: string; reason: string | null }[];
    };
    expect(detail.status).toBe('ASSIGNED');
    expect(detail.events.at(-2)).toMatchObject({
      from: 'RUNNING',
      to: 'PENDING',
      reason: 'Ctrl-C',
    });
  });
});
