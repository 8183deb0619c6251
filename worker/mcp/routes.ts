import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { handleMcp } from './server';

// HQ as an MCP server for agents mid-run (issue 19): POST /mcp, streamable HTTP, stateless.
// Only a run's own token opens it (guard.ts, the `run` role); the token comes with the claim
// and the runner writes it into the agent's CLI config as the `hq` server.
const tags = ['MCP'];

const JsonRpcMessage = z
  .looseObject({ jsonrpc: z.literal('2.0') })
  .describe('A JSON-RPC 2.0 request, notification or response (MCP).');

const post = defineRoute('run', {
  operationId: 'postMcpMessage',
  method: 'post',
  path: '/mcp',
  tags,
  summary:
    'MCP over streamable HTTP for the agent of a running task: tools get_task, get_mission, get_review_comments, report_progress, ask_operator, get_answer, propose_mission',
  request: {
    body: jsonBody(
      z.union([JsonRpcMessage, z.array(JsonRpcMessage).min(1).max(50)]).openapi('McpMessage'),
      'One JSON-RPC message or a batch. Send Accept: application/json, text/event-stream.',
    ),
  },
  responses: {
    200: jsonResponse(z.unknown(), 'The JSON-RPC answer (JSON, never a stream).'),
    202: { description: 'A notification or response: accepted, nothing to answer.' },
    406: jsonResponse(z.unknown(), 'The Accept header does not take JSON and event streams.'),
  },
});

const notAllowed = (method: 'get' | 'delete', what: string) =>
  defineRoute('run', {
    operationId: method === 'get' ? 'getMcpStream' : 'deleteMcpSession',
    method,
    path: '/mcp',
    tags,
    summary: `Not offered: this server is stateless (${what}); 405`,
    responses: { 405: jsonResponse(z.unknown(), 'Use POST.') },
  });

export const mcpRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

mcpRoutes.openapi(post, async (c) => {
  const response = await handleMcp(
    c.env,
    c.req.raw,
    c.req.valid('json'),
    c.get('run'),
    c.get('requestId'),
  );
  // The transport's own Response (JSON-RPC, 200/202/4xx): not one of the typed bodies above.
  return response as never;
});

for (const [method, what] of [
  ['get', 'no stream to listen to'],
  ['delete', 'no session to end'],
] as const) {
  mcpRoutes.openapi(notAllowed(method, what), (c) =>
    c.json(
      {
        error: {
          code: 'method_not_allowed',
          message: `${method.toUpperCase()} /mcp is not offered: HQ's MCP server is stateless (${what}). POST JSON-RPC messages.`,
          requestId: c.get('requestId'),
        },
      },
      405,
      { Allow: 'POST' },
    ),
  );
}
