import type { Schema } from '../api/schema';

// The mission page's view of the API: GET /api/missions/{id} and what issue 21 adds beside it
// (revisions, history, estimate), as the OpenAPI document declares them.

export type Mission = Schema<'Mission'>;
/** One planned task; its hints may be absent as well as null. */
export type PlannedTask = Mission['plan'][number];

/** One mission with its tasks (once approved) and what it has spent. */
export type MissionDetail = Schema<'MissionDetail'>;

export type MissionRevision = Schema<'MissionRevision'>;
export type HistoryItem = Schema<'MissionHistoryItem'>;
export type Estimate = Schema<'MissionEstimate'>;
export type TaskEstimate = Estimate['tasks'][number];

/** A decision's route by its verb (each takes the revision shown, cancel none). */
export const DECISIONS = {
  approve: '/api/missions/{id}/approve',
  reject: '/api/missions/{id}/reject',
  cancel: '/api/missions/{id}/cancel',
} as const;
