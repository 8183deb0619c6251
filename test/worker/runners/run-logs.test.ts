import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { appendChunk, DOWNLOAD_CHUNKS, MAX_BATCH_BYTES } from '../../../worker/run-logs/store';
import { approve, hire, plan, propose } from '../missions/support';
import { agentIs, isSnapshot, openOffice } from '../office/support';
import { call, errorOf, signInAs } from '../support/client';
import { type ClaimBody, registerRunner, runnerCall, success } from './support';

interface LogPage {
  run: number | null;
  runs: number;
  live: boolean;
  chunks: { seq: number; text: string }[];
  next: number;
  more: boolean;
}

/** A fresh task, claimed by a fresh runner: its id, the run it is in, and the runner's token. */
async function runningTask(slug: string) {
  const runner = await registerRunner(`${slug}-runner`);
  await hire({ slug });
  const { mission, operator } = await propose(
    plan({ tasks: [{ title: `${slug} task`, spec: 's', expectedScope: ['**'], agentHint: slug }] }),
  );
  expect((await approve(mission.id, operator)).status).toBe(200);
  const claimed = await runnerCall(runner.token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  const claim = (await claimed.json()) as ClaimBody & { task: { runs: number } };
  return { id: claim.task.id, run: claim.task.runs, token: runner.token, operator };
}

const append = (token: string, id: string, json: unknown) =>
  runnerCall(token, `/api/runner/tasks/${id}/logs`, { json });

async function page(cookie: string, id: string, query = ''): Promise<LogPage> {
  const response = await call(`/api/tasks/${id}/logs${query}`, { cookie });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as LogPage;
}

describe('run logs: a runner appends batches, signed-in people read them live', () => {
  it('stores batches in order, once per number, and reads them after a cursor while the run goes on', async () => {
    const { id, run, token } = await runningTask('log-writer');
    expect(run).toBe(1);
    // Out of order on the wire (a retry overtaken by the next batch): read back in order.
    for (const [seq, text] of [
      [2, 'second\n'],
      [1, 'first\n'],
      [3, 'third\n'],
    ] as const) {
      const response = await append(token, id, { run, seq, text });
      expect(await response.json()).toEqual({ seq, stored: true });
    }
    // A retry of batch 2 stores nothing, and another text under its number changes nothing.
    const again = await append(token, id, { run, seq: 2, text: 'not what was logged\n' });
    expect(await again.json()).toEqual({ seq: 2, stored: false });

    const viewer = await signInAs('viewer@test.hq');
    const all = await page(viewer, id);
    expect(all).toMatchObject({ run: 1, runs: 1, live: true, next: 3, more: false });
    expect(all.chunks.map((c) => c.text).join('')).toBe('first\nsecond\nthird\n');
    const after = await page(viewer, id, '?after=2');
    expect(after.chunks).toEqual([{ seq: 3, text: 'third\n' }]);
    const none = await page(viewer, id, '?after=3');
    expect(none).toMatchObject({ chunks: [], next: 3, live: true });

    const download = await call(`/api/tasks/${id}/logs.txt`, { cookie: viewer });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="task-${id}-run-1.log"`,
    );
    expect(await download.text()).toBe('first\nsecond\nthird\n');
  });

  it('refuses a batch over the limit with 413 naming it, and an empty or unnumbered one with 400', async () => {
    const { id, run, token } = await runningTask('log-flood');
    // 'é' is two bytes in UTF-8: under the limit in characters, over it in bytes.
    const tooBig = await append(token, id, {
      run,
      seq: 1,
      text: 'é'.repeat(MAX_BATCH_BYTES / 2 + 1),
    });
    expect(tooBig.status).toBe(413);
    const error = await errorOf(tooBig);
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toBe(
      `A log batch holds at most ${MAX_BATCH_BYTES} bytes of text; batch 1 has ${MAX_BATCH_BYTES + 2}. Send it in smaller batches.`,
    );
    expect(error.fields).toEqual([
      { field: 'text', in: 'body', message: `over ${MAX_BATCH_BYTES} bytes` },
    ]);
    const empty = await append(token, id, { run, seq: 1, text: '' });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).fields?.[0]?.field).toBe('text');
    const unnumbered = await append(token, id, { run, text: 'x' });
    expect((await errorOf(unnumbered)).fields?.[0]?.field).toBe('seq');
    const exactly = await append(token, id, { run, seq: 1, text: 'a'.repeat(MAX_BATCH_BYTES) });
    expect(exactly.status).toBe(200);
    expect((await page(await signInAs('viewer@test.hq'), id)).chunks).toHaveLength(1);
  });

  it('lets only the runner holding the task append, only in its current run, and closes the log with the report', async () => {
    const { id, run, token } = await runningTask('log-owner');
    const stranger = await registerRunner('log-stranger');
    const foreign = await append(stranger.token, id, { run, seq: 1, text: 'intruder\n' });
    expect(foreign.status).toBe(409);
    expect((await errorOf(foreign)).message).toBe(
      `Task ${id} is RUNNING and not RUNNING on runner log-stranger: its log is closed to this runner.`,
    );
    const stale = await append(token, id, { run: run + 1, seq: 1, text: 'from another run\n' });
    expect(stale.status).toBe(409);
    expect((await errorOf(stale)).message).toBe(`Task ${id} is in run 1; run 2 is over.`);
    expect((await append(token, id, { run, seq: 1, text: 'mine\n' })).status).toBe(200);

    const reported = await runnerCall(token, `/api/runner/tasks/${id}/report`, {
      json: success(['a.ts']),
    });
    expect(reported.status).toBe(200);
    const late = await append(token, id, { run, seq: 2, text: 'after the report\n' });
    expect(late.status).toBe(409);
    const viewer = await signInAs('viewer@test.hq');
    expect(await page(viewer, id)).toMatchObject({
      live: false,
      chunks: [{ seq: 1, text: 'mine\n' }],
    });
    expect((await call(`/api/tasks/nope/logs`, { cookie: viewer })).status).toBe(404);
    expect((await append(token, 'nope', { run: 1, seq: 1, text: 'x' })).status).toBe(404);
  });

  it('is readable by viewers and up, and by nobody signed out', async () => {
    const { id, run, token } = await runningTask('log-reader');
    await append(token, id, { run, seq: 1, text: 'hello\n' });
    for (const email of ['viewer@test.hq', 'operator@test.hq', 'admin@test.hq']) {
      expect((await page(await signInAs(email), id)).chunks).toHaveLength(1);
    }
    for (const path of [`/api/tasks/${id}/logs`, `/api/tasks/${id}/logs.txt`]) {
      const anonymous = await call(path);
      expect(anonymous.status).toBe(401);
      expect((await errorOf(anonymous)).code).toBe('unauthenticated');
      // A runner's token is no session either.
      expect((await call(path, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        401,
      );
    }
  });

  it('keeps each run apart: a rerun starts an empty log, the earlier run stays readable', async () => {
    const { id, run, token } = await runningTask('log-rerun');
    await append(token, id, { run, seq: 1, text: 'first attempt\n' });
    await runnerCall(token, `/api/runner/tasks/${id}/heartbeat`, {
      json: { lastLine: 'first attempt' },
    });
    await runnerCall(token, `/api/runner/tasks/${id}/release`, { json: { reason: 'stopping' } });
    const again = (await (
      await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } })
    ).json()) as ClaimBody & { task: { runs: number; lastLine: string | null } };
    expect(again.task).toMatchObject({ id, runs: 2, lastLine: null });
    await append(token, id, { run: 2, seq: 1, text: 'second attempt\n' });
    const viewer = await signInAs('viewer@test.hq');
    expect(await page(viewer, id)).toMatchObject({
      run: 2,
      runs: 2,
      live: true,
      chunks: [{ seq: 1, text: 'second attempt\n' }],
    });
    expect(await page(viewer, id, '?run=1')).toMatchObject({
      run: 1,
      live: false,
      chunks: [{ seq: 1, text: 'first attempt\n' }],
    });
    const missing = await call(`/api/tasks/${id}/logs?run=3`, { cookie: viewer });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).message).toBe(
      `Task ${id} has run 2 time(s); there is no run 3.`,
    );
    await runnerCall(token, `/api/runner/tasks/${id}/report`, { json: success(['a.ts']) });
  });

  it('pages a long log and stops a download at its cap, saying where the rest is', async () => {
    const { id, run, token } = await runningTask('log-long');
    // Stored through the store itself: 900-odd requests through the API would only be slow.
    const total = DOWNLOAD_CHUNKS + 5;
    for (let start = 1; start <= total; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, total - start + 1) }, (_, i) =>
          appendChunk(env.RUN_LOGS, id, run, { seq: start + i, text: `line ${start + i}\n` }),
        ),
      );
    }
    const viewer = await signInAs('viewer@test.hq');
    const first = await page(viewer, id);
    expect(first).toMatchObject({ more: true, next: 100 });
    expect(first.chunks).toHaveLength(100);
    const second = await page(viewer, id, `?after=${first.next}`);
    expect(second.chunks[0]).toEqual({ seq: 101, text: 'line 101\n' });

    const text = await (await call(`/api/tasks/${id}/logs.txt`, { cookie: viewer })).text();
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, DOWNLOAD_CHUNKS)).toEqual(
      Array.from({ length: DOWNLOAD_CHUNKS }, (_, i) => `line ${i + 1}`),
    );
    expect(lines.at(-1)).toBe(
      `[HQ: the download stops after ${DOWNLOAD_CHUNKS} batches; the rest is at GET /api/tasks/${id}/logs?run=1&after=${DOWNLOAD_CHUNKS}]`,
    );
    await runnerCall(token, `/api/runner/tasks/${id}/report`, { json: success(['a.ts']) });
    // Nine hundred objects written and read back: seconds on a busy two-core machine.
  }, 60_000);
});

describe('the last meaningful line from heartbeats', () => {
  it('shows on the task and on the office card of the agent at work', async () => {
    const viewerCookie = await signInAs('viewer@test.hq');
    const office = await openOffice(viewerCookie);
    try {
      await office.next(isSnapshot);
      const { id, token } = await runningTask('log-liner');
      const beat = await runnerCall(token, `/api/runner/tasks/${id}/heartbeat`, {
        json: {
          phase: 'running',
          logTail: 'a\nb\nEditing src/app.ts',
          lastLine: 'Editing src/app.ts',
        },
      });
      expect(beat.status).toBe(200);
      const task = (await (await call(`/api/tasks/${id}`, { cookie: viewerCookie })).json()) as {
        lastLine: string | null;
      };
      expect(task.lastLine).toBe('Editing src/app.ts');
      const listed = (await (
        await call('/api/tasks?agent=log-liner', { cookie: viewerCookie })
      ).json()) as { items: { lastLine: string | null }[] };
      expect(listed.items[0]?.lastLine).toBe('Editing src/app.ts');
      // A heartbeat without a line keeps the last one.
      await runnerCall(token, `/api/runner/tasks/${id}/heartbeat`, { json: { phase: 'running' } });
      const card = await office.next(
        (m): m is Extract<typeof m, { type: 'agent' }> =>
          agentIs('log-liner', 'working')(m) && m.agent.task?.lastLine === 'Editing src/app.ts',
      );
      expect(card.agent.task).toMatchObject({ id, lastLine: 'Editing src/app.ts' });
      const refused = await runnerCall(token, `/api/runner/tasks/${id}/heartbeat`, {
        json: { lastLine: 'x'.repeat(501) },
      });
      expect((await errorOf(refused)).fields?.[0]?.field).toBe('lastLine');
      await runnerCall(token, `/api/runner/tasks/${id}/report`, { json: success(['a.ts']) });
    } finally {
      office.close();
    }
  });
});
