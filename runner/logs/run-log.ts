import type { Claim } from '../api';
import { Masker, mcpSecretValues, runSecrets } from './mask';
import { type LogSink, LogStream } from './stream';

/**
 * The live log of one claimed task, masking every secret handed to the run: the declared
 * variables' values, the MCP servers' env and header values when the claim carries them,
 * HQ's run token for its MCP server, and `others` the runner holds itself (the OpenAI
 * executor's API key).
 */
export function openRunLog(
  sink: LogSink,
  claim: Claim,
  declaredEnv: string[],
  others: string[],
  hooks: { onLost: () => void; onRefused: (message: string) => void },
): LogStream {
  const agent = claim.agent as { mcpServers?: unknown } | null;
  const secrets = runSecrets(declaredEnv, process.env, [
    ...others,
    ...mcpSecretValues(agent?.mcpServers),
    // HQ's run token, alone and as the header the CLI sends (either may be echoed).
    ...(claim.mcp ? [claim.mcp.token, `Bearer ${claim.mcp.token}`] : []),
  ]);
  return new LogStream({
    sink,
    taskId: claim.task.id,
    run: claim.task.runs,
    masker: new Masker(secrets),
    ...hooks,
  });
}
