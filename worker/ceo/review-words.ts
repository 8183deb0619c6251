// What the CEO says of a task waiting for a person's review: the commit an approval merges,
// what the reviewer agent made of it, and whether the change stayed inside its scope.

/** The task as a ready-for-review message needs it. */
export interface ReviewFacts {
  label: string;
  head: string | null;
  scopeViolations: string[];
  /** A review job is queued or running for that head: the reviewer agent reviews first. */
  firstReviewPending: boolean;
}

const SHOWN_PATHS = 3;

/** The scope result: clean, or how many paths went outside the task's scope, a few named. */
export function scopeLine(violations: string[]): string {
  if (!violations.length) return 'Scope: clean.';
  const named = violations.slice(0, SHOWN_PATHS).join(', ');
  const more =
    violations.length > SHOWN_PATHS ? ` and ${violations.length - SHOWN_PATHS} more` : '';
  const paths = violations.length === 1 ? 'path' : 'paths';
  return `Scope: ${violations.length} ${paths} outside scope (${named}${more}).`;
}

/**
 * A task ready for review: the commit it is at, the first review (if the reviewer agent gave
 * one), the scope result and what approving does. `again` says why it is back in review.
 */
export function readyText(
  facts: Pick<ReviewFacts, 'label' | 'head' | 'scopeViolations'>,
  again: string | null,
  firstReview: string | null = null,
): string {
  const short = facts.head?.slice(0, 10);
  const at = short ? ` at commit ${short}` : '';
  const opening = again
    ? `${facts.label} needs review again${at}: ${again}.`
    : `${facts.label} is ready for review${at}.`;
  const review = firstReview ? ` First review: ${firstReview}.` : '';
  const approve = short ? ` Approve merges ${short}.` : '';
  return `${opening}${review} ${scopeLine(facts.scopeViolations)}${approve}`;
}

interface FactsRow {
  id: string;
  title: string;
  agent: string | null;
  head: string | null;
  flags: string | null;
  pending: number;
}

// One query for one task or many: `ids` is a JSON array, read by json_each.
const FACTS_SQL = `SELECT t.id, t.title, a.name AS agent, t.head_commit AS head, t.scope_violations AS flags,
     EXISTS (SELECT 1 FROM review_jobs j WHERE j.task_id = t.id AND j.head_commit = t.head_commit
       AND j.status IN ('QUEUED', 'RUNNING')) AS pending
   FROM tasks t LEFT JOIN agents a ON a.id = t.agent_id
   WHERE t.id IN (SELECT value FROM json_each(?))`;

function factsOf(taskId: string, row: FactsRow | undefined): ReviewFacts {
  if (!row)
    return { label: `Task ${taskId}`, head: null, scopeViolations: [], firstReviewPending: false };
  return {
    label: `Task "${row.title}"${row.agent ? ` (${row.agent})` : ''}`,
    head: row.head,
    scopeViolations: row.flags ? (JSON.parse(row.flags) as string[]) : [],
    firstReviewPending: row.pending === 1,
  };
}

/** The task in words, its head, its scope flags, and whether a first review is on its way. */
export async function reviewFacts(env: Env, taskId: string): Promise<ReviewFacts> {
  return (await reviewFactsMany(env, [taskId]))(taskId);
}

/**
 * The facts of many tasks in one query (a run of queued events), as a lookup that answers
 * for any id as `reviewFacts` would, a task that does not exist included.
 */
export async function reviewFactsMany(
  env: Env,
  taskIds: string[],
): Promise<(taskId: string) => ReviewFacts> {
  return reviewFactsFrom(taskIds.length ? await reviewFactsStatement(env.DB, taskIds).all() : null);
}

/** reviewFactsMany's query, for a caller's own batch (a CEO run's: durable-objects/ceo/event-run.ts). */
export function reviewFactsStatement(db: D1Database, taskIds: string[]): D1PreparedStatement {
  return db.prepare(FACTS_SQL).bind(JSON.stringify([...new Set(taskIds)]));
}

/** The lookup reviewFactsMany answers, from its statement's result (null: no task asked). */
export function reviewFactsFrom(result: D1Result | null): (taskId: string) => ReviewFacts {
  const rows = new Map<string, FactsRow>();
  for (const row of (result?.results ?? []) as FactsRow[]) rows.set(row.id, row);
  return (taskId) => factsOf(taskId, rows.get(taskId));
}
