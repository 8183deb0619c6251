import { Cost, tokens, usd } from '../spend/cost';
import type { Agent } from './types';

/** This month's spend against the agent's budgets; unknown costs said apart, never as $0. */
export function MonthSpend({ agent }: { agent: Agent }) {
  return (
    <span data-testid={`month-spend-${agent.slug}`}>
      <Cost usd={agent.spentThisMonthUsd} unknown={agent.unknownCostThisMonth} />
      {agent.monthlyBudgetUsd !== null && ` of ${usd(agent.monthlyBudgetUsd)}`}
      {agent.monthlyBudgetTokens !== null &&
        ` · ${tokens(agent.tokensThisMonth)} of ${agent.monthlyBudgetTokens.toLocaleString('en-US')}`}{' '}
      this month
    </span>
  );
}
