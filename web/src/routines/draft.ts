import { emptyTask, type TaskDraft } from '../missions/TaskDrafts';
import type {
  CatchUp,
  Concurrency,
  MissionTemplate,
  Routine,
  RoutineInput,
  RoutineKind,
  TemplateView,
} from './types';

// The form holds text as typed; these turn it into the API's RoutineInput and back.

export interface TemplateDraft {
  title: string;
  brief: string;
  repository: string;
  targetBranch: string;
  budgetUsd: string;
  budgetTokens: string;
  tasks: TaskDraft[];
}

export interface RoutineDraft {
  name: string;
  kind: RoutineKind;
  template: TemplateDraft;
  agent: string;
  repository: string;
  targetBranch: string;
  cron: string;
  timeZone: string;
  webhook: boolean;
  preApproved: boolean;
  concurrency: Concurrency;
  catchUp: CatchUp;
}

const emptyTemplate = (): TemplateDraft => ({
  title: '',
  brief: '',
  repository: '',
  targetBranch: 'main',
  budgetUsd: '',
  budgetTokens: '',
  tasks: [emptyTask()],
});

const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

function templateDraft(t: TemplateView): TemplateDraft {
  return {
    title: t.title,
    brief: t.brief,
    repository: t.repository,
    targetBranch: t.targetBranch,
    budgetUsd: text(t.budgetUsd),
    budgetTokens: text(t.budgetTokens),
    tasks: t.tasks.map((task) => ({
      title: task.title,
      spec: task.spec,
      scope: task.expectedScope.join(', '),
      agentHint: task.agentHint ?? '',
    })),
  };
}

/** The form's starting text: a new routine's defaults, or what `routine` holds now. */
export function draftOf(routine?: Routine): RoutineDraft {
  if (!routine)
    return {
      name: '',
      kind: 'mission',
      template: emptyTemplate(),
      agent: '',
      repository: '',
      targetBranch: 'main',
      cron: '',
      // Empty: the server uses the operator's briefing time zone.
      timeZone: '',
      webhook: false,
      preApproved: false,
      concurrency: 'skip_if_open',
      catchUp: 'skip',
    };
  return {
    name: routine.name,
    kind: routine.kind,
    template: routine.template ? templateDraft(routine.template) : emptyTemplate(),
    agent: routine.agent?.slug ?? '',
    repository: routine.repository ?? '',
    targetBranch: routine.targetBranch,
    cron: routine.cron ?? '',
    timeZone: routine.timeZone,
    webhook: routine.webhook !== null,
    preApproved: routine.preApproved,
    concurrency: routine.concurrency,
    catchUp: routine.catchUp,
  };
}

/**
 * Empty: none of that kind. Text that is no number is sent as typed (JSON would turn NaN into
 * null, silently no budget) so the server refuses it naming the field.
 */
function amount(value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : (value as unknown as number);
}

function templateOf(t: TemplateDraft): MissionTemplate {
  return {
    title: t.title,
    brief: t.brief,
    repository: t.repository.trim(),
    targetBranch: t.targetBranch.trim(),
    budgetUsd: amount(t.budgetUsd),
    budgetTokens: amount(t.budgetTokens),
    tasks: t.tasks.map((task) => ({
      title: task.title,
      spec: task.spec,
      expectedScope: task.scope
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ...(task.agentHint.trim() ? { agentHint: task.agentHint.trim() } : {}),
    })),
  };
}

/** The body for POST /api/routines: only the fields the routine's kind takes. */
export function inputOf(d: RoutineDraft): RoutineInput {
  return {
    name: d.name,
    kind: d.kind,
    ...(d.kind === 'mission'
      ? { template: templateOf(d.template) }
      : { agent: d.agent, repository: d.repository.trim(), targetBranch: d.targetBranch.trim() }),
    cron: d.cron.trim() === '' ? null : d.cron.trim(),
    ...(d.timeZone.trim() ? { timeZone: d.timeZone.trim() } : {}),
    webhook: d.webhook,
    // Only a mission routine's fires have a mission of their own to approve.
    preApproved: d.kind === 'mission' && d.preApproved,
    concurrency: d.concurrency,
    catchUp: d.catchUp,
  };
}

/**
 * The body for PATCH: only what the operator changed, so the revision records just that. A
 * switch of kind sends everything the new kind needs, and clears the planning fields when it
 * becomes a mission routine (the server drops the template when it becomes a planning one).
 * The webhook is left out: it is added, rotated and removed on its own (its secret is shown
 * only by those calls).
 */
export function changesOf(before: RoutineDraft, after: RoutineDraft): Partial<RoutineInput> {
  const from = inputOf(before) as unknown as Record<string, unknown>;
  const to = inputOf(after) as unknown as Record<string, unknown>;
  const switched = before.kind !== after.kind;
  const changes: Record<string, unknown> =
    switched && after.kind === 'mission' ? { agent: null, repository: null } : {};
  for (const [key, value] of Object.entries(to)) {
    if (key === 'webhook') continue;
    if (switched || JSON.stringify(value) !== JSON.stringify(from[key])) changes[key] = value;
  }
  return changes as Partial<RoutineInput>;
}
