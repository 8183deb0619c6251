import { agentCooledDownStatement } from '../events/outbox';
import type { SettingsValue } from '../settings/schema';

/**
 * The statements that count a failed task against its agent: after
 * `failuresBeforeCooldown` in a row the agent cools down and takes no work until it ends.
 */
export function agentFailureStatements(
  db: D1Database,
  agentId: string,
  loop: SettingsValue['workLoop'],
  now: number,
) {
  const until = now + loop.cooldownMinutes * 60_000;
  return [
    db
      .prepare('UPDATE agents SET consecutive_failures = consecutive_failures + 1 WHERE id = ?')
      .bind(agentId),
    db
      .prepare(
        'UPDATE agents SET cooldown_until = ?, consecutive_failures = 0 WHERE id = ? AND consecutive_failures >= ?',
      )
      .bind(until, agentId, loop.failuresBeforeCooldown),
    agentCooledDownStatement(db, agentId, until, now),
  ];
}

/** A finished task resets its agent's failure streak. */
export function agentSuccessStatement(db: D1Database, agentId: string) {
  return db.prepare('UPDATE agents SET consecutive_failures = 0 WHERE id = ?').bind(agentId);
}
