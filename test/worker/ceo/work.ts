import { expect } from 'vitest';
import { approve, hire, plan, propose } from '../missions/support';
import { type ClaimBody, leased, registerRunner, runnerCall, success } from '../runners/support';
import { call, signInAs } from '../support/client';

// The work loop driven through its real API, for the CEO's tests: missions, runners, reports.

/** Proposes and approves a mission of `titles.length` tasks; returns their ids, in order. */
export async function approvedTasks(...titles: string[]): Promise<string[]> {
  const { mission, operator } = await propose(
    plan({
      title: `Mission of ${titles.join(', ')}`,
      tasks: titles.map((title) => ({ title, spec: 's', expectedScope: ['**'] })),
    }),
  );
  const response = await approve(mission.id, operator);
  expect(response.status, await response.clone().text()).toBe(200);
  const body = (await response.json()) as { tasks: { id: string; title: string }[] };
  return titles.map((title) => body.tasks.find((t) => t.title === title)?.id ?? '');
}

let runners = 0;

/** A registered runner that can claim, report and merge. */
export async function newRunner() {
  const { token } = await registerRunner(`ceo-runner-${++runners}`);
  return {
    token,
    /** Any runner call: the runner is seen now. */
    checkIn: async () => expect((await runnerCall(token, '/api/runner/verdicts')).status).toBe(200),
    /** Claims the oldest assigned task. */
    async claim(): Promise<string> {
      const response = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
      expect(response.status, await response.clone().text()).toBe(200);
      return ((await response.json()) as ClaimBody).task.id;
    },
    async report(taskId: string, outcome: 'success' | 'failure', costUsd = 0) {
      const body =
        outcome === 'success'
          ? success(['a.ts'], { costUsd })
          : success([], { outcome: 'failure', error: 'tests failed', costUsd });
      const response = await runnerCall(token, `/api/runner/tasks/${taskId}/report`, {
        json: body,
      });
      expect(response.status, await response.clone().text()).toBe(200);
    },
    /** Approves the review as the operator, leases it for the merge, then merges it: DONE. */
    async merge(taskId: string) {
      const operator = await signInAs('operator@test.hq');
      const reviewed = await call(`/api/tasks/${taskId}/review`, {
        method: 'POST',
        cookie: operator,
        json: { verdict: 'approve', comments: 'ok' },
      });
      expect(reviewed.status, await reviewed.clone().text()).toBe(200);
      // Only the lease holder merges: asking for verdicts leases it.
      expect((await leased(token)).map((t) => t.taskId)).toContain(taskId);
      const merged = await runnerCall(token, `/api/runner/tasks/${taskId}/merge`, {
        json: { result: 'merged', mergeCommit: 'f00dfeed1234' },
      });
      expect(merged.status, await merged.clone().text()).toBe(200);
    },
  };
}

export { hire };
