// The states of missions and tasks: plain data, shared with the web app.

export const MISSION_STATUSES = [
  'PROPOSED',
  'APPROVED',
  'REJECTED',
  'DONE',
  'FAILED',
  'CANCELLED',
] as const;
export const TASK_STATUSES = [
  'PENDING',
  'ASSIGNED',
  'RUNNING',
  'REVIEW',
  'CHANGES_REQUESTED',
  'DONE',
  'FAILED',
  'CANCELLED',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
