import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PROPOSALS, readProposals } from '../../runner/planning/output';
import { planningPrompt } from '../../runner/planning/prompt';
import type { PlanningClaim } from '../../runner/planning/wire';

const dir = mkdtempSync(join(tmpdir(), 'hq-proposals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** `content` written to a file of its own (a string as is, anything else as JSON). */
function file(content: unknown): string {
  const path = join(dir, `proposals-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const task = { title: 'Limit requests', spec: 'Per key.', expectedScope: ['src/search/**'] };
const good = { title: 'Rate limits', brief: 'Why.', budgetUsd: 5, tasks: [task] };

describe('proposals.json, the planning agent’s output', () => {
  it('reads the proposals and notes; an empty list is an answer too', async () => {
    expect(await readProposals(file({ proposals: [good], notes: 'read src/' }))).toEqual({
      proposals: [good],
      refused: [],
      notes: 'read src/',
    });
    expect(await readProposals(file({ proposals: [] }))).toEqual({
      proposals: [],
      refused: [],
      notes: null,
    });
  });

  it('no file, not JSON, or no proposals list: no proposals, and why', async () => {
    expect(await readProposals(join(dir, 'absent.json'))).toEqual({
      problem: 'the agent wrote no proposals (proposals.json missing)',
    });
    const notJson = await readProposals(file('{"proposals": ['));
    expect(notJson).toHaveProperty('problem');
    expect((notJson as { problem: string }).problem).toContain('proposals.json is not JSON');
    const noList = (await readProposals(file({ missions: [good] }))) as { problem: string };
    expect(noList.problem).toContain('proposals: ');
    expect(noList.problem).toContain('expected {"proposals": [...]}');
    const tooMany = (await readProposals(
      file({ proposals: Array.from({ length: MAX_PROPOSALS + 1 }, () => good) }),
    )) as { problem: string };
    expect(tooMany.problem).toContain('proposals: ');
  });

  it('a bad proposal is refused with why, the others kept', async () => {
    const read = await readProposals(
      file({
        proposals: [
          good,
          { title: 'No tasks', brief: 'b', tasks: [] },
          { ...good, title: 'Elsewhere', repository: 'other/repo' },
          { ...good, title: 'Bad scope', tasks: [{ ...task, expectedScope: [] }] },
          'not an object',
        ],
      }),
    );
    if ('problem' in read) throw new Error(read.problem);
    expect(read.proposals).toEqual([good]);
    expect(read.refused).toEqual([
      expect.stringMatching(/^proposal 2 "No tasks" not sent: tasks: /),
      expect.stringMatching(/^proposal 3 "Elsewhere" not sent: .*repository/),
      expect.stringMatching(/^proposal 4 "Bad scope" not sent: tasks\.0\.expectedScope: /),
      expect.stringMatching(/^proposal 5 not sent: /),
    ]);
  });
});

describe('the planning prompt', () => {
  const claim: PlanningClaim = {
    job: {
      id: 'j1',
      routineId: 'r1',
      repository: 'acme/app',
      targetBranch: 'main',
      fingerprint: 'f',
    },
    agent: {
      slug: 'lead',
      name: 'Lead',
      model: 'm',
      provider: 'openai',
      identity: 'You lead.',
      tools: [],
      executor: null,
      mcpServers: {},
    },
    snapshot: { headCommit: 'a'.repeat(40), fileCount: 12, reportedAt: '2026-01-01T00:00:00Z' },
    openMissions: [
      {
        id: 'm1',
        title: 'Search rate limits',
        status: 'PROPOSED',
        proposedBy: 'agent:lead',
        brief: 'Limit it.\nMore.',
        tasks: ['Limit requests'],
      },
    ],
    timeoutSeconds: 900,
  };

  it('names the repository, the open missions and the output contract; not the identity', () => {
    const prompt = planningPrompt(claim);
    expect(prompt).toContain('repository acme/app');
    expect(prompt).toContain(`main branch at ${'a'.repeat(10)} (12 tracked files)`);
    expect(prompt).toContain('- "Search rate limits" (PROPOSED, by agent:lead): Limit requests');
    expect(prompt).toContain('HQ_PROPOSALS_FILE');
    expect(prompt).toContain('"expectedScope"');
    expect(prompt).toContain('{"proposals": []}');
    expect(prompt).not.toContain('You lead.');
  });
});
