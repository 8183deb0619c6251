import type { Gate, Why } from './types';

const MARK: Record<Gate['state'], string> = { pass: '✓', fail: '✗', wait: '…', skip: '–' };

/** A why as chat text: each gate marked, the first failing one spelled out with its fix. */
export function whyText(why: Why): string {
  const head = `${why.taskId.slice(0, 8)} "${why.title}": ${why.status} since ${why.since.slice(0, 16).replace('T', ' ')} UTC`;
  const lines = why.gates
    .filter((g) => g.state !== 'skip')
    .map((g) => `${MARK[g.state]} ${g.label}: ${g.fact}`);
  const first = why.firstFailing;
  const waiting = why.gates.find((g) => g.state === 'wait');
  const verdict = first
    ? `Stuck at "${first.label}": ${first.fact}\nFix: ${first.fix ?? 'none known'}`
    : waiting
      ? `Not stuck: it waits (${waiting.label}).${waiting.fix ? ` ${waiting.fix}` : ''}`
      : why.gates.length
        ? 'Not stuck: every gate passes.'
        : 'Nothing to wait for: the task is finished.';
  return [head, verdict, ...lines].join('\n');
}

/** `"Title" (1a2b3c4d), stuck at "A runner online can run it"`: a stuck task in one line. */
export const stuckLine = (why: Why) =>
  `"${why.title}" (${why.taskId.slice(0, 8)}), stuck at "${why.firstFailing?.label ?? 'a gate'}"`;
