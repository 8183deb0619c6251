import { plus, type Timing, timed } from './core-path-sample';
import type { BenchHq, Session } from './hq';

/** Every task goes to Forge: a demo worker with no executor preset and no schedule. */
const AGENT = 'forge';
const REPOSITORY = 'demo/storefront';

/** A planned task of a bench mission. */
const planned = (title: string, k: number) => ({
  title: `${title}: part ${k + 1}`,
  spec: `Change src/module-${k}.ts so that it does thing ${k}.`,
  expectedScope: [`src/module-${k}.ts`],
  agentHint: AGENT,
});

/** A registered runner that serves the demo repository (no presets: Forge needs none). */
export interface Runner {
  name: string;
  token: string;
}

/**
 * The core path's requests, each timed (worker time from Server-Timing, wall time to the end
 * of the body): an operator proposes and approves, a viewer reads, runners claim, beat, report.
 */
export class CorePath {
  private readonly url: string;
  constructor(
    readonly hq: BenchHq,
    private readonly operator: Session,
    private readonly viewer: Session,
  ) {
    this.url = hq.url;
  }

  private as(session: Session, method: string, path: string, body: unknown, expect: number) {
    return timed<{ id: string }>(
      `${this.url}${path}`,
      { method, headers: session.headers, body },
      expect,
    );
  }

  private runnerCall<T>(runner: Runner, method: string, path: string, body: unknown, expect = 200) {
    return timed<T>(
      `${this.url}${path}`,
      { method, headers: { authorization: `Bearer ${runner.token}` }, body },
      expect,
    );
  }

  /** Proposes a mission of `tasks` tasks for Forge; its id and the propose's timing. */
  async propose(title: string, tasks: number) {
    const proposed = await this.as(
      this.operator,
      'POST',
      '/api/missions',
      {
        title,
        brief: 'Measured by npm run bench (core path).',
        repository: REPOSITORY,
        tasks: Array.from({ length: tasks }, (_, k) => planned(title, k)),
      },
      201,
    );
    return { id: proposed.body.id, timing: { server: proposed.server, wall: proposed.wall } };
  }

  /** Approves a proposed mission: its tasks become PENDING and are dispatched to Forge. */
  approve(id: string): Promise<Timing> {
    return this.as(this.operator, 'POST', `/api/missions/${id}/approve`, {}, 200);
  }

  /** The timings of each half of the propose + approve pairs since the last `takeHalves`. */
  private halves = { propose: [] as Timing[], approve: [] as Timing[] };

  /** A one-task mission proposed and approved: the two requests' times added. */
  async proposeApprove(title: string): Promise<Timing> {
    const { id, timing } = await this.propose(title, 1);
    const approved = await this.approve(id);
    this.halves.propose.push(timing);
    this.halves.approve.push(approved);
    return plus(timing, approved);
  }

  /** Which half of propose + approve the time went to: the halves' times, then cleared. */
  takeHalves() {
    const taken = this.halves;
    this.halves = { propose: [], approve: [] };
    return taken;
  }

  /** The newest page of 50 tasks, as a viewer. */
  list(): Promise<Timing> {
    return this.as(this.viewer, 'GET', '/api/tasks?limit=50', undefined, 200);
  }

  /** One task, as a viewer. */
  get(id: string): Promise<Timing> {
    return this.as(this.viewer, 'GET', `/api/tasks/${id}`, undefined, 200);
  }

  /**
   * The floor under every row, no D1 at all: an unknown API path, answered 404 by the worker's
   * own router (the middleware every request runs, then the not-found handler).
   */
  noD1(): Promise<Timing> {
    return timed(`${this.url}/api/bench-floor`, { method: 'GET', headers: {} }, 404);
  }

  /**
   * The floor with one D1 round trip: a runner call with an unknown token, refused 401 by the
   * runner guard after its one batch (the first round trip of every runner request).
   */
  oneRoundTrip(): Promise<Timing> {
    return this.runnerCall(
      { name: 'unknown', token: 'hqr_bench_unknown' },
      'POST',
      '/api/runner/verdicts',
      {},
      401,
    );
  }

  /** Registers a runner (as the admin) and declares it serves the demo repository. */
  async runner(admin: Session, name: string): Promise<Runner> {
    const { token } = await admin.json<{ token: string }>('/api/runners', {
      method: 'POST',
      body: { name },
    });
    const runner = { name, token };
    await this.runnerCall(runner, 'PUT', '/api/runner/capabilities', {
      capabilities: [],
      repositories: [{ name: REPOSITORY, pushes: false }],
      runnerVersion: 'bench',
    });
    return runner;
  }

  /** Claims the oldest waiting task without waiting (there are tasks waiting); its id. */
  async claim(runner: Runner): Promise<Timing & { taskId: string }> {
    const claimed = await this.runnerCall<{ task: { id: string } } | undefined>(
      runner,
      'POST',
      '/api/runner/claim',
      { waitSeconds: 0 },
    );
    if (!claimed.body) throw new Error(`${runner.name} claimed nothing: no task was waiting`);
    return { server: claimed.server, wall: claimed.wall, taskId: claimed.body.task.id };
  }

  /** A heartbeat with progress, a last line and usage so far, as the runner sends it. */
  heartbeat(runner: Runner, taskId: string, beat: number): Promise<Timing> {
    return this.runnerCall(runner, 'POST', `/api/runner/tasks/${taskId}/heartbeat`, {
      phase: 'editing',
      progress: Math.min(1, beat / 10),
      lastLine: `bench beat ${beat}`,
      usage: { inputTokens: 1000 * beat, outputTokens: 100 * beat, costUsd: 0 },
    });
  }

  /** The run's report: success with one commit and its numstat; the task goes to REVIEW. */
  report(runner: Runner, taskId: string): Promise<Timing> {
    return this.runnerCall(runner, 'POST', `/api/runner/tasks/${taskId}/report`, {
      outcome: 'success',
      headCommit: 'abc1234def'.padEnd(40, '0'),
      commits: ['abc1234def'],
      numstat: [{ path: 'src/module-0.ts', added: 10, removed: 2 }],
      inputTokens: 5000,
      outputTokens: 800,
      costUsd: 0,
      provider: 'openai',
      model: 'gpt-4.1',
    });
  }
}
