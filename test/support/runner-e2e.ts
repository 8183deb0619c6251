import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { repoFolder } from '../../runner/clones/clones';
import { type HqApi, hqApi, signInDev, type TempRepo, tempRepo } from './hq-api';
import { type LocalHq, startLocalHq } from './local-hq';
import { endProcess } from './processes';
import { E2E_REPOSITORY, type RunnerCli, startRunnerCli } from './runner-cli';

/** An agent command that commits the prompt as src/feature-<task id>.txt. */
export const GOOD_AGENT =
  'mkdir -p src && cat > src/feature-$HQ_TASK_ID.txt && git add src && git -c user.name=agent -c user.email=a@a commit -qm "$HQ_TASK_TITLE"';

/**
 * One local HQ (wrangler dev), signed in as an admin, and one temporary repository (served
 * and named in missions as E2E_REPOSITORY) with a work folder for its clones, for a runner
 * end-to-end test file. Registers the file's hooks: HQ starts before the tests and
 * stops after them, and any runner a test started is ended after that test, so a runner a
 * failed test left going never claims the next test's task.
 */
export function useRunnerE2e() {
  let hq: LocalHq | undefined;
  let session: HqApi | undefined;
  let cookie = '';
  let repository: TempRepo | undefined;
  let workDir = '';
  const runners: ChildProcess[] = [];

  beforeAll(async () => {
    hq = await startLocalHq();
    cookie = await signInDev(hq, 'admin@hq.local');
    session = hqApi(hq, cookie);
    repository = tempRepo('hq-repo-');
    workDir = mkdtempSync(join(tmpdir(), 'hq-e2e-clones-'));
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((child) => endProcess(child, 'SIGKILL')));
  });
  afterAll(async () => {
    await Promise.all(runners.splice(0).map((child) => endProcess(child, 'SIGKILL')));
    await hq?.stop();
    if (repository) rmSync(repository.dir, { recursive: true, force: true });
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const ready = () => {
    if (!hq || !session || !repository) throw new Error('HQ is not started yet');
    return { hq, session, repository };
  };
  /** Admin API calls against the local HQ. */
  const api: HqApi = <T>(path: string, body?: unknown, method?: string) =>
    ready().session<T>(path, body, method);
  const git = (...args: string[]) => ready().repository.git(...args);
  /** A GET whose answer is not JSON (a patch): the response as it came. */
  const fetchAs = (path: string) => fetch(`${ready().hq.url}${path}`, { headers: { cookie } });

  /**
   * The runner CLI on this HQ and repository (or `at` another checkout of it, as a second
   * machine would have), ended after the test whatever happens.
   */
  function startRunner(
    token: string,
    command: string,
    extraArgs: string[] = [],
    extraEnv: Record<string, string> = {},
    at: { repo: string; workDir: string } = { repo: ready().repository.dir, workDir },
  ): RunnerCli {
    const runner = startRunnerCli({
      server: ready().hq.url,
      token,
      repo: at.repo,
      workDir: at.workDir,
      command,
      extraArgs,
      extraEnv,
    });
    runners.push(runner.child);
    return runner;
  }

  /** A one-task mission for Forge (no executor of its own), approved: the task's id. */
  async function taskAfterApproval(title: string, scope = ['src/**']): Promise<string> {
    const mission = await api<{ id: string }>('/api/missions', {
      title,
      brief: 'e2e',
      repository: E2E_REPOSITORY,
      tasks: [
        { title, spec: 'Create a file under src/', expectedScope: scope, agentHint: 'forge' },
      ],
    });
    const approved = await api<{ tasks: { id: string }[] }>(
      `/api/missions/${mission.id}/approve`,
      {},
    );
    return approved.tasks[0]?.id ?? '';
  }

  const status = async (id: string) => (await api<{ status: string }>(`/api/tasks/${id}`)).status;

  /** The temporary repository the runners work on. */
  const repoDir = () => ready().repository.dir;

  /** Whether a runner has a clone for this task now (each run has one, gone afterwards). */
  const hasClone = (taskId: string) =>
    existsSync(join(workDir, repoFolder(E2E_REPOSITORY), taskId));

  /** The folder the runners' clones go to (`--work-dir`). */
  const cloneRoot = () => workDir;

  return {
    api,
    fetchAs,
    git,
    repoDir,
    cloneRoot,
    hasClone,
    startRunner,
    taskAfterApproval,
    status,
  };
}
