import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../drizzle/schema';
import { toolMinRole, toolRefusal, toolsFor } from '../../../worker/ceo/chat/tools';
import { enforcedRole } from '../reliability/expected-roles';

// Each chat tool reads or changes what an API route does; it needs the same role as that route
// (the highest, when it draws on several), so the chat never shows or does more than the API.
const ROUTES_OF: Record<string, string[]> = {
  get_status: ['GET /api/agents', 'GET /api/tasks', 'GET /api/missions', 'GET /api/spend'],
  list_agents: ['GET /api/agents'],
  list_missions: ['GET /api/missions'],
  list_tasks: ['GET /api/tasks'],
  get_review_queue: ['GET /api/tasks'],
  get_spend: ['GET /api/spend'],
  get_memory: ['GET /api/memory', 'GET /api/memory/context'],
  list_repository_files: ['GET /api/repositories/{name}/files'],
  draft_mission: ['POST /api/missions'],
  approve_mission: ['POST /api/missions/{id}/approve'],
  reject_mission: ['POST /api/missions/{id}/reject'],
  pause_workers: ['PATCH /api/settings'],
  resume_workers: ['PATCH /api/settings'],
  retry_task: ['POST /api/tasks/{id}/retry'],
  reassign_task: ['POST /api/tasks/{id}/reassign'],
  cancel_task: ['POST /api/tasks/{id}/cancel'],
  cancel_mission: ['POST /api/missions/{id}/cancel'],
};

const names = (role: (typeof ROLES)[number]) =>
  toolsFor(role).map((t) => (t as { function: { name: string } }).function.name);

describe('chat tools follow the API’s roles', () => {
  it('each tool needs the role of the routes for the same data', () => {
    expect(names('admin').sort()).toEqual(Object.keys(ROUTES_OF).sort());
    for (const [tool, routes] of Object.entries(ROUTES_OF)) {
      const roles = routes.map((r) => enforcedRole(r));
      const highest = ROLES.filter((role) => roles.includes(role)).at(-1);
      expect(toolMinRole(tool), tool).toBe(highest);
    }
  });

  it('offers each role only the tools it may use, and refuses the rest by name', () => {
    expect(names('viewer')).not.toContain('get_memory');
    expect(names('operator')).toContain('get_memory');
    expect(names('operator')).not.toContain('pause_workers');
    for (const role of ROLES)
      for (const tool of Object.keys(ROUTES_OF))
        expect(toolRefusal(tool, role) === null, `${role} ${tool}`).toBe(
          names(role).includes(tool),
        );
    expect(toolRefusal('get_memory', 'viewer')).toBe(
      'Refused: get_memory needs the operator role; the caller is viewer.',
    );
    expect(toolRefusal('drop_tables', 'admin')).toBe('There is no tool drop_tables.');
  });
});
