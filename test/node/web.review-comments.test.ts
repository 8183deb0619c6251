import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HqApi, hqApi, signInDev, type TempRepo, tempRepo, waitFor } from '../support/hq-api';
import { endProcess } from '../support/processes';
import { E2E_REPOSITORY, type RunnerCli, startRunnerCli } from '../support/runner-cli';
import { GOOD_AGENT } from '../support/runner-e2e';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// Inline review comments from end to end: a person comments on lines of a real run's diff in
// the browser (the diff view's line numbers), requests changes with nothing else said, a
// real runner runs the next round (its stand-in agent commits its prompt as the feature
// file), and that round's patch shows the comment with its file, line and code; the page
// then says which comments the round touched. Needs the diff view (branch diff-view).
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];
let api: HqApi;
let repository: TempRepo;
let workDir = '';
let runner: RunnerCli | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1400, height: 900 });
  ({ hq, page } = session);
  api = hqApi(hq, await signInDev(hq, 'admin@hq.local'));
  repository = tempRepo('hq-comments-repo-');
  workDir = mkdtempSync(join(tmpdir(), 'hq-comments-clones-'));
});

afterAll(async () => {
  await Promise.all(children.map((child) => endProcess(child, 'SIGKILL')));
  await session?.close();
  if (repository) rmSync(repository.dir, { recursive: true, force: true });
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface TaskBody {
  status: string;
  headCommit: string | null;
}

/** The task once it waits in REVIEW at a head other than `after`. */
const reviewed = (id: string, after: string | null = null) =>
  waitFor(
    `task ${id} in REVIEW`,
    async () => {
      const task = await api<TaskBody>(`/api/tasks/${id}`);
      if (task.status === 'FAILED') throw new Error(`task failed:\n${runner?.output()}`);
      return task.status === 'REVIEW' && task.headCommit !== after ? task : undefined;
    },
    { seconds: 90, diagnostics: () => runner?.output() ?? '' },
  );

describe('inline review comments in the browser, answered by the next round', () => {
  it('comments on lines, requests changes, and shows what the next round touched', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'comments-e2e' });
    runner = startRunnerCli({
      server: hq.url,
      token,
      repo: repository.dir,
      workDir,
      command: GOOD_AGENT,
    });
    children.push(runner.child);
    const title = 'Comment round';
    const mission = await api<{ id: string }>('/api/missions', {
      title: 'Comments mission',
      brief: 'e2e',
      repository: E2E_REPOSITORY,
      tasks: [
        { title, spec: 'Create a file under src/', expectedScope: ['src/**'], agentHint: 'forge' },
      ],
    });
    const approved = await api<{ tasks: { id: string }[] }>(
      `/api/missions/${mission.id}/approve`,
      {},
    );
    const id = approved.tasks[0]?.id ?? '';
    const first = await reviewed(id);
    const path = `src/feature-${id}.txt`;
    // The prompt, as the agent committed it (the command executor puts the agent's identity
    // first): the mission's line, and the scope's line, its last.
    const prompt = repository.git('show', `hq/${id}:${path}`).split('\n');
    const missionLine = prompt.indexOf('Mission: Comments mission') + 1;
    const scopeLine = prompt.indexOf('Change only files matching: src/**') + 1;
    expect(missionLine).toBeGreaterThan(0);
    expect(scopeLine).toBe(prompt.length);

    await page.goto(`${hq.url}/tasks/${id}`);
    const file = page.locator(`[data-testid="diff-file"][data-path="${path}"]`);
    await file.waitFor();
    const lineButton = (n: number) =>
      file.locator(`[data-testid="diff-line"][data-side="new"][data-line="${n}"]`);
    const say = async (text: string) => {
      await page.getByLabel('Comment', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Save comment' }).click();
      await expect
        .poll(() => page.getByTestId('review-comment').allInnerTexts())
        .toContainEqual(expect.stringContaining(text));
    };
    // One line the next round leaves alone, and a range (shift-click) it appends right after.
    await lineButton(missionLine).click();
    await say('Name the mission in full.');
    await lineButton(scopeLine - 2).click();
    await lineButton(scopeLine).click({ modifiers: ['Shift'] });
    await say('Say more about the scope.');
    const stored = await api<{
      items: { line: number; endLine: number; sentInRun: number | null }[];
    }>(`/api/tasks/${id}/comments`);
    expect(stored.items.map((c) => [c.line, c.endLine, c.sentInRun])).toEqual([
      [missionLine, missionLine, null],
      [scopeLine - 2, scopeLine, null],
    ]);

    // Nothing typed in the review box: the inline comments are the request.
    await page.getByRole('button', { name: 'Request changes' }).click();
    const second = await reviewed(id, first.headCommit);

    // The next round's prompt (the feature file in its patch) quotes each comment with its
    // file, lines, author and the code it was written on.
    const patch = await (
      await fetch(`${hq.url}/api/tasks/${id}/patch`, { headers: { cookie: await cookie() } })
    ).text();
    expect(patch).toContain('+Review comments on the code:');
    const numbered = (n: number) => String(n).padStart(5);
    expect(patch).toContain(`+${path}:${missionLine} (admin@hq.local): Name the mission in full.`);
    expect(patch).toContain(`+>${numbered(missionLine)} + Mission: Comments mission`);
    expect(patch).toContain(
      `+${path}:${scopeLine - 2}-${scopeLine} (admin@hq.local): Say more about the scope.`,
    );
    expect(patch).toContain(`+>${numbered(scopeLine)} + Change only files matching: src/**`);
    expect(second.headCommit).not.toBe(first.headCommit);

    // Round 2 only appended after the scope's line: the range is touched, the mission's not.
    const after = await api<{
      items: { body: string; touched: boolean | null; touchedHead: string }[];
    }>(`/api/tasks/${id}/comments`);
    expect(after.items.map((c) => [c.body, c.touched, c.touchedHead])).toEqual([
      ['Name the mission in full.', false, second.headCommit],
      ['Say more about the scope.', true, second.headCommit],
    ]);
    await page.reload();
    const item = (text: string) => page.getByTestId('review-comment').filter({ hasText: text });
    await expect
      .poll(() => item('Say more about the scope.').first().innerText())
      .toContain('touched by the next round');
    expect(await item('Name the mission in full.').first().innerText()).toContain('not touched');
  });
});

/** The browser's session cookie, for a GET whose answer is not JSON (the patch). */
async function cookie() {
  const found = (await page.context().cookies()).find((c) => c.name === 'hq_session');
  return `hq_session=${found?.value}`;
}
