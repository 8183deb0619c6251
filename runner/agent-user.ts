import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServedRepo } from './clones/clones';
import { git } from './git/exec';

// `--agent-user NAME`: the runner (root) starts every agent process as NAME, in a clone and a
// HOME it handed to NAME. The agent then cannot write the runner's repository, another
// task's clone or the runner's files, nor read /proc/<runner>/environ (the token).

const run = promisify(execFile);

export interface AgentUser {
  name: string;
  uid: number;
  gid: number;
}

/** Node spawn options that start a process as the agent user (none: as the runner). */
export const spawnAs = (user: AgentUser | null | undefined) =>
  user ? { uid: user.uid, gid: user.gid } : {};

export async function resolveAgentUser(name: string): Promise<AgentUser> {
  const id = async (flag: string) => {
    try {
      return Number((await run('id', [flag, name])).stdout.trim());
    } catch {
      throw new Error(`--agent-user ${name}: no such user on this machine (id ${flag} ${name})`);
    }
  };
  return { name, uid: await id('-u'), gid: await id('-g') };
}

/** Gives `paths` (and all in them; links themselves, never their targets) to the user. */
export async function handOver(paths: string[], user: AgentUser): Promise<void> {
  await run('chown', ['-R', '-h', `${user.uid}:${user.gid}`, '--', ...paths]);
}

/**
 * Takes a clone back before the runner reads its files: owned by the runner again and
 * writable by no one else, so an agent process still running cannot swap a file for a link
 * to somewhere else while the runner reads it.
 */
export async function takeBack(path: string): Promise<void> {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  await run('chown', ['-R', '-h', `${uid}:${gid}`, '--', path]);
  await run('chmod', ['-R', 'go-w', '--', path]);
}

/** A private HOME (and TMPDIR inside it) for one run, owned by the user. */
export async function makeHome(home: string, user: AgentUser): Promise<void> {
  await rm(home, { recursive: true, force: true });
  await mkdir(join(home, 'tmp'), { recursive: true, mode: 0o700 });
  await chmod(home, 0o700);
  await handOver([home], user);
}

/** Runs `argv` as the user; rejects with its standard error when it fails. */
export function runAsUser(
  user: AgentUser,
  argv: string[],
  options: { cwd: string; env: Record<string, string>; input?: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const [program = '', ...args] = argv;
    const child = spawn(program, args, { ...options, ...spawnAs(user), stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(err.trim() || `exit ${code}`)),
    );
  });
}

/**
 * Null when the user can read `repo`'s objects through a clone of its own (what each run
 * needs), else what to chmod. Run once per repository at start.
 */
export async function agentReadProblem(
  repo: ServedRepo,
  user: AgentUser,
  workDir: string,
): Promise<string | null> {
  const scratch = await mkdtemp(join(workDir, '.agent-check-'));
  try {
    const clone = join(scratch, 'clone');
    await git(scratch, ['clone', '--quiet', '--shared', '--no-checkout', '--', repo.path, clone]);
    await handOver([scratch], user);
    await runAsUser(user, ['git', 'rev-parse', '--verify', 'HEAD^{tree}'], {
      cwd: clone,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch },
    });
    return null;
  } catch (error) {
    const objects = join(repo.gitDir, 'objects');
    return (
      `--agent-user ${user.name} cannot read repository ${repo.name}'s objects (${(error as Error).message.split('\n')[0]}). ` +
      `Let it: chmod -R o+rX ${objects} (and o+x on every folder above it), or give it the repository's group and chmod -R g+rX`
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Said at start when hard links to others' files are allowed (the runner reads clones as root). */
export async function hardlinkWarning(): Promise<string | null> {
  const value = await readFile('/proc/sys/fs/protected_hardlinks', 'utf8').catch(() => '1');
  return value.trim() === '1'
    ? null
    : 'warning: fs.protected_hardlinks is off: an agent could hard-link a file it cannot read into its clone, and the runner would record it; sysctl fs.protected_hardlinks=1';
}
