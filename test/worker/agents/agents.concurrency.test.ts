import { describe, expect, it } from 'vitest';
import { call } from '../support/client';
import { createAgent, patch } from './support';

interface Revision {
  number: number;
  before: { model: string } | null;
  after: { model: string };
}

describe('agents: concurrent edits', () => {
  // 50 requests through one Durable Object: seconds on a loaded 2-core machine, hence 30 s.
  it('50 concurrent PATCHes make revisions 1..50, each before equal to the previous after', async () => {
    const { admin } = await createAgent('busy');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => patch('busy', admin, { model: `model-${i}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(new Array(50).fill(200));
    const numbers = (await Promise.all(responses.map((r) => r.json()))).map(
      (b) => (b as { revision: number }).revision,
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const revisions: Revision[] = [];
    for (let n = 0; n <= 50; n++) {
      revisions.push(
        (await (
          await call(`/api/agents/busy/revisions/${n}`, { cookie: admin })
        ).json()) as Revision,
      );
    }
    for (let n = 1; n <= 50; n++) {
      expect(revisions[n]?.before).toEqual(revisions[n - 1]?.after);
    }
    const agent = (await (await call('/api/agents/busy', { cookie: admin })).json()) as {
      revision: number;
      model: string;
    };
    expect(agent.revision).toBe(50);
    expect(agent.model).toBe(revisions[50]?.after.model);
  }, 30_000);
});
