import { readdir, readFile, rm, rmdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Disk } from '../api';
import { HOME_SUFFIX, OWNER_SUFFIX } from './clones';

// A clone whose owner (the pid in `<task id>.owner` beside it) is not alive was left by a
// runner that crashed or was killed: `npm run runner -- gc` and every runner's start remove
// those, and leave the clones of runners still running. (A dead runner's pid taken by a new
// process keeps its clones until that process ends.)

/** Whether a process with this pid exists (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The repository folders under the work dir (a missing work dir has none). */
async function repoFolders(workDir: string): Promise<string[]> {
  const entries = await readdir(workDir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => join(workDir, e.name));
}

const taskOf = (name: string) =>
  name.endsWith(OWNER_SUFFIX)
    ? name.slice(0, -OWNER_SUFFIX.length)
    : name.endsWith(HOME_SUFFIX)
      ? name.slice(0, -HOME_SUFFIX.length)
      : name;

/** Removes every clone (with its HOME and owner file) no live runner owns; returns their paths. */
export async function removeLeftovers(
  workDir: string,
  alive: (pid: number) => boolean = pidAlive,
): Promise<string[]> {
  const removed: string[] = [];
  for (const parent of await repoFolders(workDir)) {
    const names = await readdir(parent);
    for (const task of new Set(names.map(taskOf))) {
      const owner = join(parent, `${task}${OWNER_SUFFIX}`);
      const pid = Number.parseInt(await readFile(owner, 'utf8').catch(() => ''), 10);
      if (alive(pid)) continue;
      for (const name of [task, `${task}${HOME_SUFFIX}`]) {
        if (!names.includes(name)) continue;
        await rm(join(parent, name), { recursive: true, force: true });
        if (name === task) removed.push(join(parent, name));
      }
      await rm(owner, { force: true });
    }
    // A repository folder left empty goes too (it fails, harmlessly, when it is not empty).
    await rmdir(parent).catch(() => undefined);
  }
  return removed;
}

/** The clones under the work dir now (HOME folders and owner files are not clones). */
export async function countClones(workDir: string): Promise<number> {
  let count = 0;
  for (const parent of await repoFolders(workDir)) {
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
    count += entries.filter((e) => e.isDirectory() && !e.name.endsWith(HOME_SUFFIX)).length;
  }
  return count;
}

/** Free space for unprivileged writes where the clones live, and how many there are. */
export async function diskState(workDir: string): Promise<Disk> {
  const stats = await statfs(workDir);
  return { freeBytes: stats.bavail * stats.bsize, clones: await countClones(workDir) };
}
