import type { HeartbeatAnswer } from './answers';
import type { Usage } from './executors/run';

export type { HeartbeatAnswer } from './answers';

const NOTHING: Usage = { inputTokens: null, outputTokens: null, costUsd: null };
const smallest = (...values: (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : null;
};
const tokensOf = (u: Usage) => (u.inputTokens ?? 0) + (u.outputTokens ?? 0);
const count = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Stops a run in flight once it passes what is left of its budgets. Each heartbeat's answer
 * says what remains with the run's use at that beat counted, so the run may use that much more:
 * its limit is its use at the beat plus the remaining. The limit is checked on every event of
 * the CLI, not only at the next beat, so a run goes over by at most one event's use. HQ's own
 * stop (a budget already passed at a beat) stops it too. Money is checked when it is known:
 * the CLI's own, else its tokens at the price HQ answered with; unknown money is not checked.
 */
export class BudgetGuard {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  /** Why the run was stopped (`budget: …`), or null while it may go on. */
  reason: string | null = null;
  private usage: Usage = NOTHING;
  private price: HeartbeatAnswer['price'] = null;
  private limits: { usd: number | null; tokens: number | null } = { usd: null, tokens: null };

  /** The use so far, as a heartbeat sends it; hand it back with the answer to `answered`. */
  snapshot(): Usage {
    return { ...this.usage };
  }

  /** The executor's running totals after each event. */
  progress(usage: Usage): void {
    this.usage = usage;
    this.check();
  }

  /**
   * Sets the limits from HQ's answer to a heartbeat that carried `sent`. Partial: an HQ older
   * than budgets answers only its status.
   */
  answered(sent: Usage, answer: Partial<HeartbeatAnswer> | undefined): void {
    if (!answer?.remaining) return; // an HQ that knows no budgets: nothing to enforce
    this.price = answer.price ?? null;
    if (answer.stop) {
      this.stop(answer.stopReason ?? 'budget: HQ says a budget is passed');
      return;
    }
    const r = answer.remaining;
    const leftUsd = smallest(r.agentUsd, r.missionUsd);
    const leftTokens = smallest(r.agentTokens, r.missionTokens);
    const sentCost = answer.runCostUsd ?? this.cost(sent);
    this.limits = {
      usd: leftUsd === null || sentCost === null ? null : sentCost + leftUsd,
      tokens: leftTokens === null ? null : tokensOf(sent) + leftTokens,
    };
    this.check();
  }

  /** Known money: the CLI's, else its tokens priced; nothing reported yet costs nothing. */
  private cost(u: Usage): number | null {
    if (u.costUsd !== null) return u.costUsd;
    if (u.inputTokens === null && u.outputTokens === null) return 0;
    if (!this.price || u.inputTokens === null || u.outputTokens === null) return null;
    return (
      (u.inputTokens * this.price.inputPerMillionUsd +
        u.outputTokens * this.price.outputPerMillionUsd) /
      1_000_000
    );
  }

  private check(): void {
    if (this.reason) return;
    const tokens = tokensOf(this.usage);
    const cost = this.cost(this.usage);
    const { usd, tokens: tokenLimit } = this.limits;
    if (tokenLimit !== null && tokens > tokenLimit)
      this.stop(
        `budget: the run used ${count(tokens)} tokens, past the ${count(tokenLimit)} its budgets left it`,
      );
    else if (usd !== null && cost !== null && cost > usd)
      this.stop(
        `budget: the run cost $${cost.toFixed(4)}, past the $${usd.toFixed(4)} its budgets left it`,
      );
  }

  private stop(reason: string): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort();
  }
}
