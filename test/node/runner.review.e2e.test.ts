import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { killGroup } from '../support/runner-cli';
import { GOOD_AGENT, useRunnerE2e } from '../support/runner-e2e';

const { api, startRunner, taskAfterApproval, status } = useRunnerE2e();

interface Job {
  status: string;
  verdict: string | null;
  summary: string | null;
  error: string | null;
  reviewer: { slug: string };
  headCommit: string;
}

/**
 * The stand-in reviewer: a plain command (the `command` preset) that checks it was given the
 * prompt on stdin and the patch in its folder (and no clone), then writes its verdict with a
 * comment on line 1 of the file the task's agent wrote.
 */
const WRITES_VERDICT = [
  'grep -q HQ_REVIEW_FILE',
  'test -s PATCH.diff',
  'test ! -e .git',
  `printf '{"verdict":"changes","summary":"Read %s","comments":[{"path":"src/feature-%s.txt","line":1,"body":"Say more."}]}' "$HQ_TASK_TITLE" "$HQ_TASK_ID" > "$HQ_REVIEW_FILE"`,
].join(' && ');

async function reviewer(slug: string, command: string) {
  await api('/api/agents', {
    slug,
    name: `Reviewer ${slug}`,
    type: 'REVIEWER',
    role: 'Code reviewer',
    model: 'stand-in',
    provider: 'openai',
    executor: { preset: 'command', command },
  });
}

const jobs = async (id: string) =>
  (await api<{ items: Job[] }>(`/api/tasks/${id}/review-jobs`)).items;

/** The task's newest job once it ended (DONE or FAILED). */
const ended = (id: string, output: () => string) =>
  waitFor(
    'the review job to end',
    async () => {
      const [job] = await jobs(id);
      return job && ['DONE', 'FAILED'].includes(job.status) ? job : undefined;
    },
    {
      diagnostics: async () =>
        `${output()}\n${JSON.stringify(await jobs(id))}\n${JSON.stringify(await api(`/api/tasks/${id}`))}`,
    },
  );

describe('the reviewer agent’s first pass, run by the runner CLI', () => {
  beforeAll(async () => {
    // The demo's Lens (built-in loop) would be the oldest reviewer: out of these tests.
    await api('/api/agents/lens/archive', { reason: 'not in this test' });
  });

  it('runs the reviewer’s command executor on the patch; its review.json becomes the verdict', async () => {
    await reviewer('critic', WRITES_VERDICT);
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-review' });
    const runner = startRunner(token, GOOD_AGENT);
    const id = await taskAfterApproval('Reviewed work');
    const job = await ended(id, runner.output);
    expect(job).toMatchObject({
      status: 'DONE',
      verdict: 'changes',
      summary: 'Read Reviewed work',
      error: null,
      reviewer: { slug: 'critic' },
    });
    const task = await api<{ headCommit: string }>(`/api/tasks/${id}`);
    expect(job.headCommit).toBe(task.headCommit);
    // Its comment is stored against the head, with the code it points at.
    const { items } = await api<{
      items: { path: string; line: number; author: string; body: string; context: string }[];
    }>(`/api/tasks/${id}/comments`);
    expect(items).toEqual([
      expect.objectContaining({
        path: `src/feature-${id}.txt`,
        line: 1,
        author: 'agent:critic',
        body: 'Say more.',
      }),
    ]);
    expect(items[0]?.context).toContain('>    1 +');
    // A person decides (the default policy): the task still waits in REVIEW.
    expect(await status(id)).toBe('REVIEW');
    expect(runner.output()).toContain('reviewed');
    await api('/api/agents/critic/archive', { reason: 'next test' });
    // Stopped, not killed: a killed runner's claim in flight could take the next test's task.
    killGroup(runner.child, 'SIGINT');
    await new Promise((resolve) => runner.child.once('exit', resolve));
  });

  it('a reviewer that writes no review.json fails the job, and says so', async () => {
    await reviewer('silent', 'cat > /dev/null');
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-silent' });
    const runner = startRunner(token, GOOD_AGENT);
    const id = await taskAfterApproval('Unreviewed work');
    const job = await ended(id, runner.output);
    expect(job.status).toBe('FAILED');
    expect(job.error).toContain('the reviewer wrote no verdict (review.json missing)');
    expect(await status(id)).toBe('REVIEW');
  });
});
