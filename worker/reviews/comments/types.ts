// The shapes of review comments on the wire, in plain types: the worker's API and claim,
// the runner's prompt and the web app's diff view all name them from here.

/** A comment as the API lists it (GET /api/tasks/{id}/comments). */
export interface ReviewComment {
  id: string;
  taskId: string;
  headCommit: string;
  path: string;
  line: number;
  endLine: number;
  side: 'new' | 'old';
  body: string;
  context: string;
  author: string;
  authorKind: 'person' | 'agent';
  reviewJobId: string | null;
  sentInRun: number | null;
  touched: boolean | null;
  touchedHead: string | null;
  createdAt: string;
}

/** A comment as the agent's prompt quotes it (the claim's `task.inlineComments`). */
export interface InlineComment {
  path: string;
  line: number;
  endLine: number;
  side: 'new' | 'old';
  body: string;
  context: string;
  author: string;
}
