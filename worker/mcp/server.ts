import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { RunCaller } from '../env';
import { registerProposeTool } from './propose-tool';
import { registerQuestionTools } from './question-tools';
import { registerTaskTools } from './task-tools';

const INSTRUCTIONS =
  'HQ, the company you work for. Read your task (get_task) and mission (get_mission), the review comments sent with this run (get_review_comments); note progress at milestones (report_progress); ask the operator what only a person can settle (ask_operator, then get_answer); propose follow-up work outside your task (propose_mission).';

/** A server for one request: its tools act for this run alone. */
function serverFor(env: Env, run: RunCaller, requestId: string): McpServer {
  const server = new McpServer({ name: 'hq', version: '1.0.0' }, { instructions: INSTRUCTIONS });
  registerTaskTools(server, env, run);
  registerQuestionTools(server, env, run, requestId);
  registerProposeTool(server, env, run, requestId);
  return server;
}

/**
 * Answers one MCP request (JSON-RPC over streamable HTTP), statelessly: a new server and
 * transport per request, no session id, JSON answers rather than an SSE stream, since no tool
 * streams and a Worker keeps nothing between requests. `parsedBody`: the validated body.
 */
export async function handleMcp(
  env: Env,
  request: Request,
  parsedBody: unknown,
  run: RunCaller,
  requestId: string,
): Promise<Response> {
  const server = serverFor(env, run, requestId);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody });
  } finally {
    await server.close();
  }
}
