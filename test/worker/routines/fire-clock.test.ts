import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { type MissionTemplate, routines } from '../../../drizzle/schema';
import { database } from '../../../worker/db/client';
import worker from '../../../worker/index';
import { cronSchedule, runDueRoutines } from '../../../worker/routines/clock';
import { fireRoutine } from '../../../worker/routines/fire';

// The routines' engine: fires happen once per scheduled time or key, whatever repeats them.
// Routines are stored directly here; the API that writes them has its own tests.

const MINUTE = 60_000;
const template = (title: string): MissionTemplate => ({
  title,
  brief: 'Every week, the same chore.',
  repository: 'acme/app',
  targetBranch: 'main',
  budgetUsd: 5,
  budgetTokens: null,
  tasks: [{ title: 'Bump deps', spec: 'Bump them.', expectedScope: ['package.json'] }],
});

async function routine(extra: Partial<typeof routines.$inferInsert> & { createdAt: number }) {
  const id = crypto.randomUUID();
  const cron = extra.cron === undefined ? '0 * * * *' : extra.cron;
  await database(env)
    .insert(routines)
    .values({
      id,
      name: `routine ${id.slice(0, 6)}`,
      kind: 'mission',
      template: template(`Chore ${id.slice(0, 6)}`),
      createdBy: 'operator@test.hq',
      updatedAt: extra.createdAt,
      ...cronSchedule(cron, extra.timeZone ?? 'UTC', extra.createdAt),
      ...extra,
      cron,
    });
  return id;
}

const read = (id: string) =>
  database(env)
    .select()
    .from(routines)
    .all()
    .then((rows) => rows.find((r) => r.id === id));

const fires = (id: string) =>
  env.DB.prepare(
    `SELECT f.fire_key AS key, f.status, f.reason, f.scheduled_for AS scheduledFor,
       m.status AS missionStatus, m.proposed_by AS proposedBy
     FROM routine_fires f LEFT JOIN missions m ON m.id = f.mission_id
     WHERE f.routine_id = ? ORDER BY f.scheduled_for, f.created_at`,
  )
    .bind(id)
    .all<{
      key: string;
      status: string;
      reason: string | null;
      scheduledFor: number;
      missionStatus: string | null;
      proposedBy: string | null;
    }>()
    .then((r) => r.results);

const tick = (at: number) =>
  worker.scheduled(createScheduledController({ scheduledTime: at, cron: '* * * * *' }), env);

// A whole hour, so hourly schedules land on it: 2026-03-02T10:00Z.
const HOUR = Date.UTC(2026, 2, 2, 10, 0);

