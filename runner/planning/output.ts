import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ProposeMission } from '../../worker/missions/schemas';

// The planning run's output contract (docs/planning.md): the agent writes proposals.json, an
// object with a list of missions to propose. Repository and target branch are the run's, set
// by the runner. Each proposal is checked alone: a bad one is refused with why, the others
// still go to HQ (which checks them again as it does any proposal).

/** The file the agent writes, in a folder of its own beside the checkout (HQ_PROPOSALS_FILE). */
export const PROPOSALS_FILE = 'proposals.json';

/** A run proposes at most this many missions; fewer is better, none is fine. */
export const MAX_PROPOSALS = 5;

const Text = (max: number) => z.string().trim().min(1).max(max);

export const PlannedTask = z.strictObject({
  title: Text(200),
  spec: Text(20_000),
  expectedScope: z.array(Text(300)).min(1).max(100),
  agentHint: Text(60).nullish(),
  roleHint: Text(80).nullish(),
});

export const Proposal = z.strictObject({
  title: Text(200),
  brief: Text(20_000),
  budgetUsd: z.number().min(0).max(1_000_000).nullish(),
  budgetTokens: z.number().int().min(0).max(1_000_000_000_000).nullish(),
  tasks: z.array(PlannedTask).min(1).max(50),
});
export type Proposal = z.infer<typeof Proposal>;

/** The whole file: `proposals` may be empty (nothing worth doing); `notes` are for the log. */
export const PlanningOutput = z.object({
  proposals: z.array(z.unknown()).max(MAX_PROPOSALS),
  notes: z.string().max(5_000).optional(),
});

// A proposal with the run's repository and branch is what HQ's propose route takes: checked
// here, so the two shapes cannot drift apart.
type Same<A, B> = [A] extends [B] ? true : never;
export const proposalFitsHq: Same<
  Proposal & { repository: string; targetBranch: string },
  z.input<typeof ProposeMission>
> = true;

export interface ReadProposals {
  proposals: Proposal[];
  /** One line per proposal that was not taken, with why. */
  refused: string[];
  notes: string | null;
}

const where = (issue: z.core.$ZodIssue) => issue.path.join('.') || '(top)';

/** The proposals the agent wrote to `file`, or why there are none (missing, not JSON, wrong). */
export async function readProposals(file: string): Promise<ReadProposals | { problem: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { problem: `the agent wrote no proposals (${PROPOSALS_FILE} missing)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      problem: `the agent wrote no proposals (${PROPOSALS_FILE} is not JSON: ${(error as Error).message})`,
    };
  }
  const whole = PlanningOutput.safeParse(value);
  if (!whole.success) {
    const issue = whole.error.issues[0];
    return {
      problem: `the agent wrote no proposals (${PROPOSALS_FILE}: ${issue ? `${where(issue)}: ${issue.message}` : 'invalid'}; expected {"proposals": [...]})`,
    };
  }
  const proposals: Proposal[] = [];
  const refused: string[] = [];
  whole.data.proposals.forEach((raw, i) => {
    const one = Proposal.safeParse(raw);
    if (one.success) proposals.push(one.data);
    else {
      const issue = one.error.issues[0];
      const title = (raw as { title?: unknown })?.title;
      refused.push(
        `proposal ${i + 1}${typeof title === 'string' ? ` "${title.slice(0, 80)}"` : ''} not sent: ${issue ? `${where(issue)}: ${issue.message}` : 'invalid'}`,
      );
    }
  });
  return { proposals, refused, notes: whole.data.notes ?? null };
}
