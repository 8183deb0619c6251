import { lstat, mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A path the tools refused: outside the worktree, absolute, or through a link pointing out. */
export class OutsideWorktree extends Error {}

const MAX_READ = 200_000;

/**
 * Resolves a tool's path inside `root`, refusing absolute paths, `..` escapes and symlinks
 * (anywhere on the way) whose target lies outside. The check uses the real path of the
 * deepest existing ancestor, so a file about to be created is checked too.
 */
export async function confine(root: string, path: string): Promise<string> {
  if (isAbsolute(path)) throw new OutsideWorktree(`absolute paths are not allowed: ${path}`);
  const realRoot = await realpath(root);
  const target = resolve(realRoot, path);
  if (!inside(realRoot, target)) throw new OutsideWorktree(`${path} is outside the worktree`);
  let existing = target;
  for (;;) {
    try {
      await lstat(existing);
      break;
    } catch {
      existing = dirname(existing);
    }
  }
  const real = await realpath(existing);
  if (!inside(realRoot, real))
    throw new OutsideWorktree(`${path} leads outside the worktree through a link`);
  if (relative(realRoot, target).split(sep)[0] === '.git')
    throw new OutsideWorktree('.git is not for agents');
  return target;
}

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep);

export async function readConfined(root: string, path: string): Promise<string> {
  const text = await readFile(await confine(root, path), 'utf8');
  return text.length > MAX_READ ? `${text.slice(0, MAX_READ)}\n[truncated]` : text;
}

export async function writeConfined(root: string, path: string, content: string): Promise<string> {
  const target = await confine(root, path);
  await mkdir(dirname(target), { recursive: true });
  await confine(root, path); // again: a folder on the way may have been a link
  await writeFile(target, content);
  return `wrote ${content.length} characters to ${path}`;
}

export async function listConfined(root: string, path = '.'): Promise<string> {
  const dir = await confine(root, path);
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.name !== '.git')
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort()
    .join('\n');
}

/** Lines containing `pattern` in files under `path` (plain text search, at most 200 hits). */
export async function searchConfined(root: string, pattern: string, path = '.'): Promise<string> {
  const start = await confine(root, path);
  const hits: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (hits.length >= 200 || entry.name === '.git' || entry.isSymbolicLink()) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const lines = (await readFile(full, 'utf8').catch(() => '')).split('\n');
        lines.forEach((line, i) => {
          if (line.includes(pattern) && hits.length < 200)
            hits.push(`${relative(root, full)}:${i + 1}: ${line.slice(0, 300)}`);
        });
      }
    }
  };
  await walk(start);
  return hits.join('\n') || 'no match';
}