describe('cron fires', () => {
  it('fires once per scheduled time even when ticks overlap or repeat', async () => {
    const id = await routine({ createdAt: HOUR - 30 * MINUTE, concurrency: 'always' });
    expect((await read(id))?.nextRunAt).toBe(HOUR);
    // Nothing due before 10:00.
    await tick(HOUR - MINUTE);
    expect(await fires(id)).toEqual([]);
    // Three ticks at once, and the same tick again later: one fire, one mission.
    await Promise.all([tick(HOUR), tick(HOUR + 1_000), tick(HOUR + 2_000)]);
    await tick(HOUR + 3 * MINUTE);
    const once = await fires(id);
    expect(once).toHaveLength(1);
    expect(once[0]).toMatchObject({
      key: `cron:${new Date(HOUR).toISOString()}`,
      status: 'proposed',
      missionStatus: 'PROPOSED',
      proposedBy: `routine:${id}`,
    });
    expect((await read(id))?.nextRunAt).toBe(HOUR + 60 * MINUTE);
    const missions = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM missions WHERE proposed_by = ?`,
    )
      .bind(`routine:${id}`)
      .first<{ n: number }>();
    expect(missions?.n).toBe(1);
  });

  it('reads the schedule in the routine’s time zone', async () => {
    // 09:00 in Tokyo is 00:00 UTC.
    const midnight = Date.UTC(2026, 2, 3, 0, 0);
    const id = await routine({
      createdAt: midnight - 120 * MINUTE,
      cron: '0 9 * * *',
      timeZone: 'Asia/Tokyo',
    });
    expect((await read(id))?.nextRunAt).toBe(midnight);
  });

  it('skips a fire while the last fire’s mission is still open (skip_if_open)', async () => {
    const id = await routine({ createdAt: HOUR - 30 * MINUTE });
    await tick(HOUR);
    await tick(HOUR + 60 * MINUTE);
    const [first, second] = await fires(id);
    expect(first?.status).toBe('proposed');
    expect(second?.status).toBe('skipped');
    expect(second?.reason).toContain('is still PROPOSED');
  });
});

describe('catch-up after downtime', () => {
  it('skip: the missed times are recorded as one skip, the one on time fires', async () => {
    // Created at 04:30; HQ was down until 10:00: 05:00 to 09:00 were missed.
    const id = await routine({ createdAt: HOUR - 330 * MINUTE, concurrency: 'always' });
    await tick(HOUR + 2 * MINUTE);
    const [missed, onTime, ...rest] = await fires(id);
    expect(rest).toEqual([]);
    expect(missed).toMatchObject({ status: 'skipped', scheduledFor: HOUR - 300 * MINUTE });
    expect(missed?.reason).toContain('5 scheduled runs missed while HQ was down');
    expect(onTime).toMatchObject({ status: 'proposed', scheduledFor: HOUR });
  });

  it('run_one: one fire stands for every missed time, and a repeat tick adds nothing', async () => {
    const id = await routine({
      createdAt: HOUR - 330 * MINUTE,
      catchUp: 'run_one',
      concurrency: 'always',
    });
    // Down until 10:30: 05:00 to 10:00 are all late.
    await Promise.all([tick(HOUR + 30 * MINUTE), tick(HOUR + 30 * MINUTE)]);
    await tick(HOUR + 31 * MINUTE);
    const all = await fires(id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'proposed', scheduledFor: HOUR });
    expect(all[0]?.reason).toContain('catching up 6 scheduled runs missed');
  });

  it('skip with nothing on time: the whole gap is one skip and nothing starts', async () => {
    const id = await routine({ createdAt: HOUR - 90 * MINUTE });
    await runDueRoutines(env, HOUR + 30 * MINUTE);
    const all = await fires(id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'skipped', missionStatus: null });
    expect(all[0]?.reason).toContain('its catch-up policy skips them');
  });
});

describe('a fire by key', () => {
  it('the same key three times is one fire; a pre-approved routine approves at once', async () => {
    const id = await routine({ createdAt: Date.now(), cron: null, preApprovedBy: 'op@test.hq' });
    const row = await read(id);
    if (!row) throw new Error('no routine');
    const request = {
      trigger: 'webhook' as const,
      key: 'webhook:delivery-1',
      scheduledFor: Date.now(),
      actor: 'webhook',
      requestId: 'r1',
    };
    const answers = await Promise.all([1, 2, 3].map(() => fireRoutine(env, row, request)));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    const all = await fires(id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'approved', missionStatus: 'APPROVED' });
    const audit = await env.DB.prepare(
      `SELECT actor FROM audit_log WHERE action = 'mission.approve' AND entity_id =
         (SELECT mission_id FROM routine_fires WHERE routine_id = ?)`,
    )
      .bind(id)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe(`routine:${id}`);
  });

  it('a paused routine records the fire as skipped, and a bad template as failed', async () => {
    const paused = await routine({ createdAt: Date.now(), pausedAt: Date.now(), pausedBy: 'op' });
    const broken = await routine({
      createdAt: Date.now(),
      template: { ...template('x'), tasks: [] },
    });
    for (const id of [paused, broken]) {
      const row = await read(id);
      if (!row) throw new Error('no routine');
      await fireRoutine(env, row, {
        trigger: 'api',
        key: 'api:k',
        scheduledFor: Date.now(),
        actor: 'op',
        requestId: 'r',
      });
    }
    expect((await fires(paused))[0]).toMatchObject({ status: 'skipped' });
    expect((await fires(paused))[0]?.reason).toContain('paused');
    expect((await fires(broken))[0]).toMatchObject({ status: 'failed' });
    expect((await fires(broken))[0]?.reason).toContain('tasks');
  });
});
