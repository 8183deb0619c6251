import { describe, expect, it } from 'vitest';
import { approve, hire, plan, propose } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';
import { type ClaimBody, headCommit, registerRunner, runnerCall, success } from './support';

/** A fresh task, claimed by a fresh runner: its id and the runner's token. */
async function runningTask(slug: string) {
  const runner = await registerRunner(`${slug}-runner`);
  await hire({ slug });
  const { mission, operator } = await propose(
    plan({ tasks: [{ title: `${slug} task`, spec: 's', expectedScope: ['**'], agentHint: slug }] }),
  );
  expect((await approve(mission.id, operator)).status).toBe(200);
  const claimed = await runnerCall(runner.token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  expect(claimed.status).toBe(200);
  const claim = (await claimed.json()) as ClaimBody;
  return { id: claim.task.id, token: runner.token };
}

const PATCH =
  'diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-old\n+new\n';

const upload = (token: string, id: string, query: string, body = PATCH) =>
  call(`/api/runner/tasks/${id}/patch?${query}`, {
    method: 'PUT',
    body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/x-diff' },
  });

const report = (token: string, id: string) =>
  runnerCall(token, `/api/runner/tasks/${id}/report`, { json: success(['src/a.ts']) });

describe('a run’s patch: the runner uploads it, signed-in people read it', () => {
  it('stores the patch of a head and serves it as the task’s current patch after the report', async () => {
    const { id, token } = await runningTask('patch-writer');
    const stored = await upload(token, id, `head=${headCommit()}&fullBytes=${PATCH.length}`);
    expect(stored.status, await stored.clone().text()).toBe(200);
    expect(await stored.json()).toEqual({
      headCommit: headCommit(),
      bytes: PATCH.length,
      truncated: false,
      fullBytes: PATCH.length,
    });
    expect((await report(token, id)).status).toBe(200);

    const viewer = await signInAs('viewer@test.hq');
    const read = await call(`/api/tasks/${id}/patch`, { cookie: viewer });
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toBe('text/x-diff; charset=utf-8');
    expect(read.headers.get('x-hq-head-commit')).toBe(headCommit());
    expect(read.headers.get('x-hq-truncated')).toBe('false');
    expect(await read.text()).toBe(PATCH);
    // By head, explicitly: the same patch; an unknown head is 404 naming it.
    const byHead = await call(`/api/tasks/${id}/patch?head=${headCommit()}`, { cookie: viewer });
    expect(await byHead.text()).toBe(PATCH);
    const other = await call(`/api/tasks/${id}/patch?head=${headCommit(2)}`, { cookie: viewer });
    expect(other.status).toBe(404);
    expect((await errorOf(other)).message).toContain(headCommit(2));
  });

  it('round-trips the truncated flag and the full size', async () => {
    const { id, token } = await runningTask('patch-cut');
    const cut = `${PATCH}# HQ: patch cut at 1 MB of 3.4 MB; 2 files not shown\n`;
    const stored = await upload(
      token,
      id,
      `head=${headCommit()}&truncated=true&fullBytes=3400000`,
      cut,
    );
    expect(stored.status).toBe(200);
    expect((await report(token, id)).status).toBe(200);
    const read = await call(`/api/tasks/${id}/patch`, { cookie: await signInAs('viewer@test.hq') });
    expect(read.headers.get('x-hq-truncated')).toBe('true');
    expect(read.headers.get('x-hq-full-bytes')).toBe('3400000');
    expect(await read.text()).toBe(cut);
  });

  it('refuses another runner (409), a head that is not 40 hex digits (400), a body over the cap (413)', async () => {
    const { id, token } = await runningTask('patch-guard');
    const stranger = await registerRunner('patch-stranger');
    const refused = await upload(stranger.token, id, `head=${headCommit()}`);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).code).toBe('conflict');
    const badHead = await upload(token, id, 'head=HEAD');
    expect(badHead.status).toBe(400);
    expect((await upload(token, id, `head=${'a'.repeat(39)}`)).status).toBe(400);
    const tooBig = await upload(token, id, `head=${headCommit()}`, 'x'.repeat(1_000_001));
    expect(tooBig.status).toBe(413);
    // A viewer's session is not a runner's token.
    const viewer = await signInAs('viewer@test.hq');
    const asViewer = await call(`/api/runner/tasks/${id}/patch?head=${headCommit()}`, {
      method: 'PUT',
      cookie: viewer,
      body: PATCH,
    });
    expect(asViewer.status).toBe(401);
  });

  it('answers 404 naming why when there is no patch', async () => {
    const { id, token } = await runningTask('patch-none');
    const viewer = await signInAs('viewer@test.hq');
    const before = await call(`/api/tasks/${id}/patch`, { cookie: viewer });
    expect(before.status).toBe(404);
    expect((await errorOf(before)).message).toContain('no reported head');
    // Reported without an upload (the upload failed): the report stands, the patch is missing.
    expect((await report(token, id)).status).toBe(200);
    const after = await call(`/api/tasks/${id}/patch`, { cookie: viewer });
    expect(after.status).toBe(404);
    expect((await errorOf(after)).message).toContain(`no patch for head ${headCommit()}`);
    expect((await call('/api/tasks/no-such-task/patch', { cookie: viewer })).status).toBe(404);
  });
});
