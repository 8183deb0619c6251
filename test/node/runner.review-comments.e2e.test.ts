import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { GOOD_AGENT, useRunnerE2e } from '../support/runner-e2e';

// Inline review comments through the API with a real runner (the browser test,
// web.review-comments.test.ts, does the same through the diff view): the next round's
// prompt quotes them, and its report says which lines it touched, from a real git diff.
const { api, fetchAs, git, startRunner, taskAfterApproval } = useRunnerE2e();

interface Task {
  status: string;
  headCommit: string | null;
}
interface Comment {
  body: string;
  line: number;
  sentInRun: number | null;
  touched: boolean | null;
  touchedHead: string | null;
}

describe('inline review comments, answered by a real runner’s next round', () => {
  it('sends the comments with the next run and marks them touched or not', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'comments-api-e2e' });
    const runner = startRunner(token, GOOD_AGENT);
    const id = await taskAfterApproval('Comment the prompt');
    const inReview = (after: string | null) =>
      waitFor(
        'REVIEW',
        async () => {
          const task = await api<Task>(`/api/tasks/${id}`);
          return task.status === 'REVIEW' && task.headCommit !== after ? task : undefined;
        },
        { seconds: 90, diagnostics: () => runner.output() },
      );
    const first = await inReview(null);
    const path = `src/feature-${id}.txt`;
    const prompt = git('show', `hq/${id}:${path}`).split('\n');
    const taskLine = prompt.indexOf('Task: Comment the prompt') + 1;
    const scopeLine = prompt.indexOf('Change only files matching: src/**') + 1;
    expect(taskLine).toBeGreaterThan(0);
    expect(scopeLine).toBe(prompt.length);
    const post = (line: number, body: string, endLine = line) =>
      api<Comment>(`/api/tasks/${id}/comments`, {
        headCommit: first.headCommit,
        path,
        line,
        endLine,
        body,
      });
    await post(taskLine, 'A clearer title.');
    await post(scopeLine - 1, 'Say more about the scope.', scopeLine);
    // Nothing else said: the inline comments are the request.
    await api(`/api/tasks/${id}/review`, { verdict: 'changes', comments: '' });
    const second = await inReview(first.headCommit);

    const patch = await (await fetchAs(`/api/tasks/${id}/patch`)).text();
    expect(patch).toContain('+Review comments on the code:');
    expect(patch).toContain(`+${path}:${taskLine} (admin@hq.local): A clearer title.`);
    expect(patch).toContain(`+>${String(taskLine).padStart(5)} + Task: Comment the prompt`);
    expect(patch).toContain(
      `+${path}:${scopeLine - 1}-${scopeLine} (admin@hq.local): Say more about the scope.`,
    );
    // Round 2 only appended after the scope's line: that range is touched, the title's not.
    const { items } = await api<{ items: Comment[] }>(`/api/tasks/${id}/comments`);
    expect(items.map((c) => [c.body, c.sentInRun, c.touched, c.touchedHead])).toEqual([
      ['A clearer title.', 2, false, second.headCommit],
      ['Say more about the scope.', 2, true, second.headCommit],
    ]);
  });
});
