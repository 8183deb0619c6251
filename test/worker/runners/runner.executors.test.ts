import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../../worker/index';
import { createAgent } from '../agents/support';
import { approve, plan, propose } from '../missions/support';
import { call, errorOf } from '../support/client';
import { registerRunner, runnerCall, success } from './support';

const SECRET = 'ghp_PLANTED-MCP-SECRET-93b1c0';
const HEADER = 'Bearer PLANTED-MCP-HEADER-5e7a';

interface Claimed {
  task: { id: string; title: string; spec: string; expectedScope: string[] };
  mission: { title: string; brief: string };
  agent: {
    slug: string;
    identity: string;
    model: string;
    tools: string[];
    executor: unknown;
    mcpServers: Record<string, { env?: Record<string, string>; headers?: Record<string, string> }>;
  } | null;
}

/** One approved mission with one task for `agent`; returns the task's id. */
async function taskFor(agent: string, title = `work for ${agent}`) {
  const { mission, operator } = await propose(
    plan({
      title,
      brief: `The brief of ${title}.`,
      tasks: [{ title, spec: 'Do it well.', expectedScope: ['src/**'], agentHint: agent }],
    }),
  );
  const body = (await (await approve(mission.id, operator)).json()) as { tasks: { id: string }[] };
  return body.tasks[0]?.id ?? '';
}

async function claim(token: string) {
  const response = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  return response.status === 204 ? null : ((await response.json()) as Claimed);
}

const declare = (token: string, capabilities: unknown) =>
  runnerCall(token, '/api/runner/capabilities', { method: 'PUT', json: { capabilities } });

const taskRow = (id: string) =>
  env.DB.prepare('SELECT status, phase, failure_reason FROM tasks WHERE id = ?')
    .bind(id)
    .first<{ status: string; phase: string | null; failure_reason: string | null }>();

const cron = () =>
  worker.scheduled(
    createScheduledController({ scheduledTime: Date.now(), cron: '*/5 * * * *' }),
    env,
  );

// Tasks of earlier tests would otherwise be claimed by the next test's runners.
beforeEach(async () => {
  await env.DB.prepare(
    "UPDATE tasks SET status = 'CANCELLED' WHERE status NOT IN ('DONE', 'FAILED', 'CANCELLED')",
  ).run();
});

