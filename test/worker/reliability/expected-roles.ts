/** Who may call an operation: a role, or the credential that is not a session. */
export type MinRole = 'public' | 'viewer' | 'operator' | 'admin' | 'runner' | 'telegram' | 'run';

/**
 * The minimum role of every operation, written by hand from the product rules (README,
 * SPEC) and never read from the app: viewers read; operators write (missions, task reviews,
 * agent edits, memory, notification and CEO actions); admins administer (roles, settings,
 * runner registration, furniture, MCP secrets); runners use their bearer token; Telegram
 * its webhook secret; an agent mid-run its run's own token (`run`, HQ's MCP server); health,
 * sign-in and the API docs are public.
 */
export const EXPECTED_MIN_ROLE: Record<string, MinRole> = {
  'GET /api/health': 'public',
  'GET /auth/providers': 'public',
  'POST /auth/logout': 'public',
  'POST /auth/dev/login': 'public',
  'GET /auth/{provider}/login': 'public',
  'GET /auth/{provider}/callback': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  // A routine's webhook: no session, the body's HMAC signature is the credential (issue 19).
  'POST /api/hooks/routines/{id}': 'public',

  'GET /api/me': 'viewer',
  'GET /api/audit': 'viewer',
  'GET /api/agents': 'viewer',
  'GET /api/agents/{slug}': 'viewer',
  'GET /api/agents/{slug}/revisions': 'viewer',
  'GET /api/agents/{slug}/revisions/{n}': 'viewer',
  'GET /api/missions': 'viewer',
  'GET /api/missions/{id}': 'viewer',
  'GET /api/missions/{id}/history': 'viewer',
  'GET /api/missions/{id}/revisions': 'viewer',
  'GET /api/missions/{id}/estimate': 'viewer',
  'GET /api/tasks': 'viewer',
  'GET /api/tasks/counts': 'viewer',
  'GET /api/tasks/throughput': 'viewer',
  'GET /api/tasks/{id}': 'viewer',
  // Why a task is stuck, and every stuck task (issue 16).
  'GET /api/tasks/{id}/why': 'viewer',
  'GET /api/tasks/stuck': 'viewer',
  // Run logs are read like the rest of a task; secrets were masked by the runner.
  'GET /api/tasks/{id}/logs': 'viewer',
  'GET /api/tasks/{id}/logs.txt': 'viewer',
  // A run's patch, masked by the runner like its log.
  'GET /api/tasks/{id}/patch': 'viewer',
  // The reviewer agent's passes over a task (issue 18).
  'GET /api/tasks/{id}/review-jobs': 'viewer',
  // A planning run a routine fired (issue 19).
  'GET /api/planning-jobs/{id}': 'viewer',
  // Inline review comments (issue 18): read like the patch, written like a review.
  'GET /api/tasks/{id}/comments': 'viewer',
  'GET /api/spend': 'viewer',
  'GET /api/prices': 'viewer',
  'GET /api/events': 'viewer',
  'GET /api/notifications': 'viewer',
  // What missions can name: the repositories runners serve (issue 15).
  'GET /api/repositories': 'viewer',
  // A repository's tracked files as a runner last reported them (issue 19): the CEO drafts from them.
  'GET /api/repositories/{name}/files': 'viewer',
  // The operator lists what the CEO remembers (issue 6); viewers do not, in Telegram either.
  // Routines (issue 19): viewers see them, their fires and revisions.
  'GET /api/routines': 'viewer',
  'GET /api/routines/{id}': 'viewer',
  'GET /api/routines/{id}/fires': 'viewer',
  'GET /api/routines/{id}/revisions': 'viewer',
  'GET /api/memory': 'operator',
  'GET /api/memory/context': 'operator',
  'GET /api/office/ws': 'viewer',
  'GET /api/office/layout': 'viewer',
  // Each person's own conversation and own Telegram chats: a write the CEO proposes in the
  // chat is confirmed under the caller's own role.
  'POST /api/chat': 'viewer',
  'GET /api/chat/history': 'viewer',
  'POST /api/telegram/link-code': 'viewer',
  'GET /api/telegram/chats': 'viewer',
  'DELETE /api/telegram/chats/{chatId}': 'viewer',

  'POST /api/agents': 'operator',
  'PATCH /api/agents/{slug}': 'operator',
  'POST /api/agents/{slug}/archive': 'operator',
  // Rollback, like changing mcpServers, needs admin (issue 3).
  'POST /api/agents/{slug}/rollback': 'admin',
  'POST /api/missions': 'operator',
  // A PROPOSED mission's plan is edited before approval (issue 21).
  'PATCH /api/missions/{id}': 'operator',
  'POST /api/missions/{id}/approve': 'operator',
  // An edited proposal replaces the one it came from (issue 19: the CEO's drafts' Edit).
  'POST /api/missions/{id}/replace': 'operator',
  'POST /api/missions/{id}/reject': 'operator',
  // Operators end what went wrong (issue 16): cancel a mission, retry or reassign a task.
  'POST /api/missions/{id}/cancel': 'operator',
  'POST /api/tasks/{id}/retry': 'operator',
  // Operators make, edit, pause, fire and roll back routines (issue 19); API tokens may fire.
  'POST /api/routines': 'operator',
  'PATCH /api/routines/{id}': 'operator',
  'DELETE /api/routines/{id}': 'operator',
  'POST /api/routines/{id}/pause': 'operator',
  'POST /api/routines/{id}/resume': 'operator',
  'POST /api/routines/{id}/webhook': 'operator',
  'DELETE /api/routines/{id}/webhook': 'operator',
  'POST /api/routines/{id}/fire': 'operator',
  'POST /api/routines/{id}/revisions/{number}/rollback': 'operator',
  'POST /api/tasks/{id}/reassign': 'operator',
  'POST /api/tasks/{id}/review': 'operator',
  'POST /api/tasks/{id}/comments': 'operator',
  'DELETE /api/tasks/{id}/comments/{commentId}': 'operator',
  'POST /api/tasks/{id}/cancel': 'operator',
  // The README: "Operators also see the CEO's state" on the Notifications page.
  'GET /api/ceo/state': 'operator',
  'POST /api/ceo/scan': 'operator',
  'POST /api/ceo/tick': 'operator',
  'POST /api/memory/{id}/resolve': 'operator',
  'DELETE /api/memory/{id}': 'operator',

  'GET /api/roles': 'admin',
  'PUT /api/roles/{email}': 'admin',
  'DELETE /api/roles/{email}': 'admin',
  'GET /api/settings': 'admin',
  'PATCH /api/settings': 'admin',
  // The price table turns tokens into money for every spend view and budget (issue 14).
  'PUT /api/prices': 'admin',
  'DELETE /api/prices': 'admin',
  'POST /api/runners': 'admin',
  'GET /api/runners': 'admin',
  'DELETE /api/runners/{id}': 'admin',
  // API client tokens (issue 17): admins create, list and revoke them.
  'POST /api/tokens': 'admin',
  'GET /api/tokens': 'admin',
  'DELETE /api/tokens/{id}': 'admin',
  'PUT /api/office/furniture/{id}': 'admin',
  // Re-sealing every stored secret under the current key (issue 13).
  'POST /api/admin/secrets/reseal': 'admin',

  'POST /api/runner/claim': 'runner',
  'PUT /api/runner/capabilities': 'runner',
  'PUT /api/runner/repositories/{name}/snapshot': 'runner',
  'POST /api/runner/tasks/{id}/heartbeat': 'runner',
  'POST /api/runner/tasks/{id}/report': 'runner',
  // Leases approved tasks for their merge (issue 15): a write, so a POST.
  'POST /api/runner/verdicts': 'runner',
  'POST /api/runner/tasks/{id}/merge': 'runner',
  'POST /api/runner/missions': 'runner',
  'POST /api/runner/tasks/{id}/release': 'runner',
  'POST /api/runner/reviews/claim': 'runner',
  'POST /api/runner/reviews/{id}/report': 'runner',
  'POST /api/runner/reviews/{id}/release': 'runner',
  // Planning runs (issue 19): leased like review jobs.
  'POST /api/runner/planning/claim': 'runner',
  'POST /api/runner/planning/{id}/report': 'runner',
  'POST /api/runner/planning/{id}/release': 'runner',
  'POST /api/runner/tasks/{id}/logs': 'runner',
  'PUT /api/runner/tasks/{id}/patch': 'runner',

  'POST /telegram/webhook': 'telegram',

  // HQ's MCP server (issue 19): an agent's CLI with its run's token, nobody else. Stateless,
  // so GET (a standalone stream) and DELETE (a session) answer 405 to the token's holder.
  'POST /mcp': 'run',
  'GET /mcp': 'run',
  'DELETE /mcp': 'run',
};

/**
 * Operations whose declared role differs from the rules above. Each one is reported for a
 * decision rather than changed from a test; until then the app must keep declaring (and
 * enforcing) exactly this role, and fixing the route makes the test ask for the entry's removal.
 */
export const DECLARED_OTHERWISE: Record<string, { declared: MinRole; why: string }> = {};

/** The role the app should enforce today: the rules, or the acknowledged declaration. */
export const enforcedRole = (key: string): MinRole | undefined =>
  DECLARED_OTHERWISE[key]?.declared ?? EXPECTED_MIN_ROLE[key];

/**
 * Routes an API token (issue 17) may not call whatever its role, because HQ acts there for a
 * person: the CEO chat (its memory and confirmations), Telegram linking, the office socket.
 * Admin routes refuse tokens too; that follows from the table above.
 */
export const REFUSED_TO_TOKENS = new Set([
  'POST /api/chat',
  'GET /api/chat/history',
  'POST /api/telegram/link-code',
  'GET /api/telegram/chats',
  'DELETE /api/telegram/chats/{chatId}',
  'GET /api/office/ws',
]);
