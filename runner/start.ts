import { execFile } from 'node:child_process';
import { access, lstat, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type AgentUser, agentReadProblem, hardlinkWarning, resolveAgentUser } from './agent-user';
import { Clones, type ServedRepo } from './clones/clones';
import { removeLeftovers } from './clones/leftovers';
import { git } from './git/exec';
import type { CliOptions } from './options';
import type { Progress } from './progress';
import type { RepoOption } from './repos';

// What the runner checks before it tells HQ anything: its work folder is its own, each
// repository is one (with an origin when it pushes), clones left by dead runners are gone,
// and an agent user can read what its runs need. A failed check is said, and the runner
// does not start.

export class StartError extends Error {}

export interface Started {
  repos: Map<string, ServedRepo>;
  clones: Clones;
  agentUser: AgentUser | null;
}

export async function startChecks(cli: CliOptions, progress: Progress): Promise<Started> {
  await mkdir(cli.workDir, { recursive: true, mode: 0o755 });
  const unsafe = await unsafeFolder(cli.workDir);
  if (unsafe) throw new StartError(`--work-dir ${cli.workDir}: ${unsafe}`);
  const repos = new Map<string, ServedRepo>();
  for (const option of cli.repos) repos.set(option.name, await checkRepo(option, progress));
  const removed = await removeLeftovers(cli.workDir);
  if (removed.length)
    progress.info(`removed ${removed.length} clone(s) left by runners no longer running`);
  const agentUser = cli.agentUser
    ? await checkAgentUser(cli.agentUser, repos, cli.workDir, progress)
    : null;
  const uid = process.getuid?.() ?? -1;
  progress.info(
    agentUser
      ? `agents run as ${agentUser.name} (uid ${agentUser.uid}), each in its own clone with a fresh HOME: CLIs get credentials only through --env`
      : `agents run as this runner's own user (uid ${uid}): they can read whatever it can, its token included; --agent-user NAME (runner as root) runs them as another user`,
  );
  for (const repo of repos.values())
    progress.info(`serving ${repo.name}: ${repo.path}${repo.pushes ? ', pushing to origin' : ''}`);
  return { repos, clones: new Clones(cli.workDir), agentUser };
}

async function checkRepo(option: RepoOption, progress: Progress): Promise<ServedRepo> {
  const named = `--repo ${option.name}=${option.path}`;
  let gitDir: string;
  try {
    gitDir = await git(option.path, ['rev-parse', '--absolute-git-dir']);
    const bare = (await git(option.path, ['rev-parse', '--is-bare-repository'])) === 'true';
    if (!bare && (await git(option.path, ['rev-parse', '--show-prefix'])))
      throw new StartError(`${named}: a folder inside a repository, not its top folder`);
  } catch (error) {
    if (error instanceof StartError) throw error;
    throw new StartError(`${named}: not a git repository`);
  }
  if (option.pushes) {
    const origin = await git(option.path, ['remote', 'get-url', 'origin']).catch(() => '');
    if (!origin)
      throw new StartError(
        `--push: repository ${option.name} (${option.path}) has no origin remote to push to; add one (git remote add origin URL) or leave it out of --push`,
      );
  }
  // Worktrees of runners before clones (issue 15) lived in the repository's .git folder.
  const oldWorktrees = join(gitDir, 'hq-worktrees');
  if (
    await access(oldWorktrees).then(
      () => true,
      () => false,
    )
  ) {
    await rm(oldWorktrees, { recursive: true, force: true });
    await git(option.path, ['worktree', 'prune']);
    progress.info(`${option.name}: removed the worktrees of an older runner (${oldWorktrees})`);
  }
  return { ...option, gitDir };
}

async function checkAgentUser(
  name: string,
  repos: Map<string, ServedRepo>,
  workDir: string,
  progress: Progress,
): Promise<AgentUser> {
  // The run's result is fetched from the clone by a git process of the agent user's.
  await promisify(execFile)('setpriv', ['--version']).catch(() => {
    throw new StartError('--agent-user needs setpriv (util-linux) on PATH');
  });
  const user = await resolveAgentUser(name).catch((error: Error) => {
    throw new StartError(error.message);
  });
  if (user.uid === 0)
    throw new StartError(`--agent-user ${name} is root: pick an unprivileged user`);
  for (const repo of repos.values()) {
    const problem = await agentReadProblem(repo, user, workDir);
    if (problem) throw new StartError(problem);
  }
  const warning = await hardlinkWarning();
  if (warning) progress.info(warning);
  return user;
}

/**
 * Why clones must not live in `dir`, or null: it and every folder above it must be this
 * user's or root's, and no one else may write in it (above it, only with the sticky bit, as
 * in /tmp), else another user could swap a folder of it for a link.
 */
export async function unsafeFolder(dir: string): Promise<string | null> {
  const uid = process.getuid?.() ?? 0;
  for (let path = dir, first = true; ; path = dirname(path), first = false) {
    const stat = await lstat(path);
    if (stat.uid !== uid && stat.uid !== 0) return `${path} belongs to uid ${stat.uid}`;
    if (stat.isSymbolicLink()) {
      if (first) return `${path} is a symbolic link`;
    } else if (stat.mode & 0o022 && (first || !(stat.mode & 0o1000))) {
      return `others can write in ${path}`;
    }
    if (path === dirname(path)) return null;
  }
}
