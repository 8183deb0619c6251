import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from '../support/client';
import { createAgent, newAgent, patch } from './support';

interface Revision {
  diff: { field: string; kind: string; path: (string | number)[]; old?: unknown; new?: unknown }[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

const revision = async (slug: string, n: number, cookie: string) =>
  (await (await call(`/api/agents/${slug}/revisions/${n}`, { cookie })).json()) as Revision;

describe('agents: the executor field', () => {
  it('defaults to null (the runner’s own executor) and records a chosen one in revision 0', async () => {
    const { agent } = await createAgent('plain-exec');
    expect(agent.executor).toBeNull();
    const { agent: chosen, admin } = await createAgent('claude-exec', {
      executor: { preset: 'claude-code', maxTurns: 12, extraArgs: ['--verbose'] },
    });
    expect(chosen.executor).toEqual({
      preset: 'claude-code',
      maxTurns: 12,
      extraArgs: ['--verbose'],
    });
    const first = await revision('claude-exec', 0, admin);
    expect(first.after.executor).toEqual(chosen.executor);
    expect(first.diff).toContainEqual(
      expect.objectContaining({ field: 'executor', kind: 'set', new: chosen.executor }),
    );
  });

  it.each([
    ['executor.preset', { preset: 'skynet' }],
    ['executor.command', { preset: 'command' }],
    ['executor.command', { preset: 'codex', command: 'codex exec' }],
    ['executor.maxTurns', { preset: 'codex', maxTurns: 5 }],
    ['executor.maxTurns', { preset: 'aider', maxTurns: 5 }],
    ['executor.maxTurns', { preset: 'claude-code', maxTurns: 0 }],
    ['executor.extraArgs', { preset: 'openai', extraArgs: ['--fast'] }],
    ['executor.extraArgs.1', { preset: 'claude-code', extraArgs: ['--verbose', '--api-key=abc'] }],
    ['executor.extraArgs.0', { preset: 'gemini', extraArgs: ['sk-live-0123456789abcdef'] }],
    ['executor.command', { preset: 'command', command: 'agent --key ghp_0123456789abcdef' }],
    ['executor.surprise', { preset: 'codex', surprise: true }],
  ])('answers 400 naming %s', async (field, executor) => {
    const admin = await signInAs('admin@test.hq');
    const response = await call('/api/agents', {
      method: 'POST',
      cookie: admin,
      json: newAgent('bad-exec', { executor }),
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.map((f) => f.field)).toContain(field);
    expect((await call('/api/agents/bad-exec', { cookie: admin })).status).toBe(404);
  });

  it('a PATCH with a bad executor changes nothing', async () => {
    const { admin } = await createAgent('steady-exec', { executor: { preset: 'gemini' } });
    const response = await patch('steady-exec', admin, {
      executor: { preset: 'command' },
      model: 'other-model',
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.[0]?.field).toBe('executor.command');
    const agent = (await (await call('/api/agents/steady-exec', { cookie: admin })).json()) as {
      executor: unknown;
      model: string;
      revision: number;
    };
    expect(agent).toMatchObject({ executor: { preset: 'gemini' }, model: 'gpt-4.1', revision: 0 });
  });

  it('each change is a revision with a field-level diff, and rollback restores it', async () => {
    const { admin } = await createAgent('switcher', { executor: { preset: 'codex' } });
    const toClaude = await patch('switcher', admin, {
      executor: { preset: 'claude-code', maxTurns: 8 },
      reason: 'try claude',
    });
    expect(toClaude.status).toBe(200);
    const changed = (await toClaude.json()) as { revision: number; changes: Revision['diff'] };
    expect(changed.revision).toBe(1);
    expect(changed.changes).toEqual([
      { field: 'executor', kind: 'added', path: ['maxTurns'], new: 8 },
      { field: 'executor', kind: 'changed', path: ['preset'], old: 'codex', new: 'claude-code' },
    ]);
    const toDefault = (await (await patch('switcher', admin, { executor: null })).json()) as {
      revision: number;
      changes: Revision['diff'];
    };
    expect(toDefault.revision).toBe(2);
    expect(toDefault.changes).toEqual([
      {
        field: 'executor',
        kind: 'removed',
        path: [],
        old: { preset: 'claude-code', maxTurns: 8 },
      },
    ]);
    // The same value again is no revision.
    expect(
      (
        (await (await patch('switcher', admin, { executor: null })).json()) as Revision & {
          revision: number | null;
        }
      ).revision,
    ).toBeNull();

    const rolled = await call('/api/agents/switcher/rollback', {
      method: 'POST',
      cookie: admin,
      json: { toRevision: 1, reason: 'claude was better' },
    });
    expect(rolled.status).toBe(200);
    const body = (await rolled.json()) as {
      revision: number;
      restored: Record<string, unknown>;
      agent: { executor: unknown };
    };
    expect(body.revision).toBe(3);
    expect(body.restored.executor).toEqual({ preset: 'claude-code', maxTurns: 8 });
    expect(body.agent.executor).toEqual({ preset: 'claude-code', maxTurns: 8 });
    const third = await revision('switcher', 3, admin);
    expect(third.before?.executor).toBeNull();
    expect(third.after.executor).toEqual({ preset: 'claude-code', maxTurns: 8 });
  });

  it('rolling back to a revision from before the field existed restores the runner default', async () => {
    const { agent, admin } = await createAgent('elder', { executor: { preset: 'aider' } });
    // A revision 0 written before `executor` was tracked has no such key in its snapshot.
    await env.DB.prepare(
      "UPDATE agent_revisions SET after = json_remove(after, '$.executor') WHERE agent_id = ? AND number = 0",
    )
      .bind(agent.id)
      .run();
    const rolled = (await (
      await call('/api/agents/elder/rollback', {
        method: 'POST',
        cookie: admin,
        json: { toRevision: 0, reason: 'as it was' },
      })
    ).json()) as { revision: number | null; agent: { executor: unknown } };
    expect(rolled.agent.executor).toBeNull();
    expect(rolled.revision).toBe(1);
  });

  it('operators may set it; viewers may not', async () => {
    await createAgent('chosen-by-op');
    const operator = await signInAs('operator@test.hq');
    const viewer = await signInAs('viewer@test.hq');
    expect((await patch('chosen-by-op', viewer, { executor: { preset: 'codex' } })).status).toBe(
      403,
    );
    const response = await patch('chosen-by-op', operator, {
      executor: { preset: 'command', command: 'my-agent --fast', extraArgs: ['--quiet'] },
    });
    expect(response.status).toBe(200);
    const audit = (await (
      await call('/api/audit?entityType=agent&entityId=chosen-by-op', { cookie: operator })
    ).json()) as { items: { action: string; summary: { diff: Revision['diff'] } }[] };
    expect(audit.items[0]?.action).toBe('agent.update');
    expect(audit.items[0]?.summary.diff).toEqual([
      {
        field: 'executor',
        kind: 'set',
        path: [],
        new: { preset: 'command', extraArgs: ['--quiet'], command: 'my-agent --fast' },
      },
    ]);
  });
});
