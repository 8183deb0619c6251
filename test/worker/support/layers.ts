// The worker's layers, bottom up, and the checker that keeps every import pointing down.
// A file may import from its own layer or any layer below it, never from a layer above; and
// no two parts (the rows of the table) may import each other, directly or round a loop.

export const LAYERS = ['foundation', 'domain', 'core', 'face', 'host'] as const;
export type Layer = (typeof LAYERS)[number];

/** One part of the code: a folder (ending in `/`) or a single file, its layer, and why. */
export interface Part {
  path: string;
  layer: Layer;
  why: string;
}

/**
 * Every file under worker/, durable-objects/ and drizzle/ belongs to exactly one part (the
 * longest matching path); a file in none fails the check, so a new folder gets a row here.
 */
export const PARTS: readonly Part[] = [
  // foundation: plumbing that knows no feature; everything may use it.
  { path: 'drizzle/', layer: 'foundation', why: 'the D1 schema: tables, states, roles' },
  { path: 'worker/env.ts', layer: 'foundation', why: 'bindings and variables, read safely' },
  {
    path: 'worker/env.generated.d.ts',
    layer: 'foundation',
    why: 'the Env type from wrangler.toml (`npm run types`); exempt, see EXEMPT_FILES',
  },
  { path: 'worker/config.ts', layer: 'foundation', why: 'names what is misconfigured' },
  {
    path: 'worker/errors.ts',
    layer: 'foundation',
    why: 'shared error and outcome types (being added on another branch)',
  },
  { path: 'worker/db/', layer: 'foundation', why: 'the Drizzle client over D1' },
  { path: 'worker/clock/', layer: 'foundation', why: 'the one cron reader (croner) of the app' },
  { path: 'worker/secrets/', layer: 'foundation', why: 'sealing secrets at rest (AES-GCM)' },
  {
    path: 'worker/http/',
    layer: 'foundation',
    why: 'routes, errors, validation, CSRF; guards and the cookie name are handed in by the host',
  },

  // domain: the company's records and rules, each with its routes. Parts may use each other
  // in one direction only (missions → tasks → events, never back).
  {
    path: 'worker/auth/',
    layer: 'domain',
    why: 'people, sessions and roles live in D1: a feature, not plumbing',
  },
  { path: 'worker/roles/', layer: 'domain', why: "admins' role grants, over auth" },
  { path: 'worker/audit/', layer: 'domain', why: 'the audit log every write adds to' },
  { path: 'worker/settings/', layer: 'domain', why: 'the settings every feature reads' },
  {
    path: 'worker/notifications/',
    layer: 'domain',
    why: 'the catalog settings need (types, tiers, reasons) and the list of notifications',
  },
  {
    path: 'worker/events/',
    layer: 'domain',
    why: 'the domain event feed; its followers are handed in, never imported',
  },
  { path: 'worker/agents/', layer: 'domain', why: 'agents and their revisions' },
  { path: 'worker/tasks/', layer: 'domain', why: 'tasks, their state machine, dispatch, sweep' },
  { path: 'worker/missions/', layer: 'domain', why: 'missions: proposed, approved into tasks' },
  {
    path: 'worker/reviews/jobs/',
    layer: 'domain',
    why: "the reviewer agent's first pass: queued at REVIEW, leased by runners, its policy",
  },
  {
    path: 'worker/routines/',
    layer: 'domain',
    why: 'routines: cron, webhook and API fires that propose missions or planning runs',
  },
  {
    path: 'worker/planning/',
    layer: 'domain',
    why: 'planning runs: an agent reads a repository and proposes missions, over missions',
  },
  { path: 'worker/runners/', layer: 'domain', why: 'the runner API, over missions and tasks' },
  { path: 'worker/run-logs/', layer: 'domain', why: "the agents' output per run, kept in R2" },
  {
    path: 'worker/patches/',
    layer: 'domain',
    why: "each run's patch against its base, kept in R2",
  },
  {
    path: 'worker/reviews/comments/',
    layer: 'domain',
    why: 'inline review comments on a head’s patch, over patches; tasks and runners use them',
  },
  { path: 'worker/spend/', layer: 'domain', why: 'spend sums from the ledger' },
  {
    path: 'worker/prices/',
    layer: 'domain',
    why: 'the price table that turns tokens into money, over agents (the providers)',
  },
  {
    path: 'worker/budgets/',
    layer: 'domain',
    why: 'what an agent and a mission have left, over prices; the runners and dispatch ask it',
  },
  {
    path: 'worker/memory/',
    layer: 'domain',
    why: 'what the CEO remembers is a record operators read and edit; the CEO reads it too',
  },
  {
    path: 'worker/limits/',
    layer: 'domain',
    why: 'rate limits (counters in RateLimitDO), read from settings; routes and faces count',
  },
  { path: 'worker/health/', layer: 'domain', why: 'the health report, from config' },
  { path: 'worker/demo/', layer: 'domain', why: 'seeds the demo company through agents' },
  {
    path: 'worker/openapi/',
    layer: 'domain',
    why: 'routes serving the API document (given the app): a feature, not schema helpers',
  },

  // core: the CEO's engine, the same whichever face a message came from.
  {
    path: 'worker/ceo/',
    layer: 'core',
    why: 'queue steps, tiers, digests, scan, chat engine; sends out through a port (deliver.ts)',
  },

  // faces: how people reach the CEO and see the company; each uses the core, none another.
  { path: 'worker/telegram/', layer: 'face', why: 'the bot, and the Telegram delivery port' },
  { path: 'worker/chat/', layer: 'face', why: 'the web chat: the CEO streamed to the browser' },
  {
    path: 'worker/mcp/',
    layer: 'face',
    why: 'HQ as an MCP server for agents mid-run: their task, questions, proposals',
  },
  { path: 'worker/office/', layer: 'face', why: 'the live office: what each robot shows' },

  // hosts: wire the rest together and plug in its ports; nothing below imports them.
  { path: 'worker/app.ts', layer: 'host', why: 'createApp: middleware, guards, routes' },
  { path: 'worker/index.ts', layer: 'host', why: "the Worker's entry: fetch, cron, DO classes" },
  {
    path: 'durable-objects/',
    layer: 'host',
    why: 'run the core and faces; plug in Telegram delivery and list the feed followers',
  },
];

