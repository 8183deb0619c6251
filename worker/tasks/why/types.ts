// The wire shape of "why is it stuck" (GET /api/tasks/{id}/why), shared with the web app.

/** wait: normal waiting on people, a schedule or a merge; fail: stuck until someone fixes it. */
export type GateState = 'pass' | 'fail' | 'wait' | 'skip';

export interface Gate {
  /** Stable: mission, paused, agent_hint, role_hint, worker_exists, agent, mission_budget, runner, heartbeat, review, merge. */
  id: string;
  label: string;
  state: GateState;
  /** The fact behind the state, with names and times. */
  fact: string;
  /** What to do, concretely (where in the app, which command); null when it passes. */
  fix: string | null;
}

export interface Why {
  taskId: string;
  title: string;
  status: string;
  /** ISO: when the task entered its current status. */
  since: string;
  /** Some gate is 'fail'. */
  stuck: boolean;
  firstFailing: Gate | null;
  /** In order; gates that do not apply to the status are left out. */
  gates: Gate[];
}
