import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { startOpenAiStandIn } from '../support/openai-stand-in';
import { killGroup } from '../support/runner-cli';
import { useRunnerE2e } from '../support/runner-e2e';

const { api, startRunner, taskAfterApproval, status } = useRunnerE2e();

describe('runner end to end with the built-in loop against an OpenAI-compatible stand-in', () => {
  it('runs the built-in OpenAI-compatible tool loop: tools confined, tokens counted, key kept in the runner', async () => {
    const model = await startOpenAiStandIn([
      {
        calls: [
          {
            name: 'write_file',
            args: { path: 'src/from-model.txt', content: 'written by the model\n' },
          },
        ],
      },
      { calls: [{ name: 'read_file', args: { path: '../../../../etc/hostname' } }] },
      { calls: [{ name: 'run_command', args: { command: 'env | cut -d= -f1 | sort' } }] },
      { text: 'Done: src/from-model.txt added.' },
    ]);
    try {
      // The demo's reviewer Lens runs on the built-in loop too: its first pass over the task
      // would take the stand-in's next scripted answer. This test is about the task's run.
      await api('/api/agents/lens/archive', { reason: 'not in this test' });
      const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-openai' });
      const runner = startRunner(
        token,
        '',
        [
          '--executor',
          'openai',
          '--base-url',
          model.baseURL,
          '--model',
          'scripted-model',
          '--api-key-env',
          'HQ_TEST_MODEL_KEY',
          '--price-in',
          '2',
          '--price-out',
          '8',
        ],
        { HQ_TEST_MODEL_KEY: 'sk-test-model-key' },
      );
      const id = await taskAfterApproval('Let the model write');
      await waitFor('REVIEW', async () => ((await status(id)) === 'REVIEW' ? true : undefined));
      const task = await api<{ diffNumstat: { path: string }[]; costUsd: number }>(
        `/api/tasks/${id}`,
      );
      expect(task.diffNumstat.map((f) => f.path)).toEqual(['src/from-model.txt']);
      // 4 calls x (100 in, 20 out) at $2 / $8 per million tokens.
      expect(task.costUsd).toBeCloseTo((400 * 2 + 80 * 8) / 1e6, 10);
      expect(model.requests).toHaveLength(4);
      expect(model.requests[0]?.authorization).toBe('Bearer sk-test-model-key');
      expect(model.requests[0]?.body.model).toBe('scripted-model');
      const toolAnswers =
        model.requests[3]?.body.messages
          .filter((m) => m.role === 'tool')
          .map((m) => m.content ?? '') ?? [];
      expect(toolAnswers[0]).toBe('wrote 21 characters to src/from-model.txt');
      expect(toolAnswers[1]).toMatch(/^refused: .*outside the worktree/);
      // The command tool ran with the allowlisted environment: no key, no planted secret.
      expect(toolAnswers[2]).toContain('HQ_TASK_ID');
      expect(toolAnswers[2]).not.toContain('HQ_TEST_MODEL_KEY');
      expect(toolAnswers[2]).not.toContain('HQ_PLANTED_SECRET');
      // Progress shows the tokens used so far.
      expect(runner.output()).toMatch(/"Let the model write" · in review · 480 tokens/);
      killGroup(runner.child, 'SIGINT');
      await new Promise((resolve) => runner.child.once('exit', resolve));
    } finally {
      await model.close();
    }
  });
});