/**
 * Files whose imports are not checked. `wrangler types` writes worker/env.generated.d.ts and
 * it names the Durable Object classes through `import("./index")`, the host: the binding
 * types need them, and the file is regenerated, never edited.
 */
export const EXEMPT_FILES: Readonly<Record<string, string>> = {
  'worker/env.generated.d.ts': 'generated by `wrangler types`; imports ./index for DO classes',
};

/** An arrow known to run the wrong way, allowed until the change named in `why` lands. */
export interface KnownException {
  from: string;
  to: string;
  why: string;
}

export const KNOWN_EXCEPTIONS: readonly KnownException[] = [];

export interface ImportLine {
  file: string;
  line: number;
  specifier: string;
}

/** Every import and export-from in `source` (static, type-only, side-effect and `import()`). */
export function importsOf(file: string, source: string): ImportLine[] {
  const found: ImportLine[] = [];
  const lineAt = (index: number) => source.slice(0, index).split('\n').length;
  const patterns = [
    // `import x, { a, type b } from '...'`, `export * from '...'`, over several lines.
    /^[ \t]*(?:import|export)\b(?:(?!\b(?:import|export)\b)[\w\s{},*$])*?\bfrom\s*(['"])([^'"\n]+)\1/gm,
    // `import '...'`: a module run for its effects.
    /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm,
    // `import('...')` and `typeof import('...')`.
    /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      found.push({ file, line: lineAt(match.index), specifier: match[2] ?? '' });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** `spec` from `file`, as a path from the repository root, or null for a package. */
export function resolve(file: string, spec: string, files: ReadonlySet<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const parts = file.split('/').slice(0, -1);
  for (const piece of spec.split('/')) {
    if (piece === '..') parts.pop();
    else if (piece !== '.') parts.push(piece);
  }
  const base = parts.join('/');
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.d.ts`, `${base}/index.ts`];
  return candidates.find((path) => files.has(path)) ?? base;
}

/** The part `path` belongs to: the longest matching row of the table. */
export function partOf(path: string, parts: readonly Part[] = PARTS): Part | undefined {
  return parts
    .filter((p) => (p.path.endsWith('/') ? path.startsWith(p.path) : path === p.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

interface Arrow extends ImportLine {
  target: string;
  from: Part;
  to: Part;
}

const where = (i: ImportLine) => `${i.file}:${i.line} imports '${i.specifier}'`;

/**
 * Checks every import of `sources` (path from the repository root → text) against the
 * layers; returns one line per problem, empty when the stack is one-way.
 */
export function checkLayers(
  sources: Readonly<Record<string, string>>,
  parts: readonly Part[] = PARTS,
  exceptions: readonly KnownException[] = KNOWN_EXCEPTIONS,
): string[] {
  const problems: string[] = [];
  const files = new Set(Object.keys(sources));
  const arrows: Arrow[] = [];
  const used = new Set<KnownException>();
  for (const [file, source] of Object.entries(sources)) {
    const from = partOf(file, parts);
    if (!from) {
      problems.push(`${file} is in no layer: add its folder to PARTS`);
      continue;
    }
    if (file in EXEMPT_FILES) continue;
    for (const imported of importsOf(file, source)) {
      const target = resolve(file, imported.specifier, files);
      if (target === null) continue;
      const to = partOf(target, parts);
      if (!to) {
        problems.push(`${where(imported)}, which is in no layer`);
        continue;
      }
      if (to === from) continue;
      const exception = exceptions.find((e) => e.from === file && e.to === target);
      if (exception) {
        used.add(exception);
        continue;
      }
      if (LAYERS.indexOf(to.layer) > LAYERS.indexOf(from.layer)) {
        problems.push(`${where(imported)}: upward, ${from.layer} → ${to.layer} (${to.path})`);
      } else {
        arrows.push({ ...imported, target, from, to });
      }
    }
  }
  problems.push(...loops(arrows));
  for (const e of exceptions.filter((x) => !used.has(x))) {
    problems.push(`known exception ${e.from} → ${e.to} is no longer needed: remove it`);
  }
  return problems;
}

/** Parts that import each other, directly or round a loop: one problem per such group. */
function loops(arrows: Arrow[]): string[] {
  const next = new Map<string, string[]>();
  for (const a of arrows) next.set(a.from.path, [...(next.get(a.from.path) ?? []), a.to.path]);
  const reached = (start: string) => {
    const seen = new Set<string>();
    const walk = (node: string) => {
      for (const to of next.get(node) ?? []) {
        if (seen.has(to)) continue;
        seen.add(to);
        walk(to);
      }
    };
    walk(start);
    return seen;
  };
  const reach = new Map([...next.keys()].map((node) => [node, reached(node)]));
  // A group: the parts each reachable from the other; only arrows inside it make the loop.
  const groups = new Map<string, Arrow[]>();
  for (const a of arrows) {
    if (!reach.get(a.to.path)?.has(a.from.path)) continue;
    const group = [...(reach.get(a.from.path) ?? [])]
      .filter((p) => reach.get(p)?.has(a.from.path))
      .sort()
      .join(', ');
    groups.set(group, [...(groups.get(group) ?? []), a]);
  }
  return [...groups].map(
    ([group, inside]) => `loop between ${group}:\n  ${inside.map(where).join('\n  ')}`,
  );
}
