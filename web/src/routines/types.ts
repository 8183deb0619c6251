import type { Schema } from '../api/schema';

export type { MissionTemplate } from '../../../drizzle/schema/routines';

// The wire shapes of /api/routines, as the issue 19 contract names them.

/** A routine as /api/routines answers it. */
export type Routine = Schema<'Routine'>;
export type RoutineFire = Schema<'RoutineFire'>;
export type RoutineKind = Routine['kind'];
export type Concurrency = Routine['concurrency'];
export type CatchUp = Routine['catchUp'];

/** The template as the API answers it: budgets may be absent (none), like null. */
export type TemplateView = NonNullable<Routine['template']>;

/** What POST /api/routines takes, and PATCH takes in part. */
export type RoutineInput = Schema<'RoutineInput'>;

export type RoutineRevision = Schema<'RoutineRevision'>;
