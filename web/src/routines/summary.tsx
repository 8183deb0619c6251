import { FireOutcome } from './FireHistory';
import { when } from './schedule';
import type { Routine } from './types';

/** What the routine does on a fire, in one line. */
export function workText(r: Routine): string {
  if (r.kind === 'mission' && r.template)
    return `proposes “${r.template.title}” on ${r.template.repository} → ${r.template.targetBranch}, ${r.template.tasks.length} task(s)`;
  const agent = r.agent ? `${r.agent.name} (${r.agent.slug})` : 'its agent';
  return `${agent} reads ${r.repository ?? '?'} at ${r.targetBranch} and proposes missions`;
}

/** The last fire: when, its status (and why when it did nothing), and its mission. */
export function LastFire({ routine }: { routine: Routine }) {
  const fire = routine.lastFire;
  if (!fire) return <span class="muted">never fired</span>;
  return (
    <span data-testid="routine-last-fire">
      {when(fire.createdAt)} · {fire.trigger} · {fire.status}
      {fire.reason ? ` (${fire.reason})` : ''}
      {(fire.mission || fire.planningJobId) && (
        <>
          {' · '}
          <FireOutcome fire={fire} />
        </>
      )}
    </span>
  );
}
