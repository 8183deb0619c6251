// The runner's budget guard on its own: limits from HQ's heartbeat answers, checked on every
// event of the CLI, money priced with the price HQ sends when the CLI reports tokens only.
import { describe, expect, it } from 'vitest';
import { BudgetGuard, type HeartbeatAnswer } from '../../runner/budget';

const use = (inputTokens: number | null, outputTokens: number | null, costUsd: number | null) => ({
  inputTokens,
  outputTokens,
  costUsd,
});
const answer = (
  remaining: Partial<HeartbeatAnswer['remaining'] & object>,
  extra: Partial<HeartbeatAnswer> = {},
): HeartbeatAnswer => ({
  status: 'RUNNING',
  remaining: {
    agentUsd: null,
    agentTokens: null,
    missionUsd: null,
    missionTokens: null,
    ...remaining,
  },
  runCostUsd: null,
  price: null,
  ...extra,
});

describe('the budget guard', () => {
  it('stops at the first event past the use at the beat plus the smallest remaining tokens', () => {
    const guard = new BudgetGuard();
    guard.answered(guard.snapshot(), answer({ agentTokens: 8_000, missionTokens: 5_000 }));
    guard.progress(use(4_000, 500, null));
    guard.progress(use(4_500, 500, null)); // exactly at the limit: not past it
    expect(guard.signal.aborted).toBe(false);
    // The next beat: 5,000 used, 1,000 left.
    guard.answered(guard.snapshot(), answer({ missionTokens: 1_000 }));
    guard.progress(use(5_500, 600, null));
    expect(guard.signal.aborted).toBe(true);
    expect(guard.reason).toBe(
      'budget: the run used 6,100 tokens, past the 6,000 its budgets left it',
    );
    // Later events change nothing: the first reason stands.
    guard.progress(use(9_000, 900, null));
    expect(guard.reason).toContain('6,100 tokens');
  });

  it('prices tokens with the price HQ sent when the CLI reports no money, and leaves unknown money unchecked', () => {
    const priced = new BudgetGuard();
    priced.answered(
      priced.snapshot(),
      answer({ agentUsd: 0.01 }, { price: { inputPerMillionUsd: 1, outputPerMillionUsd: 5 } }),
    );
    // 1,000 in and 100 out: $0.0015 a step.
    for (let step = 1; step <= 6; step++) priced.progress(use(1_000 * step, 100 * step, null));
    expect(priced.signal.aborted).toBe(false); // $0.0090
    priced.progress(use(7_000, 700, null));
    expect(priced.reason).toBe(
      'budget: the run cost $0.0105, past the $0.0100 its budgets left it',
    );

    const unpriced = new BudgetGuard();
    unpriced.answered(unpriced.snapshot(), answer({ agentUsd: 0.01 }));
    unpriced.progress(use(9_000_000, 900_000, null));
    expect(unpriced.signal.aborted).toBe(false);
    // The CLI's own money is checked as it comes.
    unpriced.progress(use(9_000_000, 900_000, 0.02));
    expect(unpriced.signal.aborted).toBe(true);
  });

  it('counts from what HQ priced at the beat, and stops at once when HQ says stop', () => {
    const guard = new BudgetGuard();
    guard.progress(use(1_000, 100, null));
    const sent = guard.snapshot();
    guard.answered(sent, answer({ missionUsd: 0.5 }, { runCostUsd: 0.25 }));
    guard.progress(use(2_000, 200, 0.74));
    expect(guard.signal.aborted).toBe(false);
    guard.progress(use(2_000, 200, 0.76));
    expect(guard.reason).toContain('past the $0.7500');

    const told = new BudgetGuard();
    told.answered(
      told.snapshot(),
      answer(
        { agentUsd: -1 },
        { stop: 'budget', stopReason: "budget: ada's monthly budget is spent" },
      ),
    );
    expect(told.signal.aborted).toBe(true);
    expect(told.reason).toBe("budget: ada's monthly budget is spent");
    // An HQ that answers no budgets leaves the run alone.
    const old = new BudgetGuard();
    old.answered(old.snapshot(), { status: 'RUNNING' });
    old.progress(use(1e9, 1e9, 1e4));
    expect(old.signal.aborted).toBe(false);
  });
});
