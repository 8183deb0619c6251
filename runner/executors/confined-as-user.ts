import { relative } from 'node:path';
import { type AgentUser, runAsUser } from '../agent-user';
import { confine } from './confined-fs';

// The built-in loop's file tools when agents run as another user (`--agent-user`). The path
// is checked as always (confined-fs.ts), and then the read or write itself is done by a
// process of the agent user: the runner (root) never opens a file in the agent's clone,
// where a process the agent left running could swap a folder for a link between the check
// and the open.

const MAX_READ = 200_000;
const MAX_HITS = 200;

export interface AsUser {
  user: AgentUser;
  env: Record<string, string>;
}

export async function readAsUser(root: string, path: string, as: AsUser): Promise<string> {
  const target = await confine(root, path);
  const text = await runAsUser(as.user, ['head', '-c', String(MAX_READ + 1), '--', target], {
    cwd: root,
    env: as.env,
  });
  return text.length > MAX_READ ? `${text.slice(0, MAX_READ)}\n[truncated]` : text;
}

export async function writeAsUser(
  root: string,
  path: string,
  content: string,
  as: AsUser,
): Promise<string> {
  const target = await confine(root, path);
  const script = 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"';
  await runAsUser(as.user, ['/bin/sh', '-c', script, 'sh', target], {
    cwd: root,
    env: as.env,
    input: content,
  });
  return `wrote ${content.length} characters to ${path}`;
}

export async function listAsUser(root: string, path: string, as: AsUser): Promise<string> {
  const dir = await confine(root, path);
  const out = await runAsUser(as.user, ['ls', '-1Ap', '--', dir], { cwd: root, env: as.env });
  return out
    .split('\n')
    .filter((name) => name && name !== '.git/' && name !== '.git')
    .sort()
    .join('\n');
}

/** Lines containing `pattern` (plain text), as `path:line: text`, at most 200. */
export async function searchAsUser(
  root: string,
  pattern: string,
  path: string,
  as: AsUser,
): Promise<string> {
  const start = await confine(root, path);
  // -Z: a NUL after each file name, so a name with a colon is read right.
  const argv = [
    'grep',
    '-rnIFZ',
    '--exclude-dir=.git',
    '-m',
    String(MAX_HITS),
    '--',
    pattern,
    start,
  ];
  const out = await runAsUser(as.user, argv, { cwd: root, env: as.env }).catch(() => '');
  const hits = out
    .split('\n')
    .filter(Boolean)
    .slice(0, MAX_HITS)
    .map((line) => {
      const [file = '', rest = ''] = line.split('\0');
      const colon = rest.indexOf(':');
      return `${relative(root, file)}:${rest.slice(0, colon)}: ${rest.slice(colon + 1, colon + 301)}`;
    });
  return hits.join('\n') || 'no match';
}
