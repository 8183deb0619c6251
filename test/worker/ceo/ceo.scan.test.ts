import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { approve, type MissionBody, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { fakeClock, HOUR, MINUTE, noModel, patchSettings, scanNow, setThresholds } from './support';
import { approvedTasks, hire, newRunner } from './work';

// Each trigger of the ops scan, driven by real work through the API, at its threshold from
// settings and just short of it. Every test starts with no open task.

let clock: ReturnType<typeof fakeClock>;
const to = (iso: string) => clock.advance(Date.parse(iso) - clock.now());

/** The scan's finding for one trigger, if it fired (sent now or a repeat, either way). */
const finding = async (trigger: string) =>
  (await scanNow()).findings.find((f) => f.trigger === trigger);
const fires = async (trigger: string) => (await finding(trigger)) !== undefined;
const subjectOf = async (trigger: string) => (await finding(trigger))?.subject.split(',') ?? [];

async function cancelOpenTasks() {
  const operator = await signInAs('operator@test.hq');
  for (const status of ['PENDING', 'ASSIGNED', 'RUNNING', 'REVIEW', 'CHANGES_REQUESTED']) {
    const list = await call(`/api/tasks?status=${status}&limit=200`, { cookie: operator });
    for (const task of ((await list.json()) as { items: { id: string }[] }).items) {
      const cancelled = await call(`/api/tasks/${task.id}/cancel`, {
        method: 'POST',
        cookie: operator,
        json: {},
      });
      expect(cancelled.status).toBe(200);
    }
  }
}

const workLoop = (failuresBeforeCooldown: number) =>
  patchSettings({
    workLoop: {
      heartbeatTimeoutSeconds: 300,
      maxRequeues: 3,
      failuresBeforeCooldown,
      cooldownMinutes: 30,
      maxTaskAgeHours: 48,
    },
  });

beforeAll(async () => {
  clock = fakeClock('2031-10-06T09:00:00Z');
  await noModel();
  await hire({ slug: 'sc-worker-1' }, { slug: 'sc-worker-2' });
});
beforeEach(async () => {
  clock.advance(HOUR);
  await cancelOpenTasks();
  await setThresholds({});
});
afterAll(() => vi.useRealTimers());

describe('ops scan triggers', () => {
  it('dispatch_drift: tasks assigned for dispatchDriftMinutes without a runner taking them', async () => {
    await setThresholds({ dispatchDriftMinutes: 20 });
    const [task] = await approvedTasks('Drifting task');
    clock.advance(20 * MINUTE - 1_000);
    expect(await fires('dispatch_drift')).toBe(false);
    clock.advance(1_000);
    expect(await subjectOf('dispatch_drift')).toEqual([task]);
    expect((await finding('dispatch_drift'))?.text).toContain('"Drifting task"');
  });

  it('worker_lag: work waits and no runner has checked in for workerLagMinutes', async () => {
    await setThresholds({ workerLagMinutes: 15 });
    const runner = await newRunner();
    await runner.checkIn();
    clock.advance(HOUR);
    expect(await fires('worker_lag')).toBe(false); // nothing waits
    await approvedTasks('Waiting task');
    await runner.checkIn();
    clock.advance(15 * MINUTE - 1_000);
    expect(await fires('worker_lag')).toBe(false);
    clock.advance(1_000);
    expect((await finding('worker_lag'))?.text).toContain('1 task(s) are waiting');
    await runner.checkIn();
    expect(await fires('worker_lag')).toBe(false);
  });

  it('budget_headroom: this month’s spend leaves budgetHeadroomPercent or less of the budget', async () => {
    to('2031-11-01T00:00:00Z'); // a new month: nothing spent yet
    await hire({ slug: 'sc-budgeted', monthlyBudgetUsd: 100 });
    const runner = await newRunner();
    await approvedTasks('Costly task');
    await runner.report(await runner.claim(), 'success', 85);
    await setThresholds({ budgetHeadroomPercent: 14.9 });
    expect(await fires('budget_headroom')).toBe(false);
    await setThresholds({ budgetHeadroomPercent: 15 });
    expect((await finding('budget_headroom'))?.text).toContain('$85.00 of $100.00: 15% left');
    to('2031-12-01T00:00:00Z'); // next month, a fresh budget
    expect(await fires('budget_headroom')).toBe(false);
  });

  it('review_queue: reviewQueueDepth tasks waiting for review', async () => {
    const runner = await newRunner();
    const tasks = await approvedTasks('Review me 1', 'Review me 2');
    for (let i = 0; i < tasks.length; i++) await runner.report(await runner.claim(), 'success');
    await setThresholds({ reviewQueueDepth: 3 });
    expect(await fires('review_queue')).toBe(false);
    await setThresholds({ reviewQueueDepth: 2 });
    expect((await subjectOf('review_queue')).sort()).toEqual([...tasks].sort());
  });

  it('agent_health: agentCooldowns agents cooling down after repeated failures', async () => {
    await workLoop(1);
    await hire({ slug: 'sc-fragile-1' }, { slug: 'sc-fragile-2' });
    const runner = await newRunner();
    const cooling = async () =>
      (
        await env.DB.prepare('SELECT COUNT(*) AS n FROM agents WHERE cooldown_until > ?')
          .bind(Date.now())
          .first<{ n: number }>()
      )?.n ?? 0;
    expect(await cooling()).toBe(0);
    const tasks = await approvedTasks('Fails 1', 'Fails 2');
    for (let i = 0; i < tasks.length; i++) await runner.report(await runner.claim(), 'failure');
    expect(await cooling()).toBe(2);
    await setThresholds({ agentCooldowns: 3 });
    expect(await fires('agent_health')).toBe(false);
    await setThresholds({ agentCooldowns: 2 });
    expect((await finding('agent_health'))?.text).toContain('2 agent(s) are cooling down');
    clock.advance(30 * MINUTE); // the cooldowns end
    expect(await fires('agent_health')).toBe(false);
    await workLoop(3);
  });

  it('worktree_congestion: worktreeCongestion tasks open between assignment and merge', async () => {
    const runner = await newRunner();
    await approvedTasks('Open 1', 'Open 2', 'Open 3');
    await runner.report(await runner.claim(), 'success'); // one in review, one running, one assigned
    await runner.claim();
    await setThresholds({ worktreeCongestion: 4 });
    expect(await fires('worktree_congestion')).toBe(false);
    await setThresholds({ worktreeCongestion: 3 });
    expect(await finding('worktree_congestion')).toMatchObject({ subject: 'open:3' });
  });

  it('failure_rate: failureRatePercent of the tasks finished in 24 hours failed (at least 3 finished)', async () => {
    clock.advance(25 * HOUR); // earlier tests' finished tasks are out of the window
    await setThresholds({ failureRatePercent: 50 });
    const runner = await newRunner();
    await approvedTasks('Fail A', 'Fail B', 'Pass A', 'Pass B');
    for (let i = 0; i < 2; i++) await runner.report(await runner.claim(), 'failure');
    expect(await fires('failure_rate')).toBe(false); // 2 of 2, but too few to mean anything
    for (let i = 0; i < 2; i++) {
      const id = await runner.claim();
      await runner.report(id, 'success');
      await runner.merge(id);
    }
    expect(await finding('failure_rate')).toMatchObject({ subject: 'failed:2/4' });
    await setThresholds({ failureRatePercent: 51 });
    expect(await fires('failure_rate')).toBe(false);
    await setThresholds({ failureRatePercent: 50 });
    clock.advance(24 * HOUR + 1_000);
    expect(await fires('failure_rate')).toBe(false);
  });

  it('staleness: tasks not finished stalenessHours after they were created', async () => {
    await setThresholds({ stalenessHours: 6 });
    const [task] = await approvedTasks('Old task');
    clock.advance(6 * HOUR - 1_000);
    expect(await fires('staleness')).toBe(false);
    clock.advance(1_000);
    expect(await subjectOf('staleness')).toEqual([task]);
  });

  it('stuck_tasks: tasks stuck at a gate for stuckTaskMinutes, each with its first failing gate', async () => {
    await setThresholds({ stuckTaskMinutes: 20 });
    const { mission, operator } = await propose(
      plan({
        title: 'Typo mission',
        tasks: [{ title: 'Typo task', spec: 's', expectedScope: ['**'], agentHint: 'sc-wroker-1' }],
      }),
    );
    const approved = (await (await approve(mission.id, operator)).json()) as MissionBody;
    const task = approved.tasks[0]?.id ?? '';
    clock.advance(20 * MINUTE - 1_000);
    expect(await fires('stuck_tasks')).toBe(false);
    clock.advance(1_000);
    expect(await subjectOf('stuck_tasks')).toEqual([`${task}:agent_hint`]);
    expect((await finding('stuck_tasks'))?.text).toBe(
      `1 task(s) are stuck for 20 minutes or more: "Typo task" (${task.slice(0, 8)}), stuck at "The agent hint names an agent". /why says why, with the fix.`,
    );
  });

  it('reports nothing when no trigger holds', async () => {
    const scan = await scanNow();
    expect(scan).toMatchObject({ findings: [], sent: false, reason: 'nothing_found' });
  });
});