describe('runners and executors', () => {
  const logged: string[] = [];
  beforeEach(() => {
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(() => {
    logged.length = 0;
  });

  it('a claim hands the runner the agent’s identity, tools, executor and unsealed MCP servers, and the mission brief; the secrets are written nowhere', async () => {
    await createAgent('mcp-worker', {
      identity: 'You are Mira.\nYou write tests first.',
      tools: ['Read', 'Bash(npm test:*)'],
      executor: { preset: 'claude-code', maxTurns: 9 },
      mcpServers: {
        github: { command: 'github-mcp', args: ['--stdio'], env: { GITHUB_TOKEN: SECRET } },
        docs: { url: 'https://mcp.example.com/mcp', headers: { Authorization: HEADER } },
      },
    });
    const { token } = await registerRunner('mcp-runner');
    expect((await declare(token, [{ preset: 'claude-code', version: '2.1.3' }])).status).toBe(200);
    const id = await taskFor('mcp-worker', 'Add the limiter');
    const claimed = await claim(token);
    expect(claimed?.task.id).toBe(id);
    expect(claimed?.mission).toMatchObject({
      title: 'Add the limiter',
      brief: 'The brief of Add the limiter.',
    });
    expect(claimed?.agent).toEqual({
      slug: 'mcp-worker',
      name: 'Agent mcp-worker',
      identity: 'You are Mira.\nYou write tests first.',
      model: 'gpt-4.1',
      provider: 'openai',
      tools: ['Read', 'Bash(npm test:*)'],
      executor: { preset: 'claude-code', maxTurns: 9 },
      mcpServers: {
        github: { command: 'github-mcp', args: ['--stdio'], env: { GITHUB_TOKEN: SECRET } },
        docs: { url: 'https://mcp.example.com/mcp', headers: { Authorization: HEADER } },
      },
    });
    // Only the live config holds them, sealed: no audit entry, revision, event or task row.
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>();
    for (const { name } of tables.results) {
      const rows = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
      expect(rows, name).not.toContain('PLANTED-MCP');
    }
    expect(logged.join('\n')).not.toContain('PLANTED-MCP');
  });

  it('dispatch gives a task only to a runner that can run its agent’s preset', async () => {
    await createAgent('codex-worker', { executor: { preset: 'codex' } });
    await createAgent('default-worker');
    const plain = await registerRunner('plain-runner');
    const codexRunner = await registerRunner('codex-runner');
    expect((await declare(plain.token, [{ preset: 'command', version: null }])).status).toBe(200);
    const codexTask = await taskFor('codex-worker');
    const defaultTask = await taskFor('default-worker');

    // A runner that never declared anything, or declared only `command`, runs the agents
    // without an executor and nothing else.
    const silent = await registerRunner('silent-runner');
    expect((await claim(silent.token))?.task.id).toBe(defaultTask);
    expect(await claim(plain.token)).toBeNull();
    expect((await taskRow(codexTask))?.status).toBe('ASSIGNED');

    const declared = await declare(codexRunner.token, [
      { preset: 'codex', version: 'codex-cli 0.50.0' },
      { preset: 'command', version: null },
    ]);
    expect(await declared.json()).toEqual({
      capabilities: [
        { preset: 'codex', version: 'codex-cli 0.50.0' },
        { preset: 'command', version: null },
      ],
    });
    const claimed = await claim(codexRunner.token);
    expect(claimed?.task.id).toBe(codexTask);
    expect(claimed?.agent?.executor).toEqual({ preset: 'codex' });

    // HQ shows each runner with what it can run, and the change is audited.
    const admin = plain.admin;
    const list = (await (await call('/api/runners', { cookie: admin })).json()) as {
      runners: { name: string; capabilities: unknown; capabilitiesAt: string | null }[];
    };
    expect(list.runners.find((r) => r.name === 'codex-runner')).toMatchObject({
      capabilities: [
        { preset: 'codex', version: 'codex-cli 0.50.0' },
        { preset: 'command', version: null },
      ],
      capabilitiesAt: expect.any(String),
    });
    expect(list.runners.find((r) => r.name === 'silent-runner')?.capabilities).toBeNull();
    const audit = (await (
      await call('/api/audit?action=runner.capabilities', { cookie: admin })
    ).json()) as { items: { actor: string; summary: { after: { preset: string }[] } }[] };
    expect(audit.items.map((i) => i.summary.after.map((c) => c.preset).join(','))).toContain(
      'codex,command',
    );
  });

  it('refuses a capability list naming an unknown or repeated preset', async () => {
    const { token } = await registerRunner('confused-runner');
    const unknown = await declare(token, [{ preset: 'skynet', version: '1' }]);
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).fields?.map((f) => f.field)).toEqual(['capabilities.0.preset']);
    const twice = await declare(token, [
      { preset: 'codex', version: '1' },
      { preset: 'codex', version: '2' },
    ]);
    expect(twice.status).toBe(400);
    expect((await errorOf(twice)).fields?.map((f) => f.field)).toEqual(['capabilities']);
  });

  it('a task no live runner can run says so, until one can', async () => {
    await createAgent('gemini-worker', { executor: { preset: 'gemini' } });
    const { token, id: runnerId, admin } = await registerRunner('gemini-runner');
    await declare(token, [{ preset: 'codex', version: '1' }]);
    const id = await taskFor('gemini-worker');
    expect(await taskRow(id)).toMatchObject({
      status: 'ASSIGNED',
      phase: 'waiting for a runner that can run gemini',
    });
    const viewer = await call(`/api/tasks/${id}`, { cookie: admin });
    expect(((await viewer.json()) as { phase: string }).phase).toBe(
      'waiting for a runner that can run gemini',
    );

    await declare(token, [{ preset: 'gemini', version: '0.9.0' }]);
    expect((await taskRow(id))?.phase).toBeNull();

    // The runner goes away (revoked): the next sweep says the task waits again.
    expect(
      (await call(`/api/runners/${runnerId}`, { method: 'DELETE', cookie: admin })).status,
    ).toBe(200);
    await cron();
    expect((await taskRow(id))?.phase).toBe('waiting for a runner that can run gemini');
  });

  it('a runner silent for ten minutes no longer counts as able to run its presets', async () => {
    await createAgent('aider-worker', { executor: { preset: 'aider' } });
    const { token, id: runnerId } = await registerRunner('aider-runner');
    await declare(token, [{ preset: 'aider', version: 'aider 0.86.1' }]);
    const id = await taskFor('aider-worker');
    expect((await taskRow(id))?.phase).toBeNull();
    await env.DB.prepare('UPDATE runners SET last_seen_at = ? WHERE id = ?')
      .bind(Date.now() - 11 * 60_000, runnerId)
      .run();
    await cron();
    expect((await taskRow(id))?.phase).toBe('waiting for a runner that can run aider');
  });

  it('an agent whose MCP secrets no longer open fails that task with the reason; the next task is claimed', async () => {
    const { agent } = await createAgent('locked-out', {
      mcpServers: { github: { command: 'github-mcp', env: { GITHUB_TOKEN: SECRET } } },
    });
    await createAgent('still-fine');
    // Sealed under a key HQ no longer has: the format is right, the ciphertext will not open.
    await env.DB.prepare('UPDATE agents SET mcp_servers_sealed = ? WHERE id = ?')
      .bind('v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', agent.id)
      .run();
    const locked = await taskFor('locked-out');
    const fine = await taskFor('still-fine');
    const { token } = await registerRunner('key-runner');
    const claimed = await claim(token);
    expect(claimed?.task.id).toBe(fine);
    expect(await taskRow(locked)).toMatchObject({
      status: 'FAILED',
      failure_reason: expect.stringMatching(
        /^The MCP servers of agent locked-out cannot be decrypted \(.+\); an admin must enter them again\.$/,
      ),
    });
  });

  it('records unknown tokens and cost as unknown, not zero, and keeps the spend totals right', async () => {
    await createAgent('spender');
    const { token } = await registerRunner('spend-runner');
    const ledger = async (taskId: string) =>
      env.DB.prepare(
        'SELECT input_tokens, output_tokens, cost_usd FROM spend_ledger WHERE task_id = ?',
      )
        .bind(taskId)
        .first();
    const admin = (await registerRunner('spend-reader')).admin;
    const before = (await (await call('/api/spend', { cookie: admin })).json()) as {
      total: { costUsd: number; inputTokens: number; unknownCost: number };
    };

    await taskFor('spender', 'tokens only');
    const first = await claim(token);
    const tokensOnly = await runnerCall(token, `/api/runner/tasks/${first?.task.id}/report`, {
      json: success(['src/a.ts'], { inputTokens: 5000, outputTokens: 700, costUsd: null }),
    });
    expect(tokensOnly.status).toBe(200);
    expect(await ledger(first?.task.id ?? '')).toEqual({
      input_tokens: 5000,
      output_tokens: 700,
      cost_usd: null,
    });

    await taskFor('spender', 'nothing known');
    const second = await claim(token);
    await runnerCall(token, `/api/runner/tasks/${second?.task.id}/report`, {
      json: success(['src/b.ts'], { inputTokens: null, outputTokens: null, costUsd: null }),
    });
    expect(await ledger(second?.task.id ?? '')).toEqual({
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
    });

    await taskFor('spender', 'priced');
    const third = await claim(token);
    await runnerCall(token, `/api/runner/tasks/${third?.task.id}/report`, {
      json: success(['src/c.ts'], { inputTokens: 100, outputTokens: 10, costUsd: 0.25 }),
    });
    const after = (await (await call('/api/spend', { cookie: admin })).json()) as {
      total: { costUsd: number; inputTokens: number; unknownCost: number };
      byAgent: { slug: string | null; costUsd: number; unknownCost: number }[];
    };
    expect(after.total.costUsd - before.total.costUsd).toBeCloseTo(0.25, 10);
    expect(after.total.unknownCost - before.total.unknownCost).toBe(2);
    expect(after.byAgent.find((a) => a.slug === 'spender')?.unknownCost).toBe(2);
    expect(after.total.inputTokens - before.total.inputTokens).toBe(5100);
    expect(after.byAgent.find((a) => a.slug === 'spender')?.costUsd).toBeCloseTo(0.25, 10);
    const agent = (await (await call('/api/agents/spender', { cookie: admin })).json()) as {
      spentThisMonthUsd: number;
    };
    expect(agent.spentThisMonthUsd).toBeCloseTo(0.25, 10);
  });
});
