import type { SettingsValue } from '../../settings/schema';
import { decideMission, setWorkerSwitch } from '../actions';
import { runRecoverTool } from '../recover-actions';
import type { Button, Operator, Reply } from '../reply';
import { toolRefusal } from './tools';

/** How long the operator has to confirm a proposed write. */
const CONFIRM_WITHIN_MS = 15 * 60_000;
/** A bare assent: it names no question, so it confirms nothing (issue 17). */
const BARE_YES = /^\s*(yes|y|yep|yeah|sure|confirm|confirmed|ok|okay|do it|go ahead)\s*[.!]*\s*$/i;
/** A typed answer that names its question: "confirm 3f2a" or "cancel 3f2a", alone, any case. */
const NAMED = /^\s*["'“]?(confirm|cancel)\s+([0-9a-f]{4})["'”]?\s*[.!]*\s*$/i;

/** The code that names a pending action in a typed answer: the first four hex digits of its id. */
export const actionCode = (id: string) => id.slice(0, 4).toLowerCase();

/**
 * What the faces show under a proposed write, written by the engine and never by the model
 * (it is not told the code): the summary, and the one typed phrase that confirms it.
 */
export const confirmLine = (id: string, summary: string) =>
  `${summary}\nTap Confirm, or reply "confirm ${actionCode(id)}" to do it ("cancel ${actionCode(id)}" to drop it).`;

/** A recorded answer without its confirmation code: the model is never told one. */
export const withoutCode = (text: string) =>
  text.replace(/\nTap Confirm, or reply "confirm [0-9a-f]{4}".*$/gm, '\nTap Confirm to do it.');

/** Confirm / Cancel buttons for a pending action. */
export const confirmButtons = (id: string): Button[] => [
  { label: '✔ Confirm', action: `confirm:${id}` },
  { label: '✖ Cancel', action: `cancel:${id}` },
];

/**
 * Records a write the model wants to make; an earlier unconfirmed one in the conversation is
 * superseded. Returns the new action's id and the ids it replaced (their buttons go).
 */
export async function proposeAction(
  env: Env,
  p: {
    conversationId: string;
    email: string;
    tool: string;
    args: Record<string, unknown>;
    summary: string;
  },
  now: number,
): Promise<{ id: string; replaced: string[] }> {
  const id = crypto.randomUUID();
  const [superseded] = await env.DB.batch<{ id: string }>([
    env.DB.prepare(
      `UPDATE pending_actions SET outcome = 'superseded', decided_at = ? WHERE conversation_id = ? AND outcome IS NULL
       RETURNING id`,
    ).bind(now, p.conversationId),
    env.DB.prepare(
      `INSERT INTO pending_actions (id, conversation_id, user_email, tool, args, summary, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(
      id,
      p.conversationId,
      p.email,
      p.tool,
      JSON.stringify(p.args),
      p.summary,
      now,
      now + CONFIRM_WITHIN_MS,
    ),
  ]);
  return { id, replaced: (superseded?.results ?? []).map((r) => r.id) };
}

/**
 * What a typed message does to the conversation's open action, decided without the model:
 * - "confirm <code>" / "cancel <code>" naming the open action settles it (`action`);
 * - the same naming no open action, or a bare "yes" / "ok" while one is open, settles
 *   nothing and is answered with what to type (`reply`);
 * - anything else is for the model (null).
 */
export async function typedAnswer(
  env: Env,
  conversationId: string,
  text: string,
  now: number,
): Promise<{ action: string } | { reply: Reply } | null> {
  const named = NAMED.exec(text);
  if (!named && !BARE_YES.test(text)) return null;
  const open = await env.DB.prepare(
    `SELECT id, summary FROM pending_actions WHERE conversation_id = ? AND outcome IS NULL AND expires_at > ?
     ORDER BY created_at DESC LIMIT 1`,
  )
    .bind(conversationId, now)
    .first<{ id: string; summary: string }>();
  if (named) {
    const [, verb = '', code = ''] = named;
    if (open && actionCode(open.id) === code.toLowerCase())
      return { action: `${verb.toLowerCase()}:${open.id}` };
    return {
      reply: {
        text: `No open question has the code ${code}: it was answered, replaced or has expired. Nothing was done.`,
      },
    };
  }
  if (!open) return null;
  return {
    reply: {
      text: `That confirms nothing: a confirmation names what it confirms.\n${confirmLine(open.id, open.summary)}`,
      buttons: [confirmButtons(open.id)],
    },
  };
}

/**
 * Confirms or cancels a pending action (`confirm:<id>` or `cancel:<id>`), for the operator
 * who was asked, once: the outcome is claimed before the write runs. Null when `action` is
 * not one of these.
 */
export async function settleAction(
  env: Env,
  settings: SettingsValue,
  operator: Operator,
  action: string,
  requestId: string,
  now: number,
): Promise<Reply | null> {
  const match = /^(confirm|cancel):([\w-]{36})$/.exec(action);
  if (!match) return null;
  const [, verb, id] = match;
  const claim = await env.DB.prepare(
    `UPDATE pending_actions SET outcome = ?, decided_at = ?
     WHERE id = ? AND user_email = ? AND outcome IS NULL AND expires_at > ?
     RETURNING tool, args, summary`,
  )
    .bind(verb === 'confirm' ? 'confirmed' : 'cancelled', now, id, operator.email, now)
    .first<{ tool: string; args: string; summary: string }>();
  if (!claim) return { text: 'That question is no longer open (answered, replaced or expired).' };
  const reply = await runClaimed(env, settings, operator, verb === 'confirm', claim, requestId);
  const outcome = verb === 'confirm' ? ('confirmed' as const) : ('cancelled' as const);
  return { ...reply, closed: [{ id: id ?? '', outcome }] };
}

/** What a claimed action answers: cancelled, or the write done now. */
async function runClaimed(
  env: Env,
  settings: SettingsValue,
  operator: Operator,
  confirmed: boolean,
  claim: { tool: string; args: string; summary: string },
  requestId: string,
): Promise<Reply> {
  if (!confirmed) return { text: `Cancelled: ${claim.summary}` };
  // The role may have changed since the proposal: the write's own role, checked now.
  const refused = toolRefusal(claim.tool, operator.role);
  if (refused) return { text: refused };
  const args = JSON.parse(claim.args) as Record<string, string>;
  switch (claim.tool) {
    case 'approve_mission':
      return {
        text: (
          await decideMission(env, operator, args.mission_id ?? '', 'APPROVED', null, requestId)
        ).text,
      };
    case 'reject_mission':
      return {
        text: (
          await decideMission(
            env,
            operator,
            args.mission_id ?? '',
            'REJECTED',
            args.reason ?? null,
            requestId,
          )
        ).text,
      };
    case 'pause_workers':
    case 'resume_workers':
      return {
        text: await setWorkerSwitch(
          env,
          settings,
          operator,
          claim.tool === 'resume_workers',
          requestId,
        ),
      };
    case 'retry_task':
    case 'reassign_task':
    case 'cancel_task':
    case 'cancel_mission':
      return { text: await runRecoverTool(env, operator, claim.tool, args, requestId) };
    default:
      return { text: `I cannot do ${claim.tool}.` };
  }
}
