import { describe, expect, it } from 'vitest';
import { call, signInAs } from '../support/client';
import { createAgent, patch } from './support';

interface Change {
  field: string;
  kind: string;
  path: (string | number)[];
  old?: unknown;
  new?: unknown;
  lines?: string[];
}
interface RevisionPage {
  items: { number: number; actor: string; reason: string | null; diff: Change[] }[];
  nextCursor: string | null;
}

describe('agents: roster and revisions', () => {
  it('creates an agent as revision 0 and lists it with its spend', async () => {
    const { agent } = await createAgent('atlas', { tools: ['read'], schedule: '0 6 * * 1-5' });
    expect(agent).toMatchObject({
      slug: 'atlas',
      revision: 0,
      tools: ['read'],
      spentThisMonthUsd: 0,
    });
    const viewer = await signInAs('viewer@test.hq');
    const list = (await (await call('/api/agents', { cookie: viewer })).json()) as {
      agents: { slug: string }[];
    };
    expect(list.agents.map((a) => a.slug)).toContain('atlas');
    const zero = (await (
      await call('/api/agents/atlas/revisions/0', { cookie: viewer })
    ).json()) as {
      before: unknown;
      diff: Change[];
    };
    expect(zero.before).toBeNull();
    expect(zero.diff.find((c) => c.field === 'name')).toMatchObject({
      kind: 'set',
      new: 'Agent atlas',
    });
  });

  it('records each tracked change as revision N+1 with a semantic diff', async () => {
    const { admin } = await createAgent('nova', { tools: ['read', 'write'] });
    const response = await patch('nova', admin, {
      model: 'gpt-5',
      tools: ['read', 'run'],
      identity: 'Line one.\nLine 2.\nLine three.',
      reason: 'upgrade',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { revision: number; changes: Change[] };
    expect(body.revision).toBe(1);
    expect(body.changes).toEqual(
      expect.arrayContaining([
        { field: 'model', kind: 'changed', path: [], old: 'gpt-4.1', new: 'gpt-5' },
        { field: 'tools', kind: 'removed', path: [1], old: 'write' },
        { field: 'tools', kind: 'added', path: [1], new: 'run' },
      ]),
    );
    const identity = body.changes.find((c) => c.field === 'identity');
    expect(identity?.lines).toEqual([' Line one.', '-Line two.', '+Line 2.', '+Line three.']);
    const page = (await (
      await call('/api/agents/nova/revisions', { cookie: admin })
    ).json()) as RevisionPage;
    expect(page.items.map((r) => r.number)).toEqual([1, 0]);
    expect(page.items[0]).toMatchObject({ actor: 'admin@test.hq', reason: 'upgrade' });
  });

  it('creates no revision for a PATCH that changes nothing tracked', async () => {
    const { admin } = await createAgent('echo');
    const same = await patch('echo', admin, { model: 'gpt-4.1', monthlyBudgetUsd: 50 });
    expect(((await same.json()) as { revision: number | null }).revision).toBeNull();
    const agent = (await (await call('/api/agents/echo', { cookie: admin })).json()) as {
      revision: number;
      monthlyBudgetUsd: number;
    };
    expect(agent).toMatchObject({ revision: 0, monthlyBudgetUsd: 50 });
  });

  it('pages revisions with a cursor', async () => {
    const { admin } = await createAgent('pager');
    for (const model of ['m1', 'm2', 'm3', 'm4']) await patch('pager', admin, { model });
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = (await (
        await call(`/api/agents/pager/revisions${query}`, { cookie: admin })
      ).json()) as RevisionPage;
      seen.push(...page.items.map((r) => r.number));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
  });

  it('archives an agent: it leaves the roster, its record stays, edits are refused', async () => {
    const { admin } = await createAgent('retired');
    const archived = await call('/api/agents/retired/archive', {
      method: 'POST',
      cookie: admin,
      json: { reason: 'done' },
    });
    expect(archived.status).toBe(200);
    const list = (await (await call('/api/agents', { cookie: admin })).json()) as {
      agents: { slug: string }[];
    };
    expect(list.agents.map((a) => a.slug)).not.toContain('retired');
    const all = (await (
      await call('/api/agents?includeArchived=true', { cookie: admin })
    ).json()) as { agents: { slug: string }[] };
    expect(all.agents.map((a) => a.slug)).toContain('retired');
    expect((await patch('retired', admin, { model: 'x' })).status).toBe(409);
    const feed = (await (await call('/api/events?limit=500', { cookie: admin })).json()) as {
      events: { type: string; slug?: string }[];
    };
    expect(feed.events.filter((e) => e.type === 'agent.archived').map((e) => e.slug)).toEqual([
      'retired',
    ]);
  });
});
