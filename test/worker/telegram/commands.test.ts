import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../worker/ceo/commands';
import { ceo, noModel } from '../ceo/support';
import { hire, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { ask, linkChat, said, useTelegram } from './support';

let operator: number;
let viewer: number;
let admin: number;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  operator = await linkChat('operator@test.hq');
  viewer = await linkChat('viewer@test.hq');
  admin = await linkChat('admin@test.hq');
  await hire({ slug: 'cmd-ada' });
});

describe('slash commands', () => {
  it('has nineteen, each with a help line, all listed by /help', async () => {
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'start',
      'help',
      'status',
      'agents',
      'budget',
      'briefing',
      'missions',
      'approve',
      'reject',
      'tasks',
      'review',
      'why',
      'answer',
      'digest',
      'scan',
      'mute',
      'pause',
      'resume',
      'memory',
    ]);
    const help = await ask(viewer, '/help');
    for (const command of COMMANDS) {
      expect(command.help.length).toBeGreaterThan(10);
      expect(help).toContain(`/${command.name}`);
    }
  });

  it('/start says who the chat is linked to; /status, /agents, /budget, /briefing describe the company', async () => {
    expect(await ask(viewer, '/start')).toContain('linked to viewer@test.hq (viewer)');
    expect(await ask(viewer, '/status')).toMatch(/^Agents: \d+/);
    expect(await ask(viewer, '/agents')).toContain('cmd-ada (cmd-ada), Engineer, m: idle');
    expect(await ask(viewer, '/budget')).toContain('cmd-ada: $0.00');
    expect(await ask(viewer, '/briefing')).toContain('Here is the briefing.');
    expect(await ask(viewer, '/status@hq_test_bot')).toMatch(/^Agents:/);
  });

  it('/missions lists what waits with buttons; /approve and /reject decide by id prefix', async () => {
    const { mission } = await propose(plan({ title: 'Commanded mission' }));
    const { mission: other } = await propose(plan({ title: 'Rejected by command' }));
    await ask(operator, '/missions');
    const listing = (await said(operator)).at(-1) ?? '';
    expect(listing).toContain(`${mission.id.slice(0, 8)} "Commanded mission"`);
    expect(await ask(operator, '/approve')).toBe('Usage: /approve <mission id>');
    expect(await ask(operator, '/reject abc')).toBe('Usage: /reject <mission id> <reason>');
    expect(await ask(operator, '/approve ab')).toContain('at least the first 4 characters');
    expect(await ask(operator, `/approve ${mission.id.slice(0, 8)}`)).toContain(
      'Mission "Commanded mission" approved.',
    );
    expect(await ask(operator, `/approve ${mission.id}`)).toContain('was already approved');
    expect(await ask(operator, `/reject ${other.id.slice(0, 6)} not now, later`)).toContain(
      'rejected',
    );
    const row = await env.DB.prepare(
      'SELECT status, decision_reason AS reason FROM missions WHERE id = ?',
    )
      .bind(other.id)
      .first<{ status: string; reason: string }>();
    expect(row).toEqual({ status: 'REJECTED', reason: 'not now, later' });
  });

  it('refuses writes above the chat user’s role: a viewer cannot approve, an operator cannot pause', async () => {
    const { mission } = await propose(plan({ title: 'Viewer may not' }));
    expect(await ask(viewer, `/approve ${mission.id}`)).toBe(
      '/approve needs the operator role; viewer@test.hq is viewer.',
    );
    expect(await ask(operator, '/pause')).toBe(
      '/pause needs the admin role; operator@test.hq is operator.',
    );
    const still = await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(mission.id)
      .first();
    expect(still).toEqual({ status: 'PROPOSED' });
  });

  it('/tasks filters by state and refuses an unknown one; /review lists the review queue', async () => {
    expect(await ask(viewer, '/tasks')).toMatch(/^Open tasks \(\d+\+?\):/);
    expect(await ask(viewer, '/tasks pending')).toMatch(/^Tasks PENDING/);
    expect(await ask(viewer, '/tasks sleeping')).toContain('Usage: /tasks [PENDING|ASSIGNED|');
    expect(await ask(viewer, '/review')).toMatch(/^Waiting for review \(\d+\):/);
  });

  it('/pause and /resume flip the worker switch for an admin, audited', async () => {
    expect(await ask(admin, '/pause')).toContain('Workers paused');
    const cookie = await signInAs('admin@test.hq');
    const settings = (await (await call('/api/settings', { cookie })).json()) as {
      settings: { workerSwitch: boolean };
    };
    expect(settings.settings.workerSwitch).toBe(false);
    expect(await ask(admin, '/resume')).toContain('Workers resumed');
    const audit = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'settings.update' AND entity_id = 'workerSwitch' AND actor = 'admin@test.hq'`,
    ).first<{ n: number }>();
    expect(audit?.n).toBeGreaterThanOrEqual(2);
  });

  it('/mute holds notifications back for a while, /mute off ends it, bad durations get the usage', async () => {
    expect(await ask(viewer, '/mute 2h')).toContain('Muted until');
    const row = await env.DB.prepare(
      'SELECT muted_until AS until FROM telegram_chats WHERE chat_id = ?',
    )
      .bind(String(viewer))
      .first<{ until: number }>();
    expect(row?.until).toBeGreaterThan(Date.now() + 119 * 60_000);
    expect(await ask(viewer, '/mute forever')).toBe('Usage: /mute [30m|2h|1d|off]');
    expect(await ask(viewer, '/mute off')).toContain('Unmuted');
  });

  it('/scan runs the ops scan now; /digest shows what waits; /memory lists for operators and refuses bad verbs', async () => {
    // The same role as POST /api/ceo/scan: a viewer cannot set off the scan from a chat.
    expect(await ask(viewer, '/scan')).toBe(
      '/scan needs the operator role; viewer@test.hq is viewer.',
    );
    expect(await ask(operator, '/scan')).toMatch(/^Ops scan: /);
    await hire({ slug: 'cmd-bo' }, { slug: 'cmd-cy' });
    const waiting = await ask(viewer, '/digest');
    expect(waiting).toMatch(/^Since the last update \(\d+ events\):[\s\S]*cmd-cy/);
    // Asking takes nothing away: the events wait for the digest everyone gets.
    expect(await ask(viewer, '/digest')).toBe(waiting);
    expect(await ask(operator, '/digest')).toBe(waiting);
    expect(await ask(operator, '/memory')).toContain('Open loops:');
    expect(await ask(operator, '/memory forget x')).toBe(
      'Usage: /memory [resolve <id> | delete <id>]',
    );
    // Viewers do not read the CEO's memory, in Telegram as in the API.
    expect(await ask(viewer, '/memory')).toBe(
      '/memory needs the operator role; viewer@test.hq is viewer.',
    );
    expect(await ask(operator, '/memory resolve abcd')).toBe(
      'No single memory item starts with abcd.',
    );
  });

  it('/memory resolves and deletes an item by the start of its id, audited', async () => {
    const now = Date.now();
    for (const [id, content] of [
      ['mem-resolve-0001', 'Ship the pricing page'],
      ['mem-delete-0002', 'Prefers short updates'],
    ]) {
      await env.DB.prepare(
        `INSERT INTO memory_items (id, kind, content, created_at) VALUES (?, 'open_loop', ?, ?)`,
      )
        .bind(id, content, now)
        .run();
    }
    expect(await ask(operator, '/memory')).toContain('Ship the pricing page');
    expect(await ask(operator, '/memory resolve mem-resolve')).toContain('Ship the pricing page');
    expect(await ask(operator, '/memory delete mem-delete')).toContain('Prefers short updates');
    const rows = await env.DB.prepare(
      `SELECT id, resolved_at AS resolvedAt FROM memory_items WHERE id LIKE 'mem-%' ORDER BY id`,
    ).all<{ id: string; resolvedAt: number | null }>();
    expect(rows.results).toEqual([{ id: 'mem-resolve-0001', resolvedAt: expect.any(Number) }]);
    const audit = await env.DB.prepare(
      `SELECT action, entity_id AS entityId, actor FROM audit_log WHERE entity_id LIKE 'mem-%' ORDER BY id`,
    ).all();
    expect(audit.results).toEqual([
      {
        action: expect.stringMatching(/resolve/),
        entityId: 'mem-resolve-0001',
        actor: 'operator@test.hq',
      },
      {
        action: expect.stringMatching(/delete/),
        entityId: 'mem-delete-0002',
        actor: 'operator@test.hq',
      },
    ]);
    expect(await ask(operator, '/memory')).not.toContain('Ship the pricing page');
  });

  it('counts a command as the operator’s activity: it is in their conversation and holds proactive messages back', async () => {
    const before = Date.now();
    await ask(operator, '/status');
    const state = await ceo().state();
    expect(Date.parse(state.lastOperatorMessageAt ?? '')).toBeGreaterThanOrEqual(before);
    expect(state.guards.operator_active?.closed).toBe(true);
    const recorded = await env.DB.prepare(
      `SELECT m.sender FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.user_email = 'operator@test.hq' AND c.channel = 'telegram' ORDER BY m.id DESC LIMIT 2`,
    ).all<{ sender: string }>();
    expect(recorded.results.map((r) => r.sender)).toEqual(['ceo', 'operator']);
  });

  it('answers an unknown command with a pointer to /help', async () => {
    expect(await ask(viewer, '/dance')).toBe('There is no /dance. /help lists the commands.');
  });
});
