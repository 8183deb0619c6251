import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mintRunToken } from '../../../worker/runners/run-token';
import { hire } from '../missions/support';
import { cancelOpenTasks, registerRunner, runnerCall, success, taskFor } from '../runners/support';
import { call, errorOf, signInAs } from '../support/client';
import { connect, rawMcp, runningTask, tool } from './support';

// HQ's MCP server as an agent's CLI meets it: the SDK's own client over streamable HTTP,
// calling the worker in-process, with the token the claim handed the runner.

const TOOLS = [
  'ask_operator',
  'get_answer',
  'get_mission',
  'get_review_comments',
  'get_task',
  'propose_mission',
  'report_progress',
];

let viewer = '';
beforeAll(async () => {
  viewer = await signInAs('viewer@test.hq');
});

describe('the claim hands the run its MCP server', () => {
  it('gives the URL and a run token; the SDK client lists the tools and reads the task', async () => {
    const { claim, taskId } = await runningTask('mcp-ada', 'Read my own task');
    expect(claim.mcp.url).toBe('http://localhost:8787/mcp');
    expect(claim.mcp.token).toMatch(/^hqm_[\w-]+\.[0-9a-f]{64}$/);
    const client = await connect(claim.mcp.url, claim.mcp.token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);

    expect(await tool(client, 'get_task')).toMatchObject({
      id: taskId,
      title: 'Read my own task',
      spec: 'Do it well.',
      expectedScope: ['src/**'],
      status: 'RUNNING',
      run: 1,
      agent: 'mcp-ada',
    });
    const mission = await tool(client, 'get_mission');
    expect(mission).toMatchObject({
      title: 'Read my own task',
      brief: 'The brief of Read my own task.',
      repository: 'acme/app',
      status: 'APPROVED',
      tasks: [{ id: taskId, title: 'Read my own task', status: 'RUNNING', yours: true }],
    });
    expect(await tool(client, 'get_review_comments')).toEqual({
      reviewComments: null,
      inlineComments: [],
    });
    await client.close();
  });

  it('report_progress puts a note on the task’s timeline and its progress; bad input is named', async () => {
    const { claim, taskId } = await runningTask('mcp-bea', 'Note my progress');
    const client = await connect(claim.mcp.url, claim.mcp.token);
    expect(
      await tool(client, 'report_progress', { note: 'Parser done, on to tests.', progress: 0.6 }),
    ).toEqual({ recorded: true, note: 'Parser done, on to tests.', progress: 0.6 });
    const response = await call(`/api/tasks/${taskId}`, { cookie: viewer });
    const task = (await response.json()) as {
      progress: number;
      events: { from: string; to: string; actor: string; reason: string }[];
    };
    expect(task.progress).toBe(0.6);
    expect(task.events.at(-1)).toMatchObject({
      from: 'RUNNING',
      to: 'RUNNING',
      actor: 'agent:mcp-bea',
      reason: 'Parser done, on to tests.',
    });
    const bad = await tool(client, 'report_progress', { note: '', progress: 2 });
    expect(bad.error).toMatch(/note/);
    expect(bad.error).toMatch(/progress/);
    await client.close();
  });
});

