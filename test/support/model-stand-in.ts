import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reply } from './provided-context';

export interface RecordedRequest {
  path: string;
  model: string;
  body: Record<string, unknown>;
  authorization: string | null;
  at: number;
}

const USAGE = { prompt: 100, completion: 20 };

/**
 * A local OpenAI-compatible server for tests that run inside workerd, in the real wire
 * format: chat completions (plain, JSON, tool calls, and streamed as server-sent events)
 * and audio transcriptions. Tests script it over HTTP, per model name, so test files that use
 * different model names never disturb each other: `POST /__script {model, replies}`,
 * `GET /__requests?model=`. A model with no script left answers `[model] <last user text>`.
 */
export async function startModelStandIn() {
  const scripts = new Map<string, Reply[]>();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Multipart form fields as text (files as their name and size), enough to assert on. */
  function formFields(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
    const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
    if (!boundary) return {};
    const fields: Record<string, unknown> = {};
    for (const part of raw.toString('latin1').split(`--${boundary}`)) {
      const name = /name="([^"]+)"/.exec(part)?.[1];
      if (!name) continue;
      const value = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
      const filename = /filename="([^"]*)"/.exec(part)?.[1];
      fields[name] = filename === undefined ? value : { filename, size: value.length };
    }
    return fields;
  }

  function lastUserText(body: Record<string, unknown>): string {
    const messages = (body.messages ?? []) as { role: string; content?: unknown }[];
    const last = messages.filter((m) => m.role === 'user').at(-1)?.content;
    if (typeof last === 'string') return last;
    const text = (last as { type: string; text?: string }[] | undefined)?.find(
      (p) => p.type === 'text',
    );
    return text?.text ?? '';
  }

  function record(req: IncomingMessage, model: string, body: Record<string, unknown>) {
    requests.push({
      path: req.url ?? '',
      model,
      body,
      authorization: req.headers.authorization ?? null,
      at: Date.now(),
    });
  }

  /** The next scripted reply for a model, or the echo. */
  const next = (model: string, echo: string): Reply =>
    scripts.get(model)?.shift() ?? { text: `[${model}] ${echo}` };

  async function failOrWait(res: ServerResponse, reply: Reply): Promise<boolean> {
    if ('hang' in reply) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return true;
    }
    if ('status' in reply) {
      send(res, reply.status, { error: { message: reply.message, type: 'server_error' } });
      return true;
    }
    if ('delayMs' in reply && reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    return false;
  }

  function message(reply: Reply) {
    if ('toolCalls' in reply) {
      return {
        role: 'assistant',
        content: null,
        tool_calls: reply.toolCalls.map((c, i) => ({
          id: `call_${requests.length}_${i}`,
          type: 'function',
          function: { name: c.name, arguments: JSON.stringify(c.args) },
        })),
      };
    }
    return {
      role: 'assistant',
      content: 'json' in reply ? JSON.stringify(reply.json) : 'text' in reply ? reply.text : '',
    };
  }

  async function stream(res: ServerResponse, model: string, reply: Reply, includeUsage: boolean) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const base = {
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model,
    };
    const chunk = (delta: unknown, finish: string | null = null) =>
      res.write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
      );
    const m = message(reply) as {
      content: string | null;
      tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
    };
    chunk({ role: 'assistant', content: '' });
    if (m.tool_calls) {
      for (const [index, call] of m.tool_calls.entries())
        chunk({ tool_calls: [{ index, ...call }] });
      chunk({}, 'tool_calls');
    } else {
      const delay = 'chunkDelayMs' in reply ? (reply.chunkDelayMs ?? 0) : 0;
      for (const word of (m.content ?? '').match(/\S+\s*/g) ?? []) {
        chunk({ content: word });
        if (delay) await new Promise((r) => setTimeout(r, delay));
      }
      chunk({}, 'stop');
    }
    const usage = 'usage' in reply && reply.usage ? reply.usage : USAGE;
    if (includeUsage) {
      res.write(
        `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
  }

  async function completion(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)).toString() || '{}') as Record<string, unknown>;
    const model = String(body.model ?? '');
    record(req, model, body);
    const reply = next(model, lastUserText(body));
    if (await failOrWait(res, reply)) return;
    if (body.stream) {
      const options = body.stream_options as { include_usage?: boolean } | undefined;
      return stream(res, model, reply, Boolean(options?.include_usage));
    }
    const usage = 'usage' in reply && reply.usage ? reply.usage : USAGE;
    send(res, 200, {
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: message(reply),
          finish_reason: 'toolCalls' in reply ? 'tool_calls' : 'stop',
        },
      ],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    });
  }

  async function transcription(req: IncomingMessage, res: ServerResponse) {
    const fields = formFields(req, await readBody(req));
    const model = String(fields.model ?? '');
    record(req, model, fields);
    const reply = next(model, 'transcribed audio');
    if (await failOrWait(res, reply)) return;
    send(res, 200, { text: 'text' in reply ? reply.text : '' });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const route = `${req.method} ${url.pathname}`;
    const handle = async () => {
      if (route === 'POST /v1/chat/completions') return completion(req, res);
      if (route === 'POST /v1/audio/transcriptions') return transcription(req, res);
      if (route === 'POST /__script') {
        const { model, replies } = JSON.parse((await readBody(req)).toString()) as {
          model: string;
          replies: Reply[];
        };
        scripts.set(model, [...replies]);
        return send(res, 200, { ok: true });
      }
      if (route === 'GET /__requests') {
        const model = url.searchParams.get('model');
        return send(
          res,
          200,
          requests.filter((r) => model === null || r.model === model),
        );
      }
      return send(res, 404, { error: { message: `no route ${route}` } });
    };
    handle().catch((error: unknown) => send(res, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    root,
    baseUrl: `${root}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
