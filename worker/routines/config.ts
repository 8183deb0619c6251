import { and, eq, isNull } from 'drizzle-orm';
import {
  agents,
  type MissionTemplate,
  type ROUTINE_CATCH_UP,
  type ROUTINE_CONCURRENCY,
  type ROUTINE_KINDS,
} from '../../drizzle/schema';
import { database } from '../db/client';
import { DomainError, type FieldProblem } from '../errors';
import type { RoutineRow } from './fire';
import type { RoutinePatchValue } from './schemas';

export type { RoutineRow };

/**
 * What a routine is, as its revisions record it: every field an operator sets, the agent by
 * slug, the webhook as on or off. The webhook's secret is never part of it.
 */
export interface RoutineConfig {
  name: string;
  kind: (typeof ROUTINE_KINDS)[number];
  template: MissionTemplate | null;
  agent: string | null;
  repository: string | null;
  targetBranch: string;
  cron: string | null;
  timeZone: string;
  webhook: boolean;
  preApproved: boolean;
  concurrency: (typeof ROUTINE_CONCURRENCY)[number];
  catchUp: (typeof ROUTINE_CATCH_UP)[number];
}

export const TRACKED_FIELDS = [
  'name',
  'kind',
  'template',
  'agent',
  'repository',
  'targetBranch',
  'cron',
  'timeZone',
  'webhook',
  'preApproved',
  'concurrency',
  'catchUp',
] as const satisfies readonly (keyof RoutineConfig)[];

/** The config a row holds; `agentSlug` is its agent's slug (null without one). */
export function configOf(row: RoutineRow, agentSlug: string | null): RoutineConfig {
  return {
    name: row.name,
    kind: row.kind,
    template: row.template,
    agent: agentSlug,
    repository: row.repository,
    targetBranch: row.targetBranch,
    cron: row.cron,
    timeZone: row.timeZone,
    webhook: row.webhookSecretSealed !== null,
    preApproved: row.preApprovedBy !== null,
    concurrency: row.concurrency,
    catchUp: row.catchUp,
  };
}

/** What a new routine is before its input: the defaults the API documents. */
export const blankConfig = (timeZone: string): RoutineConfig => ({
  name: '',
  kind: 'mission',
  template: null,
  agent: null,
  repository: null,
  targetBranch: 'main',
  cron: null,
  timeZone,
  webhook: false,
  preApproved: false,
  concurrency: 'skip_if_open',
  catchUp: 'skip',
});

const problem = (field: string, message: string): FieldProblem => ({ field, in: 'body', message });

/**
 * `before` with `patch` applied, checked as a whole: a mission routine needs its template and
 * takes no agent or repository; a planning routine the reverse. What belongs to the other kind
 * is dropped when the kind changes, but refused when the patch itself sends it.
 */
export function mergeConfig(before: RoutineConfig, patch: RoutinePatchValue): RoutineConfig {
  const kind = patch.kind ?? before.kind;
  const problems: FieldProblem[] = [];
  const template = patch.template === undefined ? before.template : normalTemplate(patch.template);
  const merged: RoutineConfig = {
    ...before,
    ...definedOnly({
      name: patch.name,
      cron: patch.cron,
      timeZone: patch.timeZone,
      webhook: patch.webhook,
      preApproved: patch.preApproved,
      concurrency: patch.concurrency,
      catchUp: patch.catchUp,
    }),
    kind,
  };
  if (kind === 'mission') {
    for (const field of ['agent', 'repository'] as const) {
      if (patch[field] !== undefined && patch[field] !== null)
        problems.push(problem(field, 'only for a planning routine: the template says this'));
    }
    // A form that sends every field may echo the template's branch: only a different one is wrong.
    if (patch.targetBranch !== undefined && patch.targetBranch !== template?.targetBranch)
      problems.push(problem('targetBranch', "a mission routine uses its template's targetBranch"));
    if (!template) problems.push(problem('template', 'required for a mission routine'));
    Object.assign(merged, {
      template,
      agent: null,
      repository: null,
      targetBranch: template?.targetBranch ?? 'main',
    });
  } else {
    if (patch.template) problems.push(problem('template', 'only for a mission routine'));
    const agent = patch.agent === undefined ? before.agent : patch.agent;
    const repository = patch.repository === undefined ? before.repository : patch.repository;
    if (!agent) problems.push(problem('agent', 'required for a planning routine'));
    if (!repository) problems.push(problem('repository', 'required for a planning routine'));
    Object.assign(merged, {
      template: null,
      agent: agent ?? null,
      repository: repository ?? null,
      targetBranch:
        patch.targetBranch ?? (before.kind === 'planning' ? before.targetBranch : 'main'),
    });
  }
  if (problems.length) {
    const summary = problems.map((p) => `body.${p.field}: ${p.message}`).join('; ');
    throw new DomainError('validation_failed', `Invalid routine: ${summary}`, {
      fields: problems,
    });
  }
  return merged;
}

/** The template as stored: ProposeMission's fields with its optional ones made explicit. */
function normalTemplate(template: RoutinePatchValue['template']): MissionTemplate | null {
  if (!template) return null;
  return {
    title: template.title,
    brief: template.brief,
    repository: template.repository,
    targetBranch: template.targetBranch,
    budgetUsd: template.budgetUsd ?? null,
    budgetTokens: template.budgetTokens ?? null,
    tasks: template.tasks.map((t) => ({
      title: t.title,
      spec: t.spec,
      expectedScope: t.expectedScope,
      agentHint: t.agentHint ?? null,
      roleHint: t.roleHint ?? null,
    })),
  };
}

/**
 * The id of a planning routine's agent: active, and a LEAD or one whose role names the CEO
 * (those are the agents that plan work, not do it). A 400 naming `agent` otherwise.
 */
export async function planningAgentId(env: Env, slug: string): Promise<string> {
  const row = await database(env)
    .select()
    .from(agents)
    .where(and(eq(agents.slug, slug), isNull(agents.archivedAt)))
    .get();
  const refuse = (message: string) =>
    new DomainError('validation_failed', `Invalid routine: body.agent: ${message}`, {
      fields: [problem('agent', message)],
    });
  if (!row) throw refuse(`no active agent "${slug}"`);
  if (row.type !== 'LEAD' && !/\bceo\b/i.test(row.role))
    throw refuse(
      `"${slug}" is a ${row.type} (${row.role}): a planning routine needs a LEAD or CEO`,
    );
  return row.id;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
