import { basename, resolve } from 'node:path';
import { repositoryNameProblem } from './git/refs';

// The repositories a runner serves, from `--repo NAME=PATH` (or a bare `--repo PATH`, named
// after its folder), the config file's `repos: { "acme/app": "/path" }`, and which of them
// push (`--push` for all, `--push NAME` for some).

export interface RepoOption {
  /** As missions name it and HQ knows it. */
  name: string;
  path: string;
  /** Task branches and merged targets go to the repository's `origin` remote. */
  pushes: boolean;
}

export interface ReadRepos {
  repos: RepoOption[];
  problems: string[];
  /** Said at start: a repository named after its folder. */
  notes: string[];
}

/** HQ keeps at most this many repositories per runner. */
const MAX_REPOS = 50;

/**
 * `cli`: the `--repo` values (they replace the config file's); `fromFile`: the config's
 * `repos` object and legacy `repo` path; `push`: '' for all, else names (`--push NAME`).
 */
export function readRepos(
  cli: string[] | undefined,
  fromFile: { repos?: unknown; repo?: unknown },
  push: string[],
): ReadRepos {
  const problems: string[] = [];
  const notes: string[] = [];
  const named: { name: string; path: string }[] = [];
  const bare = (path: string) => {
    const name = basename(path);
    const problem = repositoryNameProblem(name);
    if (problem) problems.push(`--repo ${path}: ${problem}; name it with --repo NAME=PATH`);
    else notes.push(`serving ${path} as "${name}" (its folder's name; --repo NAME=PATH names it)`);
    named.push({ name, path });
  };
  const specs = cli ?? (typeof fromFile.repo === 'string' ? [fromFile.repo] : []);
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq);
    if (eq > 0 && !repositoryNameProblem(name)) {
      const path = spec.slice(eq + 1);
      if (!path) problems.push(`--repo ${spec}: no path after "="`);
      named.push({ name, path: resolve(path) });
    } else bare(resolve(spec));
  }
  if (!cli && fromFile.repos !== undefined) {
    if (typeof fromFile.repos !== 'object' || fromFile.repos === null)
      problems.push('repos in the config file must be an object: { "NAME": "/path" }');
    else
      for (const [name, path] of Object.entries(fromFile.repos)) {
        const problem = repositoryNameProblem(name);
        if (problem) problems.push(`repos in the config file: ${problem}`);
        if (typeof path !== 'string' || !path)
          problems.push(`repos in the config file: "${name}" needs a path`);
        else named.push({ name, path: resolve(path) });
      }
  }
  if (!named.length) bare(resolve('.'));
  const names = named.map((r) => r.name);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length) problems.push(`repository named twice: ${[...new Set(twice)].join(', ')}`);
  if (named.length > MAX_REPOS) problems.push(`at most ${MAX_REPOS} repositories per runner`);
  const all = push.includes('');
  for (const name of push)
    if (name && !names.includes(name))
      problems.push(`--push ${name}: no repository by that name (served: ${names.join(', ')})`);
  return {
    repos: named.map((r) => ({ ...r, pushes: all || push.includes(r.name) })),
    problems,
    notes,
  };
}

/**
 * `--push` takes an optional name, which parseArgs cannot say: `--push NAME` becomes
 * `--push=NAME`, and a `--push` followed by another option (or by nothing) `--push=` (all).
 */
export function expandPush(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    if (arg !== '--push') out.push(arg);
    else if (next !== undefined && !next.startsWith('-')) {
      out.push(`--push=${next}`);
      i++;
    } else out.push('--push=');
  }
  return out;
}

/** The config file's `push`: true (all), a name, or a list of names. */
export function pushFromFile(value: unknown): string[] {
  if (value === true) return [''];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map(String);
  return [];
}
