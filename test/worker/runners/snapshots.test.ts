import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from '../support/client';
import { headCommit, registerRunner, runnerCall } from './support';

// Runners report each served repository's tracked files; viewers read the newest report.

const path = (name: string) => `/api/runner/repositories/${encodeURIComponent(name)}/snapshot`;
const files = (name: string) => `/api/repositories/${encodeURIComponent(name)}/files`;
const report = (extra: Record<string, unknown> = {}) => ({
  branch: 'main',
  headCommit: headCommit(7),
  files: ['README.md', 'src/search/api.ts'],
  fileCount: 2,
  ...extra,
});

describe('repository snapshots', () => {
  it('need a runner token, and a repository that runner declared', async () => {
    const { token } = await registerRunner('snap-refused', [{ name: 'snap/app', pushes: false }]);
    const anonymous = await call(path('snap/app'), { method: 'PUT', json: report() });
    expect(anonymous.status).toBe(401);
    const other = await runnerCall(token, path('snap/other'), { method: 'PUT', json: report() });
    expect(other.status).toBe(403);
    expect((await errorOf(other)).message).toBe(
      'Runner snap-refused does not serve repository snap/other (it declared: snap/app); declare it in PUT /api/runner/capabilities first.',
    );
    const badName = await runnerCall(token, path('../etc'), { method: 'PUT', json: report() });
    expect(badName.status).toBe(400);
    expect((await errorOf(badName)).fields?.map((f) => f.field)).toContain('name');
  });

  it('are validated field by field', async () => {
    const { token } = await registerRunner('snap-bad', [{ name: 'snap/bad', pushes: false }]);
    const cases: [Record<string, unknown>, string][] = [
      [{ headCommit: 'abc' }, 'headCommit'],
      [{ branch: '-x' }, 'branch'],
      [{ fileCount: 1 }, 'fileCount'],
      [{ files: Array.from({ length: 5001 }, (_, i) => `f${i}`), fileCount: 6000 }, 'files'],
      [{ extra: true }, ''],
    ];
    for (const [extra, field] of cases) {
      const response = await runnerCall(token, path('snap/bad'), {
        method: 'PUT',
        json: report(extra),
      });
      expect(response.status, field).toBe(400);
      if (field) expect((await errorOf(response)).fields?.map((f) => f.field)).toContain(field);
    }
  });

  it('are upserted per runner; the newest is what viewers read', async () => {
    const viewer = await signInAs('viewer@test.hq');
    const none = await call(files('snap/read'), { cookie: viewer });
    expect(none.status).toBe(404);
    expect((await errorOf(none)).message).toContain('No runner has reported the files');

    const a = await registerRunner('snap-a', [{ name: 'snap/read', pushes: false }]);
    const b = await registerRunner('snap-b', [{ name: 'snap/read', pushes: false }]);
    const first = await runnerCall(a.token, path('snap/read'), { method: 'PUT', json: report() });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ repository: 'snap/read', files: 2, fileCount: 2 });
    await runnerCall(b.token, path('snap/read'), {
      method: 'PUT',
      json: report({ headCommit: headCommit(8), files: ['a.ts'], fileCount: 9 }),
    });
    const read = await call(files('snap/read'), { cookie: viewer });
    expect(await read.json()).toMatchObject({
      runner: { name: 'snap-b' },
      headCommit: headCommit(8),
      files: ['a.ts'],
      fileCount: 9,
    });
    // The same runner again: its row is replaced, not added.
    await runnerCall(a.token, path('snap/read'), {
      method: 'PUT',
      json: report({ headCommit: headCommit(9), files: ['b.ts', 'c.ts'], fileCount: 2 }),
    });
    const newest = (await (await call(files('snap/read'), { cookie: viewer })).json()) as {
      headCommit: string;
      files: string[];
    };
    expect(newest).toMatchObject({ headCommit: headCommit(9), files: ['b.ts', 'c.ts'] });
  });
});
