import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RunCaller } from '../env';
import { proposeOrMerge } from '../missions/agent-proposal';
import { ProposeMission } from '../missions/schemas';
import { type Answer, answer } from './answer';

/** The tool for proposing follow-up work: a mission the operator decides on, as always. */
export function registerProposeTool(
  server: McpServer,
  env: Env,
  run: RunCaller,
  requestId: string,
) {
  server.registerTool(
    'propose_mission',
    {
      title: 'Propose a follow-up mission',
      description:
        'Propose a mission for work you found but that is outside your task (a bug elsewhere, a refactor, missing tests). The operator approves or rejects it; nothing runs before. Give a brief, the repository, and tasks each with a spec and the file globs it may change. A proposal close to an open one of the same repository is merged into it instead of repeated.',
      inputSchema: ProposeMission,
    },
    async (input): Promise<Answer> => {
      if (!run.agentSlug)
        throw new Error(
          'This run has no agent (the runner’s default executor): nobody to propose as.',
        );
      // A proposal that repeats open work of the repository is merged, not queued again.
      const { outcome, mission } = await proposeOrMerge(env, input, `agent:${run.agentSlug}`, {
        actor: `agent:${run.agentSlug}`,
        requestId,
      });
      return answer({
        outcome,
        missionId: mission.id,
        title: mission.title,
        status: mission.status,
        tasks: mission.plan.length,
      });
    },
  );
}
