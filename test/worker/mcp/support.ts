import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect } from 'vitest';
import { hire } from '../missions/support';
import { cancelOpenTasks, claimNow, registerRunner, taskFor } from '../runners/support';
import { call } from '../support/client';

/** What a claim carries for the agent's CLI: HQ's MCP server and the run's token. */
export interface RunClaim {
  task: { id: string; runs: number };
  mcp: { url: string; token: string };
}

/** The worker, reached in-process: the SDK's transport calls this instead of the network. */
const inProcess: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return call(`${url.pathname}${url.search}`, init as RequestInit);
};

/** An MCP client connected to HQ with `token` (the SDK's own client and transport). */
export async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: inProcess,
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

/** A tool's JSON answer (its text content), or its error text when `isError`. */
export async function tool(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as {
    content: { type: string; text: string }[];
    isError?: boolean;
  };
  const text = result.content.map((c) => c.text).join('\n');
  if (result.isError) return { error: text };
  return JSON.parse(text) as Record<string, unknown>;
}

/** A runner, an agent and one of its tasks claimed: RUNNING, with the claim's MCP grant. */
export async function runningTask(slug: string, title: string) {
  await cancelOpenTasks();
  const runner = await registerRunner(`${slug}-runner`);
  await hire({ slug });
  const taskId = await taskFor(slug, title);
  const claim = (await claimNow(runner.token)) as unknown as RunClaim | null;
  expect(claim?.task.id).toBe(taskId);
  return { runner, taskId, claim: claim as RunClaim };
}

/** A raw JSON-RPC POST to /mcp with `authorization` (or none). */
export function rawMcp(authorization: string | null, body: unknown = ping, method = 'POST') {
  return call('/mcp', {
    method,
    headers: {
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    ...(method === 'POST' ? { json: body } : {}),
  });
}

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
