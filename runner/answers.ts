import type { paths } from '../worker/openapi/schema.gen';

/** The 200 answer of a runner POST route, as the generated schema types it. */
export type RunnerAnswer<P extends keyof paths> = paths[P] extends {
  post: { responses: { 200: { content: { 'application/json': infer A } } } };
}
  ? A
  : never;

/** HQ's answer to a heartbeat (worker/runners/api-definitions.ts `heartbeat`). */
export type HeartbeatAnswer = RunnerAnswer<'/api/runner/tasks/{id}/heartbeat'>;
/** A review job HQ leased to this runner (POST /api/runner/reviews/claim). */
export type ReviewClaim = RunnerAnswer<'/api/runner/reviews/claim'>;
/** A planning run HQ leased to this runner (POST /api/runner/planning/claim). */
export type PlanningClaim = RunnerAnswer<'/api/runner/planning/claim'>;
