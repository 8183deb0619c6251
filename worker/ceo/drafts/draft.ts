import { eq } from 'drizzle-orm';
import { missions } from '../../../drizzle/schema';
import { database } from '../../db/client';
import { insertMission } from '../../missions/propose';
import { ProposeMission } from '../../missions/schemas';
import { missionView } from '../../missions/views';
import { servedRepositories } from '../../runners/repositories';
import { newestSnapshot } from '../../runners/snapshots';
import type { Button, Operator, Reply } from '../reply';
import { shortId } from '../reply';
import { missionButtons } from '../views/work';
import { DraftArgs, problemsOf } from './schema';
import { fitScope } from './scopes';

// The CEO drafts a mission the operator asked for: a served repository, tasks whose scopes are
// held against the files a runner reported, proposed at once (PROPOSED, proposedBy 'ceo',
// audited with the operator who asked) and shown with Approve, Edit and Reject. Approving
// stays the operator's decision, so proposing needs no Confirm of its own.

/** Who proposed a mission the CEO drafted. */
export const CEO_PROPOSER = 'ceo';

/**
 * Approve / Edit / Reject under a draft, for the plan as drafted (revision 0: an edit since
 * makes Approve refuse). Edit opens the propose form prefilled (the web app).
 */
export const draftButtons = (id: string): Button[] =>
  missionButtons(id, 0).flatMap((button, i) =>
    i === 0 ? [button, { label: '✏️ Edit', action: `mission:edit:${id}` }] : [button],
  );

/** Where the web app edits a draft: the propose form, prefilled from it. */
export const editPath = (id: string) => `/missions?draft=${id}`;

/** What the tool answers: text for the model, and the card the operator gets when proposed. */
export type DraftOutcome = { result: string; card?: Reply };

/** Drafts and proposes a mission from the model's arguments, or says what to fix. */
export async function draftMission(
  env: Env,
  operator: Operator,
  raw: Record<string, unknown>,
  requestId: string,
): Promise<DraftOutcome> {
  // A turn run again (the CEO restarted mid-turn) finds what it proposed the first time.
  const earlier = await proposedIn(env, operator.email, requestId);
  if (earlier)
    return {
      card: draftCard(earlier, [], null),
      result: `Proposed mission ${earlier.id} ("${earlier.title}") already; say so briefly.`,
    };
  const parsed = DraftArgs.safeParse(raw);
  if (!parsed.success) return { result: `Not drafted: ${problemsOf(parsed.error)}.` };
  const args = parsed.data;
  const served = (await servedRepositories(env)).map((r) => r.name);
  if (!served.includes(args.repository))
    return {
      result: `Not drafted: no runner serves repository ${args.repository}. Served: ${served.join(', ') || 'none'}.`,
    };
  const snapshot = await newestSnapshot(env, args.repository);
  if (!snapshot)
    return {
      result: `Not drafted: no runner has reported the files of ${args.repository} yet, so no scope can be checked. Tell the operator to propose it with the form at /missions, or to wait for a runner to report (at start and every 10 minutes).`,
    };
  const notes: string[] = [];
  const empty: string[] = [];
  const tasks = args.tasks.map((task) => {
    const fitted = fitScope(task.expected_scope, snapshot.files);
    for (const note of fitted.notes) notes.push(`${task.title}: ${note}`);
    if (!fitted.scope.length) empty.push(task.title);
    return {
      title: task.title,
      spec: task.spec,
      expectedScope: fitted.scope,
      agentHint: task.agent_hint ?? null,
      roleHint: task.role_hint ?? null,
    };
  });
  if (empty.length)
    return {
      result: `Not drafted: no glob of ${empty.map((t) => `"${t}"`).join(', ')} matches a file of ${args.repository} (${notes.join('; ')}). Look at the files with list_repository_files and draft again with real paths.`,
    };
  const input = ProposeMission.safeParse({
    title: args.title,
    brief: args.brief,
    repository: args.repository,
    targetBranch: args.target_branch ?? snapshot.branch,
    budgetUsd: args.budget_usd ?? null,
    tasks,
  });
  if (!input.success) return { result: `Not drafted: ${problemsOf(input.error)}.` };
  const mission = await insertMission(env, input.data, CEO_PROPOSER, {
    actor: operator.email,
    requestId,
  });
  const card = draftCard(mission, notes, snapshot.headCommit);
  return {
    card,
    result: `Proposed mission ${mission.id} ("${mission.title}"). The operator sees it with Approve, Edit and Reject buttons; nothing runs until they approve.${notes.length ? ` Scope changes they are told of: ${notes.join('; ')}.` : ''} Say in a sentence what you drafted.`,
  };
}

type MissionView = ReturnType<typeof missionView>;

/** The mission this operator's turn (`requestId`) already proposed, if any. */
async function proposedIn(env: Env, email: string, requestId: string): Promise<MissionView | null> {
  const row = await env.DB.prepare(
    `SELECT entity_id AS id FROM audit_log WHERE actor = ? AND action = 'mission.propose' AND request_id = ? LIMIT 1`,
  )
    .bind(email, requestId)
    .first<{ id: string }>();
  if (!row) return null;
  const mission = await database(env).select().from(missions).where(eq(missions.id, row.id)).get();
  return mission ? missionView(mission) : null;
}

/** The proposal as the operator reads it, with its buttons. */
function draftCard(mission: MissionView, notes: string[], head: string | null): Reply {
  const lines = [
    `Draft mission ${shortId(mission.id)}: "${mission.title}"`,
    `${mission.repository} → ${mission.targetBranch}${mission.budgetUsd !== null ? `, budget $${mission.budgetUsd.toFixed(2)}` : ''}`,
    mission.brief,
    ...mission.plan.map((t, i) => `${i + 1}. ${t.title} [${t.expectedScope.join(', ')}]`),
  ];
  if (notes.length && head)
    lines.push(`Scopes checked against ${head.slice(0, 10)}:`, ...notes.map((n) => `• ${n}`));
  lines.push(
    `Edit opens the form (${editPath(mission.id)}); proposing your version replaces this draft.`,
  );
  return { text: lines.join('\n'), buttons: [draftButtons(mission.id)] };
}
