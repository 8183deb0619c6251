import type { Gate } from '../../../../worker/tasks/why/types';

/** The board's mark on a stuck task: its first failing gate, the fact on hover. */
export function StuckBadge({ gate }: { gate: Gate }) {
  return (
    <span class="flag stuck" data-testid="stuck-badge" title={gate.fact}>
      stuck: {gate.label}
    </span>
  );
}
