import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  endMarked,
  groupAlive,
  type MarkedProcess,
  markedProcesses,
  OWNER_VARIABLE,
} from './marked-processes.mjs';

/**
 * Children of tests and of the bench: each starts in its own process group and carries this
 * process's mark in its environment, so that whatever happens to this process (a failed
 * `beforeAll`, a failed assertion, Ctrl-C, SIGKILL) nothing it started lives on. Three layers:
 * `endProcess` on the normal path, `endAllProcesses` after every test file (a setup file of
 * the node project) and at the bench's end, and a reaper process that ends everything started
 * under the mark once this process is gone, however it went.
 */

/** This process's mark. */
export const ownMark: string = randomUUID();
// Marks of the owners above this one, when a marked process started this one.
const inheritedMarks = process.env[OWNER_VARIABLE];

const GRACE_MS = 5_000;
const live = new Set<ChildProcess>();
// Every group started under this mark; kept after the leader exits, for its stragglers.
const groups = new Set<number>();
let reaper: ChildProcess | undefined;

/** The environment for a child: the given one (or ours) with this process's mark added. */
export function markedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const marks = inheritedMarks ? `${inheritedMarks}/${ownMark}` : ownMark;
  return { ...env, [OWNER_VARIABLE]: marks };
}

/** Starts the reaper once; it ends everything started under the mark when our pipe closes. */
function tellReaper(line: string): void {
  if (!reaper) {
    const script = fileURLToPath(new URL('./reaper.mjs', import.meta.url));
    const env = { ...process.env };
    delete env[OWNER_VARIABLE]; // it is no child of ours to find and end
    reaper = spawn(process.execPath, [script, ownMark], {
      detached: true,
      stdio: ['pipe', 'ignore', 'inherit'],
      env,
    });
    // Neither the reaper nor its pipe may keep this process alive.
    reaper.unref();
    (reaper.stdin as unknown as { unref(): void }).unref();
  }
  reaper.stdin?.write(`${line}\n`);
}

/** Notes the groups of marked leaders (a browser playwright started) as ours. */
export function adoptMarkedGroups(): void {
  const before = new Set(groups);
  markedProcesses(ownMark, groups);
  for (const pgid of groups) if (!before.has(pgid)) tellReaper(`+${pgid}`);
}

/** Spawns a child in its own process group with this process's mark. */
export function spawnOwned(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, {
    ...options,
    detached: true,
    env: markedEnv(options.env ?? process.env),
  });
  if (child.pid !== undefined) {
    live.add(child);
    groups.add(child.pid);
    tellReaper(`+${child.pid}`);
  }
  return child;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * Ends a child's whole process group: `signal`, then SIGKILL after the grace period. Resolves
 * once no process of the group is left, not when the leader exits: wrangler can exit and
 * leave its workerd behind.
 */
export async function endProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = GRACE_MS,
): Promise<void> {
  live.delete(child);
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(pgid, signal);
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  while (groupAlive(pgid) && Date.now() < deadline + graceMs) await sleep(50);
  groups.delete(pgid);
  tellReaper(`-${pgid}`);
}

/** Ends everything started under this process's mark that is still running. */
export async function endAllProcesses(): Promise<void> {
  await Promise.all([...live].map((child) => endProcess(child)));
  await endMarked(ownMark, [...groups], GRACE_MS);
}

/** Processes started under a mark (ours by default) that still run. */
export function ownedProcesses(mark: string = ownMark): MarkedProcess[] {
  return markedProcesses(mark, mark === ownMark ? new Set(groups) : new Set());
}
