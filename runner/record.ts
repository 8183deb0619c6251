import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentUser, takeBack } from './agent-user';
import type { ServedRepo } from './clones/clones';
import { type DiffEntry, scopeDiff } from './git/diff';
import { git } from './git/exec';
import { commitsSince } from './git/history';

// The run's result, recorded without trusting the clone: git never runs inside it with its
// config (its hooks, fsmonitor, filters and aliases are the agent's). The agent's commits
// come over by a local fetch (git reads the clone as data), its uncommitted work is read
// through the runner's own repository (`--git-dir` the runner's, `--work-tree` the clone),
// and only the runner moves `refs/heads/hq/<task id>` in its repository.

export interface Recorded {
  /** The agent's last commit, plus a runner commit of its uncommitted work when it left any. */
  headCommit: string;
  commits: string[];
  numstat: DiffEntry[];
  /** What did not go as planned, for the progress line and the run log. */
  notes: string[];
}

export interface RecordInput {
  repo: ServedRepo;
  clone: string;
  taskId: string;
  branch: string;
  baseBranch: string;
  /** Where the clone started: the head when the agent's commits cannot be read. */
  start: string;
  title: string;
  agentUser: AgentUser | null;
}

const IDENTITY = ['-c', 'user.name=HQ runner', '-c', 'user.email=runner@hq.local'];

export async function recordRun(input: RecordInput): Promise<Recorded> {
  const { repo, clone, branch } = input;
  const notes: string[] = [];
  let head = input.start;
  try {
    head = await fetchCloneHead(input);
  } catch (error) {
    notes.push(
      `the clone's commits could not be read (${firstLine(error)}): recorded from ${head.slice(0, 10)}`,
    );
  }
  if (input.agentUser) await takeBack(clone);
  head = await commitUncommitted(repo, clone, head, input.title);
  await git(repo.path, ['update-ref', `refs/heads/${branch}`, head]);
  const base = `refs/heads/${input.baseBranch}`;
  return {
    headCommit: head,
    commits: await commitsSince(repo.path, base, head),
    numstat: await scopeDiff(repo.path, base, head),
    notes,
  };
}

/**
 * The clone's HEAD, fetched into the runner's repository under a ref of the runner's own
 * (concurrent runs would race on FETCH_HEAD). git reads the clone through upload-pack, which
 * runs no hooks of the clone's. An agent run as another user owns its clone, so upload-pack
 * runs as that user too (setpriv): a clone whose refs, packs or `commondir` lead into a
 * repository only the runner could read gives the agent nothing.
 */
async function fetchCloneHead(input: RecordInput): Promise<string> {
  const { repo, clone, taskId, agentUser } = input;
  const ref = `refs/hq-runner/fetch/${taskId}`;
  const asAgent = agentUser
    ? [
        `--upload-pack=setpriv --reuid=${agentUser.uid} --regid=${agentUser.gid} --clear-groups env HOME=/nonexistent git-upload-pack`,
      ]
    : [];
  try {
    await git(repo.path, [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      ...asAgent,
      join(clone, '.git'),
      `+HEAD:${ref}`,
    ]);
    return await git(repo.path, ['rev-parse', '--verify', `${ref}^{commit}`]);
  } finally {
    await git(repo.path, ['update-ref', '-d', ref]).catch(() => undefined);
  }
}

/**
 * Files the agent left uncommitted, committed on top of `head` by the runner: a private
 * index filled from `head`, then `add -A` over the clone's files. `head` itself when
 * nothing differs.
 */
async function commitUncommitted(
  repo: ServedRepo,
  clone: string,
  head: string,
  title: string,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'hq-index-'));
  const through = ['--git-dir', repo.gitDir, '--work-tree', clone];
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    await git(clone, [...through, 'read-tree', head], { env });
    await git(clone, [...through, 'add', '--all'], { env });
    const tree = await git(clone, [...through, 'write-tree'], { env });
    if (tree === (await git(repo.path, ['rev-parse', `${head}^{tree}`]))) return head;
    return await git(repo.path, [
      ...IDENTITY,
      'commit-tree',
      tree,
      '-p',
      head,
      '-m',
      `hq: ${title} (uncommitted work)`,
    ]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
