import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { seedDemoCompany } from '../../worker/demo/seed';
import { call } from './support/client';

const count = async (table: string) =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;

describe('demo company', () => {
  it('is not seeded without DEMO_COMPANY', async () => {
    await call('/api/health');
    expect(await count('agents')).toBe(0);
  });

  it('seeds a CEO, four agents with different roles and models, and a proposed mission on first request', async () => {
    await call('/api/health', { env: { DEMO_COMPANY: 'true' } });
    const agents = (
      await env.DB.prepare('SELECT slug, type, role, model, worker_enabled FROM agents').all<{
        slug: string;
        type: string;
        role: string;
        model: string;
        worker_enabled: number;
      }>()
    ).results;
    const ceo = agents.find((a) => a.role === 'CEO');
    expect(ceo).toMatchObject({ type: 'LEAD', worker_enabled: 0 });
    const others = agents.filter((a) => a !== ceo);
    expect(others.length).toBeGreaterThanOrEqual(4);
    expect(new Set(others.map((a) => a.role)).size).toBe(others.length);
    expect(new Set(agents.map((a) => a.model)).size).toBeGreaterThanOrEqual(3);
    const missions = (
      await env.DB.prepare('SELECT id, status, plan FROM missions').all<{
        id: string;
        status: string;
        plan: string;
      }>()
    ).results;
    expect(missions).toEqual([expect.objectContaining({ status: 'PROPOSED' })]);
    // Its tasks are planned; they become task rows (PENDING) when the mission is approved.
    expect(JSON.parse(missions[0]?.plan ?? '[]').length).toBeGreaterThanOrEqual(1);
    expect(await count('tasks')).toBe(0);
    // The workers run with different executors: CLI presets, and the runner's own default.
    const executors = (
      await env.DB.prepare(
        "SELECT json_extract(executor, '$.preset') AS preset FROM agents WHERE worker_enabled = 1",
      ).all<{ preset: string | null }>()
    ).results.map((a) => a.preset);
    expect(executors).toEqual(expect.arrayContaining(['claude-code', 'opencode', null]));
    // Every demo agent starts its permanent record at revision 0.
    expect(await count('agent_revisions')).toBe(agents.length);
  });

  it('does not seed twice, nor into a database that has agents', async () => {
    const before = await count('agents');
    expect(await seedDemoCompany(env)).toBe(false);
    expect(await count('agents')).toBe(before);
  });
});