describe('only the run’s own token, while the run lasts', () => {
  it('refuses a missing, foreign, altered or expired token with a 401 that says why', async () => {
    const { claim, taskId, runner } = await runningTask('mcp-cy', 'Guarded');
    expect((await rawMcp(`Bearer ${claim.mcp.token}`)).status).toBe(200);

    const cases: [string | null, RegExp][] = [
      [null, /Send the run's token as Authorization: Bearer hqm_/],
      [`Bearer ${runner.token}`, /Bearer hqm_/],
      [`Bearer ${claim.mcp.token.slice(0, -2)}00`, /not signed by this HQ/],
      [`Bearer ${claim.mcp.token.replace('.', 'x.')}`, /not signed by this HQ|malformed/],
      [
        `Bearer ${await mintRunToken(env, { taskId, run: 1, runnerId: runner.id, expiresAt: Date.now() - 1 })}`,
        /expired at/,
      ],
      [
        `Bearer ${await mintRunToken(env, { taskId, run: 1, runnerId: 'other-runner', expiresAt: Date.now() + 60_000 })}`,
        /runner other-runner is revoked or gone/,
      ],
      [
        `Bearer ${await mintRunToken(env, { taskId, run: 7, runnerId: runner.id, expiresAt: Date.now() + 60_000 })}`,
        /on run 1; this token was minted for run 7/,
      ],
      [
        `Bearer ${await mintRunToken(env, { taskId: 'no-such-task', run: 1, runnerId: runner.id, expiresAt: Date.now() + 60_000 })}`,
        /task no-such-task does not exist/,
      ],
    ];
    for (const [authorization, reason] of cases) {
      const response = await rawMcp(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect((await errorOf(response)).message).toMatch(reason);
    }
  });

  it('dies with the run: once the task leaves RUNNING, its token opens nothing', async () => {
    const { claim, taskId, runner } = await runningTask('mcp-dee', 'Ends');
    const client = await connect(claim.mcp.url, claim.mcp.token);
    const report = await runnerCall(runner.token, `/api/runner/tasks/${taskId}/report`, {
      json: success(['src/a.ts']),
    });
    expect(report.status, await report.clone().text()).toBe(200);
    const after = await rawMcp(`Bearer ${claim.mcp.token}`);
    expect(after.status).toBe(401);
    expect((await errorOf(after)).message).toBe(
      `Task ${taskId} is REVIEW, not RUNNING: the run this token was minted for is over.`,
    );
    // The SDK client sees the same reason.
    await expect(tool(client, 'get_task')).rejects.toThrow(/minted for is over/);
  });

  it('answers GET and DELETE with 405 (stateless), after the token check', async () => {
    const { claim } = await runningTask('mcp-eve', 'Stateless');
    for (const method of ['GET', 'DELETE']) {
      expect((await rawMcp(null, undefined, method)).status).toBe(401);
      const response = await rawMcp(`Bearer ${claim.mcp.token}`, undefined, method);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect((await errorOf(response)).message).toMatch(/stateless/);
    }
  });
});

describe('a claim without a key to sign its token', () => {
  it('refuses with 503 naming SESSION_SECRET, before any task moves', async () => {
    await cancelOpenTasks();
    const runner = await registerRunner('mcp-no-key-runner');
    await hire({ slug: 'mcp-gil' });
    const taskId = await taskFor('mcp-gil', 'Waits for a key');
    const response = await call('/api/runner/claim', {
      method: 'POST',
      json: { waitSeconds: 0 },
      headers: { authorization: `Bearer ${runner.token}` },
      env: { SESSION_SECRET: '' },
    });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).message).toMatch(/^SESSION_SECRET is not set/);
    const task = await env.DB.prepare('SELECT status FROM tasks WHERE id = ?')
      .bind(taskId)
      .first<{ status: string }>();
    expect(task?.status).toBe('ASSIGNED');
  });
});

describe('propose_mission', () => {
  it('proposes a follow-up mission as the agent; the operator decides', async () => {
    const { claim } = await runningTask('mcp-fay', 'Finds more work');
    const client = await connect(claim.mcp.url, claim.mcp.token);
    const proposed = await tool(client, 'propose_mission', {
      title: 'Fix the flaky clock test',
      brief: 'Found while doing my task: the clock test fails at midnight.',
      repository: 'acme/app',
      tasks: [{ title: 'Pin the clock', spec: 'Use a fixed time.', expectedScope: ['test/**'] }],
    });
    expect(proposed).toMatchObject({ outcome: 'proposed', status: 'PROPOSED' });
    const row = await env.DB.prepare('SELECT proposed_by, status FROM missions WHERE id = ?')
      .bind(proposed.missionId)
      .first();
    expect(row).toEqual({ proposed_by: 'agent:mcp-fay', status: 'PROPOSED' });
    // The same work proposed again (another run found it too) is merged, not repeated.
    const again = await tool(client, 'propose_mission', {
      title: 'Fix the flaky clock test',
      brief: 'Seen again.',
      repository: 'acme/app',
      tasks: [
        { title: 'Pin the clock', spec: 'Use a fixed time.', expectedScope: ['test/**'] },
        { title: 'Run it at midnight in CI', spec: 'Add a job.', expectedScope: ['.ci/**'] },
      ],
    });
    expect(again).toMatchObject({ outcome: 'merged', missionId: proposed.missionId, tasks: 2 });
    const bad = await tool(client, 'propose_mission', { title: 'x', repository: 'acme/app' });
    expect(bad.error).toMatch(/brief/);
  });
});
