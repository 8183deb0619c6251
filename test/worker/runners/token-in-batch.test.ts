import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { approve, hire, plan, propose } from '../missions/support';
import { call } from '../support/client';
import { type ClaimBody, cancelOpenTasks, registerRunner, runnerCall } from './support';

// The heartbeat and the claim check their runner's token inside their own D1 batch, not in a
// guard before it (one round trip fewer): these pin that the check still comes first in effect.

const beat = {
  phase: 'editing',
  lastLine: 'editing src/a.ts',
  usage: { inputTokens: 900, outputTokens: 90, costUsd: 0.5 },
  disk: { freeBytes: 123, clones: 7 },
};

async function claimedTask(name: string) {
  const runner = await registerRunner(name);
  await hire({ slug: `${name}-agent` });
  const { mission, operator } = await propose(
    plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
  );
  await approve(mission.id, operator);
  const claimed = await runnerCall(runner.token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  expect(claimed.status).toBe(200);
  return { ...runner, task: ((await claimed.json()) as ClaimBody).task };
}

const taskRow = (id: string) =>
  env.DB.prepare(
    'SELECT last_heartbeat_at, last_line, run_input_tokens, run_cost_usd FROM tasks WHERE id = ?',
  )
    .bind(id)
    .first();
const runnerRow = (id: string) =>
  env.DB.prepare('SELECT last_seen_at, free_disk_bytes, clones, disk_at FROM runners WHERE id = ?')
    .bind(id)
    .first();

describe('runner heartbeat: the token checked in the beat’s own batch', () => {
  it('a revoked token or a forged one is refused 401 and writes nothing', async () => {
    const { id, token, admin, task } = await claimedTask('beat-revoked');
    await call(`/api/runners/${id}`, { method: 'DELETE', cookie: admin });
    const [taskBefore, runnerBefore] = [await taskRow(task.id), await runnerRow(id)];
    const path = `/api/runner/tasks/${task.id}/heartbeat`;
    const revoked = await runnerCall(token, path, { json: beat });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { error: { message: string } }).error.message).toBe(
      'Unknown or revoked runner token.',
    );
    expect((await runnerCall('hqr_forged', path, { json: beat })).status).toBe(401);
    expect((await call(path, { method: 'POST', json: beat })).status).toBe(401);
    expect(await taskRow(task.id)).toEqual(taskBefore);
    expect(await runnerRow(id)).toEqual(runnerBefore);
    await cancelOpenTasks();
  });

  it('a live runner’s beat lands with its disk, and its contact time is written at most every 15 s', async () => {
    const { id, token, task } = await claimedTask('beat-live');
    const path = `/api/runner/tasks/${task.id}/heartbeat`;
    const stale = Date.now() - 20_000;
    await env.DB.prepare('UPDATE runners SET last_seen_at = ? WHERE id = ?').bind(stale, id).run();
    const answer = await runnerCall(token, path, { json: beat });
    expect(answer.status).toBe(200);
    expect(await taskRow(task.id)).toMatchObject({
      last_line: beat.lastLine,
      run_input_tokens: 900,
      run_cost_usd: 0.5,
    });
    const seen = (await runnerRow(id)) as { last_seen_at: number };
    expect(seen).toMatchObject({ free_disk_bytes: 123, clones: 7 });
    expect(seen.last_seen_at).toBeGreaterThan(stale);

    // Seen a second ago: the next beat leaves the contact time alone.
    const recent = Date.now() - 1_000;
    await env.DB.prepare('UPDATE runners SET last_seen_at = ? WHERE id = ?').bind(recent, id).run();
    expect((await runnerCall(token, path, { json: { progress: 0.5 } })).status).toBe(200);
    expect(((await runnerRow(id)) as { last_seen_at: number }).last_seen_at).toBe(recent);
    await cancelOpenTasks();
  });

  it('a revoked runner’s claim is refused 401: no task moves and its disk is not written', async () => {
    const { id, token, admin } = await registerRunner('claim-revoked');
    await hire({ slug: 'claim-revoked-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    await approve(mission.id, operator);
    await call(`/api/runners/${id}`, { method: 'DELETE', cookie: admin });
    const runnerBefore = await runnerRow(id);
    const claim = { waitSeconds: 0, disk: { freeBytes: 5, clones: 1 } };
    expect((await runnerCall(token, '/api/runner/claim', { json: claim })).status).toBe(401);
    expect((await runnerCall('hqr_forged', '/api/runner/claim', { json: claim })).status).toBe(401);
    expect(await runnerRow(id)).toEqual(runnerBefore);
    const running = await env.DB.prepare(
      "SELECT count(*) AS n FROM tasks WHERE mission_id = ? AND status = 'RUNNING'",
    )
      .bind(mission.id)
      .first<{ n: number }>();
    expect(running?.n).toBe(0);
    await cancelOpenTasks();
  });

  it('a claim stores the disk its runner reports; one that serves nothing gets 204', async () => {
    const { id, token } = await registerRunner('claim-disk', null);
    const claim = { waitSeconds: 0, disk: { freeBytes: 4096, clones: 2 } };
    expect((await runnerCall(token, '/api/runner/claim', { json: claim })).status).toBe(204);
    expect(await runnerRow(id)).toMatchObject({ free_disk_bytes: 4096, clones: 2 });
  });
});
