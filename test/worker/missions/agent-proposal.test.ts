import { describe, expect, it } from 'vitest';
import { titleLikeness } from '../../../worker/missions/agent-proposal';
import { registerRunner, runnerCall } from '../runners/support';
import { approve, hire, plan, propose } from './support';

// Agents that read the same repository propose the same work: it is folded into the open
// mission that already holds it, never queued twice for the operator.

const propose$ = async (token: string, body: Record<string, unknown>) => {
  const response = await runnerCall(token, '/api/runner/missions', { json: body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('agents’ proposals that repeat open work', () => {
  it('tells titles of the same work apart from other work', () => {
    // {add, rate, limits, search, api} and {rate, limits, search, api}: 4 of 5 words shared.
    expect(titleLikeness('Add rate limits to the search API', 'Rate limits for search API')).toBe(
      0.8,
    );
    expect(titleLikeness('Add rate limits', 'Rewrite the docs site')).toBe(0);
  });

  it('merges new tasks into a PROPOSED mission, answers duplicate when nothing is new', async () => {
    const { token } = await registerRunner('planner-runner');
    await hire({ slug: 'lead-one', type: 'LEAD' });
    const base = {
      ...plan({ title: 'Add rate limits to the search API', repository: 'acme/merge' }),
      agent: 'lead-one',
    };
    const first = await propose$(token, base);
    expect(first).toMatchObject({ status: 201, body: { outcome: 'proposed' } });
    const again = await propose$(token, base);
    expect(again).toMatchObject({ status: 200, body: { outcome: 'duplicate', id: first.body.id } });
    const more = await propose$(token, {
      ...base,
      title: 'Rate limits for the search API',
      tasks: [
        { title: 'Limit per token', spec: 'Per API token.', expectedScope: ['src/limits/**'] },
      ],
    });
    expect(more).toMatchObject({ status: 200, body: { outcome: 'merged', id: first.body.id } });
    const titles = (more.body.plan as { title: string }[]).map((t) => t.title);
    expect(titles).toEqual(['Backend part', 'Docs part', 'Limit per token']);
    const other = await propose$(token, { ...base, title: 'Rewrite the docs site' });
    expect(other).toMatchObject({ status: 201, body: { outcome: 'proposed' } });
  });

  it('leaves an APPROVED mission alone, and other repositories are other work', async () => {
    const { token } = await registerRunner('planner-runner-2');
    await hire({ slug: 'lead-two', type: 'LEAD' });
    const { mission, operator } = await propose(plan({ repository: 'acme/approved' }));
    await approve(mission.id, operator);
    const same = await propose$(token, {
      ...plan({ repository: 'acme/approved' }),
      agent: 'lead-two',
    });
    expect(same).toMatchObject({ status: 200, body: { outcome: 'duplicate', id: mission.id } });
    const elsewhere = await propose$(token, {
      ...plan({ repository: 'acme/other' }),
      agent: 'lead-two',
    });
    expect(elsewhere).toMatchObject({ status: 201, body: { outcome: 'proposed' } });
  });
});
