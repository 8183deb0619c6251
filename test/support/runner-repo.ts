import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentUser } from '../../runner/agent-user';
import { Clones, type ServedRepo } from '../../runner/clones/clones';
import type { Workspace } from '../../runner/clones/workspace';
import { recordRun } from '../../runner/record';

/** A task id as HQ hands them out. */
export const TASK = '0b5e6c1a-3f7d-4c1e-9a2b-7d8e9f0a1b2c';

/** TASK in its first round: no head recorded yet, so its clone starts from main. */
export const FIRST_ROUND = {
  id: TASK,
  branch: `hq/${TASK}`,
  baseBranch: 'main',
  headCommit: null,
  headPushed: false,
};

/** What the runner records of FIRST_ROUND's run in `ws`, as it does after the agent stops. */
export function recordFirstRound(
  repo: ServedRepo,
  ws: Workspace,
  title: string,
  agentUser: AgentUser | null = null,
) {
  return recordRun({
    repo,
    clone: ws.dir,
    taskId: TASK,
    branch: FIRST_ROUND.branch,
    baseBranch: 'main',
    start: ws.start,
    title,
    agentUser,
  });
}

/**
 * A runner's repository (main with one commit) and a work folder for its clones, in one
 * temporary folder other users may enter (as the runner's would be for an agent user).
 */
export function runnerRepo(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(root, 0o755);
  const path = join(root, 'repo');
  const workDir = join(root, 'clones');
  mkdirSync(path);
  mkdirSync(workDir);
  const gitIn = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();
  const git = (...args: string[]) => gitIn(path, ...args);
  git('init', '-q', '-b', 'main');
  writeFileSync(join(path, 'README.md'), '# demo\n');
  git('add', '.');
  git('commit', '-qm', 'initial');
  const repo: ServedRepo = {
    name: 'acme/app',
    path,
    gitDir: join(path, '.git'),
    pushes: false,
  };
  return {
    root,
    repo,
    workDir,
    clones: new Clones(workDir),
    git,
    gitIn,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
