import { useEffect, useState } from 'preact/hooks';
import type { Gate, Why } from '../../../../worker/tasks/why/types';
import { hq, messageOf, ok } from '../../api/client';

const MARK: Record<Gate['state'], string> = { pass: '✓', fail: '✗', wait: '…', skip: '–' };

/**
 * The task page's answer to "why is it stuck?": every gate between the task and its next
 * step, in order, with the fact behind it and, where something must be done, the fix. The
 * first failing gate is the one to act on. Fetched again when `refreshKey` changes.
 */
export function WhyPanel({ taskId, refreshKey }: { taskId: string; refreshKey: unknown }) {
  const [why, setWhy] = useState<Why | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    ok(hq.GET('/api/tasks/{id}/why', { params: { path: { id: taskId } } })).then(
      (found) => {
        if (live) {
          setWhy(found);
          setError(null);
        }
      },
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [taskId, refreshKey]);

  if (error) return <p class="error">{error}</p>;
  if (!why?.gates.length) return null;
  return (
    <section class="why" data-testid="why-panel">
      <h3>{why.stuck ? 'Why is it stuck?' : 'What it waits for'}</h3>
      <p class="muted">
        {why.status} since {new Date(why.since).toLocaleString()}
      </p>
      <ol class="gates">
        {why.gates.map((gate) => (
          <li
            key={gate.id}
            class={`gate gate-${gate.state}${gate.id === why.firstFailing?.id ? ' first' : ''}`}
            data-testid={`gate-${gate.id}`}
            data-state={gate.state}
          >
            <span class="mark" title={gate.state} aria-hidden="true">
              {MARK[gate.state]}
            </span>{' '}
            <strong>{gate.label}</strong>
            <div class="fact">{gate.fact}</div>
            {gate.fix && gate.state !== 'pass' && gate.state !== 'skip' && (
              <div class="fix">Fix: {gate.fix}</div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
