import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tempRepo, waitFor } from './hq-api';
import { endProcess } from './processes';
import { E2E_REPOSITORY, startRunnerCli } from './runner-cli';
import { fetchAsPage, type SignedIn } from './signed-in';

export interface ReviewRound {
  taskId: string;
  /** The task as the API answered when it reached REVIEW. */
  task: { status: string; headCommit: string; diffNumstat: { path: string }[] };
  /** Ends the runner and removes the repository and its clones. */
  end(): Promise<void>;
}

/**
 * One real round up to REVIEW on a signed-in local HQ (a browser test's): a temporary
 * repository whose main holds `files`, the runner CLI serving it with the stand-in `command`
 * executor running `agent` (a shell command in the clone, the prompt on its standard input),
 * and a one-task mission for Forge (scope `scope`), approved as the page's person.
 */
export async function reviewRound(
  session: Pick<SignedIn, 'hq' | 'page'>,
  options: { title: string; agent: string; files?: Record<string, string>; scope?: string[] },
): Promise<ReviewRound> {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetchAsPage(session, path, body);
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const repo = tempRepo('hq-review-round-');
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
    writeFileSync(join(repo.dir, path), text);
  }
  repo.git('add', '.');
  repo.git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base', '--allow-empty');
  const workDir = mkdtempSync(join(tmpdir(), 'hq-review-round-clones-'));
  const { token } = await call<{ token: string }>('/api/runners', { name: options.title });
  const runner = startRunnerCli({
    server: session.hq.url,
    token,
    repo: repo.dir,
    workDir,
    command: options.agent,
  });
  const end = async () => {
    await endProcess(runner.child, 'SIGKILL');
    rmSync(repo.dir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const mission = await call<{ id: string }>('/api/missions', {
      title: `${options.title} mission`,
      brief: 'A round for a browser test.',
      repository: E2E_REPOSITORY,
      tasks: [
        {
          title: options.title,
          spec: 'Change the files.',
          expectedScope: options.scope ?? ['src/**'],
          agentHint: 'forge',
        },
      ],
    });
    const approved = await call<{ tasks: { id: string }[] }>(
      `/api/missions/${mission.id}/approve`,
      {},
    );
    const taskId = approved.tasks[0]?.id ?? '';
    const task = await waitFor(
      'REVIEW',
      async () => {
        const t = await call<ReviewRound['task']>(`/api/tasks/${taskId}`);
        if (t.status === 'FAILED') throw new Error(`the round failed\n${runner.output()}`);
        return t.status === 'REVIEW' ? t : undefined;
      },
      { seconds: 120, diagnostics: () => runner.output() },
    );
    return { taskId, task, end };
  } catch (error) {
    await end();
    throw error;
  }
}
