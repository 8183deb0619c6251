import { describe, expect, it } from 'vitest';
import { approve, hire, plan, propose } from './missions/support';
import { type ClaimBody, registerRunner, runnerCall } from './runners/support';
import { call, signInAs } from './support/client';

interface FeedEvent {
  id: number;
  type: string;
  taskId?: string;
  from?: string | null;
  to?: string;
  slug?: string;
  revision?: number;
  fields?: string[];
  missionId?: string;
  verdict?: string;
}

async function feed(after = 0) {
  const viewer = await signInAs('viewer@test.hq');
  return (await (
    await call(`/api/events?after=${after}&limit=500`, { cookie: viewer })
  ).json()) as { events: FeedEvent[]; next: number };
}

describe('domain event feed', () => {
  it('publishes every agent revision and every task move, in order, once', async () => {
    await hire({ slug: 'feed-agent' });
    const admin = await signInAs('admin@test.hq');
    await call('/api/agents/feed-agent', {
      method: 'PATCH',
      cookie: admin,
      json: { model: 'gpt-5', tools: ['x'] },
    });
    await call('/api/agents/feed-agent', {
      method: 'PATCH',
      cookie: admin,
      json: { model: 'gpt-5' },
    }); // no change: no event
    const agentEvents = (await feed()).events.filter(
      (e) => e.type === 'agent.revised' && e.slug === 'feed-agent',
    );
    expect(agentEvents.map((e) => [e.revision, e.fields])).toEqual([
      [
        0,
        [
          'name',
          'type',
          'role',
          'identity',
          'model',
          'provider',
          'tools',
          'mcpServers',
          'workerEnabled',
        ],
      ],
      [1, ['model', 'tools']],
    ]);

    const { next } = await feed();
    const { token } = await registerRunner('feeder');
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    await Promise.all([approve(mission.id, operator), approve(mission.id, operator)]);
    const { task } = (await (
      await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } })
    ).json()) as ClaimBody;
    const all = (await feed(next)).events;
    // The mission's own events: proposed once, decided once however many approvals raced.
    expect(
      all.filter((e) => e.type.startsWith('mission.')).map((e) => [e.type, e.missionId, e.verdict]),
    ).toEqual([
      ['mission.proposed', mission.id, undefined],
      ['mission.decided', mission.id, 'APPROVED'],
    ]);
    const after = all.filter((e) => e.type === 'task.moved');
    expect(after.map((e) => `${e.type}:${e.from ?? '-'}>${e.to}`)).toEqual([
      'task.moved:->PENDING',
      'task.moved:PENDING>ASSIGNED',
      'task.moved:ASSIGNED>RUNNING',
    ]);
    expect(new Set(after.map((e) => e.taskId))).toEqual(new Set([task.id]));
    expect(after.map((e) => e.id)).toEqual([...after.map((e) => e.id)].sort((a, b) => a - b));
  });
});
