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

/**
 * A local OpenAI-compatible server for tests that run inside workerd. Tests script it over
 * HTTP, per model name, so test files that use different model names never disturb each
 * other: `POST /__script {model, replies}`, `GET /__requests?model=`. A model with no script
 * left answers `[model] <last user message>`.
 */
export async function startModelStandIn() {
  const scripts = new Map<string, Reply[]>();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  }

  function lastUserText(body: Record<string, unknown>): string {
    const messages = (body.messages ?? []) as { role: string; content?: unknown }[];
    const last = messages.filter((m) => m.role === 'user').at(-1)?.content;
    return typeof last === 'string' ? last : JSON.stringify(last ?? '');
  }

  async function completion(req: IncomingMessage, res: ServerResponse) {
    const body = await readJson(req);
    const model = String(body.model ?? '');
    requests.push({
      path: req.url ?? '',
      model,
      body,
      authorization: req.headers.authorization ?? null,
      at: Date.now(),
    });
    const reply = scripts.get(model)?.shift() ?? { text: `[${model}] ${lastUserText(body)}` };
    if ('hang' in reply) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('status' in reply) {
      send(res, reply.status, { error: { message: reply.message, type: 'server_error' } });
      return;
    }
    if ('delayMs' in reply && reply.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    }
    const content = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
    const usage = 'usage' in reply && reply.usage ? reply.usage : { prompt: 100, completion: 20 };
    send(res, 200, {
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const route = `${req.method} ${url.pathname}`;
    const handle = async () => {
      if (route === 'POST /v1/chat/completions') return completion(req, res);
      if (route === 'POST /__script') {
        const { model, replies } = (await readJson(req)) as { model: string; replies: Reply[] };
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
