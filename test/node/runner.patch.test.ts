// The patch a run sends HQ (runner/git/patch.ts, runner/patch-upload.ts), made from a real
// recorded run: the files' hunks, a secret of the run's environment masked, a patch over the
// cap cut at a file boundary with a note, and an upload HQ refuses said without throwing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HqClient } from '../../runner/api';
import { openWorkspace } from '../../runner/clones/workspace';
import { capPatch, runPatch } from '../../runner/git/patch';
import { Masker, runSecrets } from '../../runner/logs/mask';
import { sendPatch } from '../../runner/patch-upload';
import { FIRST_ROUND, recordFirstRound, runnerRepo } from '../support/runner-repo';

const { repo, clones, gitIn, remove } = runnerRepo('hq-patch-');
afterAll(remove);

const SECRET = 'sk-live-0123456789abcdef';
const masker = new Masker(runSecrets(['DEPLOY_TOKEN'], { DEPLOY_TOKEN: SECRET }));
const mask = (text: string) => masker.mask(text);

describe('the patch of a recorded run', () => {
  it('holds every file’s hunks against the base, binary files as a line, the secret masked', async () => {
    const ws = await openWorkspace(clones, repo, FIRST_ROUND, null);
    writeFileSync(join(ws.dir, 'README.md'), '# demo\nmore\n');
    gitIn(ws.dir, 'add', '.');
    gitIn(ws.dir, 'commit', '-qm', 'agent work');
    // Left uncommitted: the runner commits it, and it is in the patch too.
    writeFileSync(join(ws.dir, 'config.env'), `TOKEN=${SECRET}\n`);
    writeFileSync(join(ws.dir, 'logo.bin'), Buffer.from([0, 1, 2, 255, 0]));
    const recorded = await recordFirstRound(repo, ws, 'Patch');

    const patch = await runPatch(repo.path, 'refs/heads/main', recorded.headCommit, mask);
    expect(patch.truncated).toBe(false);
    expect(patch.text).toContain('diff --git a/README.md b/README.md');
    expect(patch.text).toContain('@@ -1 +1,2 @@\n # demo\n+more\n');
    expect(patch.text).toContain('+TOKEN=[masked DEPLOY_TOKEN]\n');
    expect(patch.text).not.toContain(SECRET);
    expect(patch.text).toContain('Binary files /dev/null and b/logo.bin differ');
    // The same files as the numstat the report carries.
    const files = [...patch.text.matchAll(/^diff --git a\/(\S+)/gm)].map((m) => m[1]);
    expect(files).toEqual(recorded.numstat.map((entry) => entry.path));
    expect(patch.fullBytes).toBe(Buffer.byteLength(patch.text));
  });

  it('cuts a patch over the cap at a file boundary and ends it with a note', () => {
    const file = (n: number) =>
      `diff --git a/f${n} b/f${n}\n--- a/f${n}\n+++ b/f${n}\n@@ -0,0 +1 @@\n+${'x'.repeat(400)}\n`;
    const whole = [1, 2, 3, 4, 5].map(file).join('');
    const cut = capPatch(whole, 1200);
    expect(cut.truncated).toBe(true);
    expect(cut.fullBytes).toBe(Buffer.byteLength(whole));
    expect(cut.text.startsWith(file(1) + file(2))).toBe(true);
    expect(cut.text).not.toContain('f3');
    expect(cut.text).toMatch(/\n# HQ: patch cut at \d+ B of 2\.\d KiB; 3 file\(s\) not shown\n$/);
    expect(Buffer.byteLength(cut.text)).toBeLessThanOrEqual(1200);
    // One file alone over the cap: its whole lines that fit, and the note says so.
    const big = `diff --git a/big b/big\n${'+line\n'.repeat(100)}`;
    const short = capPatch(big, 400);
    expect(short.text).toMatch(
      /\+line\n# HQ: patch cut at \d+ B of 623 B; the first file cut short, 0 file\(s\) not shown\n$/,
    );
    expect(Buffer.byteLength(short.text)).toBeLessThanOrEqual(400);
    // Under the cap: as it is.
    expect(capPatch(whole, 1_000_000)).toEqual({
      text: whole,
      truncated: false,
      fullBytes: whole.length,
    });
  });

  it('says an upload HQ refuses in a line for the log, masked, and does not throw', async () => {
    // Nothing listens on port 9: the request fails as a network error would.
    const client = new HqClient('http://127.0.0.1:9', 'token');
    const head = gitIn(repo.path, 'rev-parse', 'main');
    const line = await sendPatch({
      client,
      taskId: FIRST_ROUND.id,
      repo: repo.path,
      base: 'refs/heads/main',
      head,
      mask,
    });
    expect(line).toMatch(
      /^runner: the patch could not be uploaded \(.+\); reporting without it\n$/,
    );
  });
});
