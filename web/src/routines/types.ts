import type { MissionTemplate } from '../../../drizzle/schema/routines';
import type { Change } from '../agents/types';

export type { MissionTemplate } from '../../../drizzle/schema/routines';

// The wire shapes of /api/routines, as the issue 19 contract names them.

export type RoutineKind = 'mission' | 'planning';
export type Concurrency = 'skip_if_open' | 'always';
export type CatchUp = 'skip' | 'run_one';

export interface RoutineFire {
  id: string;
  trigger: 'cron' | 'webhook' | 'api';
  status: 'proposed' | 'approved' | 'planning' | 'skipped' | 'failed';
  reason: string | null;
  scheduledFor: string;
  createdAt: string;
  actor: string;
  duplicate?: boolean;
  mission: { id: string; title: string; status: string } | null;
  planningJobId: string | null;
}

/** The template as the API answers it: budgets may be absent (none), like null. */
export type TemplateView = Omit<MissionTemplate, 'budgetUsd' | 'budgetTokens'> & {
  budgetUsd?: number | null;
  budgetTokens?: number | null;
};

export interface Routine {
  id: string;
  name: string;
  kind: RoutineKind;
  template: TemplateView | null;
  agent: { id: string; slug: string; name: string } | null;
  repository: string | null;
  targetBranch: string;
  cron: string | null;
  timeZone: string;
  nextRunAt: string | null;
  webhook: { url: string } | null;
  preApproved: boolean;
  preApprovedBy: string | null;
  concurrency: Concurrency;
  catchUp: CatchUp;
  paused: boolean;
  pausedAt: string | null;
  pausedBy: string | null;
  lastFire: RoutineFire | null;
  revision: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What POST /api/routines takes, and PATCH takes in part. */
export interface RoutineInput {
  name: string;
  kind: RoutineKind;
  template?: MissionTemplate;
  /** null: none (a mission routine has no planning agent). */
  agent?: string | null;
  repository?: string | null;
  targetBranch?: string;
  cron: string | null;
  timeZone?: string;
  webhook: boolean;
  preApproved: boolean;
  concurrency: Concurrency;
  catchUp: CatchUp;
  reason?: string;
}

export interface RoutineRevision {
  number: number;
  actor: string;
  reason: string | null;
  createdAt: string;
  diff: Change[];
}
