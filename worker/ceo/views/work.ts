import { type Button, bullets, type Reply, shortId } from '../reply';

/**
 * Approve / Reject buttons for one mission. With `revision` (the plan the message shows) a tap
 * decides only that plan: after an edit it is refused as "edited meanwhile", not applied to a
 * plan the message never showed.
 */
export const missionButtons = (id: string, revision?: number): Button[] => {
  const shown = revision === undefined ? '' : `@${revision}`;
  return [
    { label: '✅ Approve', action: `mission:approve:${id}${shown}` },
    { label: '❌ Reject', action: `mission:reject:${id}${shown}` },
  ];
};

/** Approve / Request changes buttons for a task waiting for a person's review. */
export const reviewButtons = (id: string): Button[] => [
  { label: '✅ Approve', action: `task:approve:${id}` },
  { label: '✏️ Request changes', action: `task:changes:${id}` },
];

/** Missions waiting for a decision (with buttons) and the latest decided ones. */
export async function missionsReply(env: Env): Promise<Reply> {
  const [waiting, recent] = await env.DB.batch([
    env.DB.prepare(
      `SELECT id, title, proposed_by AS by, json_array_length(plan) AS tasks, revision
       FROM missions WHERE status = 'PROPOSED' ORDER BY created_at LIMIT 10`,
    ),
    env.DB.prepare(
      `SELECT id, title, status FROM missions WHERE status != 'PROPOSED' ORDER BY updated_at DESC LIMIT 5`,
    ),
  ]);
  const open = (waiting?.results ?? []) as {
    id: string;
    title: string;
    by: string;
    tasks: number;
    revision: number;
  }[];
  const done = (recent?.results ?? []) as { id: string; title: string; status: string }[];
  return {
    text: [
      `Waiting for your decision (${open.length}):`,
      bullets(
        open.map((m) => `${shortId(m.id)} "${m.title}" by ${m.by}, ${m.tasks} task(s)`),
        'none',
      ),
      'Recently decided:',
      bullets(
        done.map((m) => `${shortId(m.id)} "${m.title}": ${m.status}`),
        'none',
      ),
    ].join('\n'),
    buttons: open.slice(0, 5).map((m) => missionButtons(m.id, m.revision)),
  };
}

/** Open tasks, or tasks in one state. */
export async function tasksText(env: Env, status: string | null): Promise<string> {
  const { results } = await env.DB.prepare(
    `SELECT t.id, t.title, t.status, a.slug AS agent FROM tasks t LEFT JOIN agents a ON a.id = t.agent_id
     WHERE (?1 IS NULL AND t.status NOT IN ('DONE', 'FAILED', 'CANCELLED')) OR t.status = ?1
     ORDER BY t.updated_at DESC LIMIT 20`,
  )
    .bind(status)
    .all<{ id: string; title: string; status: string; agent: string | null }>();
  return `${status ? `Tasks ${status}` : 'Open tasks'} (${results.length}${results.length === 20 ? '+' : ''}):\n${bullets(
    results.map(
      (t) => `${shortId(t.id)} "${t.title}": ${t.status}${t.agent ? `, ${t.agent}` : ''}`,
    ),
    'none',
  )}`;
}

/** The review queue, with scope flags (the reviewer's signal) and the commit approval merges. */
export async function reviewText(env: Env): Promise<string> {
  const { results } = await env.DB.prepare(
    `SELECT t.id, t.title, a.slug AS agent, json_array_length(COALESCE(t.scope_violations, '[]')) AS flags,
       t.head_commit AS head
     FROM tasks t LEFT JOIN agents a ON a.id = t.agent_id WHERE t.status = 'REVIEW' ORDER BY t.updated_at`,
  ).all<{ id: string; title: string; agent: string | null; flags: number; head: string | null }>();
  return `Waiting for review (${results.length}):\n${bullets(
    results.map(
      (t) =>
        `${shortId(t.id)} "${t.title}"${t.agent ? ` by ${t.agent}` : ''}${t.head ? ` at ${t.head.slice(0, 10)} (approve merges ${t.head.slice(0, 10)})` : ''}${t.flags ? `, ${t.flags} file(s) outside its scope` : ''}`,
    ),
    'nothing to review',
  )}\nReview in the web app: /review.`;
}

const short = (title: string) => (title.length > 24 ? `${title.slice(0, 23)}…` : title);

/** /review: the queue, with Approve / Request changes for the first tasks still waiting for a verdict. */
export async function reviewReply(env: Env): Promise<Reply> {
  const { results } = await env.DB.prepare(
    `SELECT id, title FROM tasks WHERE status = 'REVIEW' AND verdict IS NULL ORDER BY updated_at LIMIT 5`,
  ).all<{ id: string; title: string }>();
  const named = results.length > 1;
  return {
    text: await reviewText(env),
    buttons: results.map((t) =>
      reviewButtons(t.id).map((b) =>
        named ? { ...b, label: `${b.label} "${short(t.title)}"` } : b,
      ),
    ),
  };
}

/** A mission by id or by a unique prefix of at least 4 characters, or why not. */
export async function findMission(
  env: Env,
  idOrPrefix: string,
): Promise<{ id: string; title: string; status: string } | string> {
  if (idOrPrefix.length < 4) return 'Give at least the first 4 characters of the mission id.';
  const { results } = await env.DB.prepare(
    `SELECT id, title, status FROM missions WHERE id = ?1 OR id LIKE ?2 ESCAPE '\\' LIMIT 2`,
  )
    .bind(idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, '\\$&')}%`)
    .all<{ id: string; title: string; status: string }>();
  if (results.length === 0) return `No mission starts with ${idOrPrefix}.`;
  if (results.length > 1)
    return `More than one mission starts with ${idOrPrefix}: give more of the id.`;
  return results[0] as { id: string; title: string; status: string };
}
