import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  authorization: string | undefined;
  body: {
    model: string;
    messages: { role: string; content?: string | null; tool_call_id?: string }[];
    tools?: unknown[];
  };
}

/** A scripted assistant turn: a final text, or tool calls (name and JSON-able arguments). */
export type Turn = { text: string } | { calls: { name: string; args: Record<string, unknown> }[] };

/**
 * A local OpenAI-compatible endpoint (`POST /v1/chat/completions`, non-streaming) that answers
 * with scripted turns in order and records every request, in the real wire format.
 */
export async function startOpenAiStandIn(script: Turn[]) {
  const requests: ChatRequest[] = [];
  let turn = 0;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const body = JSON.parse(raw) as ChatRequest['body'];
    requests.push({ authorization: req.headers.authorization, body });
    const next = script[Math.min(turn++, script.length - 1)] ?? { text: 'done' };
    const message =
      'text' in next
        ? { role: 'assistant', content: next.text }
        : {
            role: 'assistant',
            content: null,
            tool_calls: next.calls.map((c, i) => ({
              id: `call_${turn}_${i}`,
              type: 'function',
              function: { name: c.name, arguments: JSON.stringify(c.args) },
            })),
          };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${turn}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message, finish_reason: 'text' in next ? 'stop' : 'tool_calls' }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
