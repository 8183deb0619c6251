import { tokens, usd } from '../spend/cost';
import type { Mission } from './types';

// How a mission's money reads, the same on its card and on its page.

/** The mission's budgets, or that it has none. */
export const budgetText = (m: Mission) =>
  [
    m.budgetUsd !== null && `$${m.budgetUsd.toFixed(2)}`,
    m.budgetTokens !== null && `${m.budgetTokens.toLocaleString('en-US')} tokens`,
  ]
    .filter(Boolean)
    .join(' and ') || 'no budget';

/** What the mission has spent, against each budget it has. */
export const spentText = (m: Mission) =>
  [
    `${usd(m.spentUsd)}${m.budgetUsd !== null ? ` of ${usd(m.budgetUsd)}` : ''}`,
    `${tokens(m.spentTokens)}${m.budgetTokens !== null ? ` of ${m.budgetTokens.toLocaleString('en-US')}` : ''}`,
  ].join(' · ');

/** A form's budget field: empty is no budget of that kind. */
export const budgetOf = (text: string) => (text.trim() === '' ? null : Number(text));
