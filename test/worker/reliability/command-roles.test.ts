import { describe, expect, it } from 'vitest';
import { COMMAND_LINES } from '../../../worker/ceo/commands/catalog';
import { EXPECTED_MIN_ROLE } from './expected-roles';

/**
 * Each chat command that does what an API operation does, and that operation. A command must
 * ask for the same role as its operation: a chat is no way around the API's guard.
 */
const SAME_ACTION: Record<string, string> = {
  approve: 'POST /api/missions/{id}/approve',
  reject: 'POST /api/missions/{id}/reject',
  missions: 'GET /api/missions',
  tasks: 'GET /api/tasks',
  scan: 'POST /api/ceo/scan',
  memory: 'GET /api/memory',
  pause: 'PATCH /api/settings',
  resume: 'PATCH /api/settings',
  budget: 'GET /api/spend',
};

describe('chat commands ask for the role of the API operation they stand for', () => {
  it.each(Object.entries(SAME_ACTION))('/%s matches %s', (name, operation) => {
    const command = COMMAND_LINES.find((c) => c.name === name);
    expect(command, `no /${name} command`).toBeDefined();
    expect(EXPECTED_MIN_ROLE[operation], `no ${operation} in the role table`).toBeDefined();
    expect(command?.minRole).toBe(EXPECTED_MIN_ROLE[operation]);
  });
});
