import { type AgentUser, handOver, makeHome } from '../agent-user';
import { git } from '../git/exec';
import { fetchTaskHead } from '../git/merge';
import type { ClonePaths, Clones, ServedRepo } from './clones';

// Where a run starts: its base branch, or, for a later round (HQ recorded a head), that head,
// from the runner's own `refs/heads/hq/<task id>` or else from the remote it was pushed to.
// Nothing is kept in clones between rounds: the runner's ref is the only memory.

export interface Workspace extends ClonePaths {
  base: string;
  start: string;
  /** HOME of an agent run as another user; null: the runner's HOME. */
  agentHome: string | null;
  /** Said on the progress line and in the run log: the round does not continue the last one. */
  note: string | null;
}

export interface WorkspaceTask {
  id: string;
  branch: string;
  baseBranch: string;
  headCommit: string | null;
  headPushed: boolean;
}

const short = (commit: string) => commit.slice(0, 10);

async function resolveCommit(repo: string, ref: string): Promise<string | null> {
  return git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => null);
}

/** The commit a round starts from, and why it is not the last round's head when it is not. */
export async function startPoint(
  repo: ServedRepo,
  task: WorkspaceTask,
  base: string,
): Promise<{ start: string; note: string | null }> {
  const reported = task.headCommit;
  if (!reported) return { start: base, note: null };
  const mine = await resolveCommit(repo.path, `refs/heads/${task.branch}`);
  if (mine === reported) return { start: reported, note: null };
  let fromRemote = '';
  if (task.headPushed && repo.pushes) {
    const head = await fetchTaskHead({
      repo: repo.path,
      taskBranch: task.branch,
      headCommit: reported,
      remote: 'origin',
    }).catch(() => ({ present: false, found: null }));
    const fetched = head.found;
    if (head.present && fetched === reported) {
      await git(repo.path, ['update-ref', `refs/heads/${task.branch}`, reported]);
      return { start: reported, note: `continuing from ${short(reported)}, fetched from origin` };
    }
    fromRemote = `, and origin has ${fetched ? short(fetched) : 'no such branch'}`;
  } else if (task.headPushed) {
    fromRemote = ' (it was pushed, but this runner does not push this repository)';
  }
  return {
    start: base,
    note:
      `starting from the base ${task.baseBranch}, not the last round's ${short(reported)}: ` +
      `this runner's ${task.branch} is ${mine ? short(mine) : 'missing'}${fromRemote}`,
  };
}

/**
 * The run's clone on `hq/<task id>` at its start point; with an agent user, the clone and a
 * fresh HOME handed to that user. Throws when the base branch is not in the repository.
 */
export async function openWorkspace(
  clones: Clones,
  repo: ServedRepo,
  task: WorkspaceTask,
  agentUser: AgentUser | null,
): Promise<Workspace> {
  const base = await resolveCommit(repo.path, `refs/heads/${task.baseBranch}`);
  if (!base) throw new Error(`base branch ${task.baseBranch} is not in repository ${repo.name}`);
  const { start, note } = await startPoint(repo, task, base);
  const paths = await clones.create(repo, task.id, task.branch, task.baseBranch, base, start);
  if (agentUser) {
    await makeHome(paths.home, agentUser);
    await handOver([paths.dir], agentUser);
  }
  return { ...paths, base, start, agentHome: agentUser ? paths.home : null, note };
}
