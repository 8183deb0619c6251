import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { type AgentUser, handOver } from '../../agent-user';
import type { RunFile } from './types';

// A run's own files (MCP configs, settings, prompt files) hold unsealed secrets, so they
// live in a private folder outside the worktree (nothing there can be committed with the
// work), are readable by the owner only, and are gone when the run ends, however it ends.

/** A fresh folder for one run, readable by this user only. */
export function createRunDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hq-run-'));
}

function assertInside(runDir: string, path: string): void {
  const rel = relative(runDir, path);
  if (!rel || rel.startsWith('..') || rel.startsWith('/'))
    throw new Error(`run file ${path} is outside the run folder ${runDir}`);
}

/** Writes each file mode 0600 (also when it was left over with other permissions). */
export async function writeRunFiles(runDir: string, files: RunFile[]): Promise<void> {
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  for (const file of files) {
    assertInside(runDir, file.path);
    await mkdir(dirname(file.path), { recursive: true, mode: 0o700 });
    await writeFile(file.path, file.contents, { mode: 0o600 });
    await chmod(file.path, 0o600);
  }
}

/** Deletes the files and the run folder with whatever the CLI left in it. */
export async function removeRunFiles(runDir: string, files: RunFile[]): Promise<void> {
  for (const file of files) await rm(file.path, { force: true });
  await rm(runDir, { recursive: true, force: true });
}

/**
 * Writes the files, runs `fn`, and removes them afterwards even when `fn` throws. With an
 * agent user, the folder and its files are that user's (still readable by it alone).
 */
export async function withRunFiles<T>(
  runDir: string,
  files: RunFile[],
  fn: () => Promise<T>,
  owner: AgentUser | null = null,
): Promise<T> {
  try {
    await writeRunFiles(runDir, files);
    if (owner) await handOver([runDir], owner);
    return await fn();
  } finally {
    await removeRunFiles(runDir, files);
  }
}
