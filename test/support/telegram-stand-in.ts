import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotApiCall, BotApiScript } from './provided-context';

const BOT = { id: 123456, is_bot: true, first_name: 'hq_test_bot', username: 'hq_test_bot' };

/**
 * A local Telegram Bot API server in the real wire format (`POST /bot<token>/<method>`,
 * `{ok, result}` or `{ok: false, error_code, description}`, files at `/file/bot<token>/<path>`).
 * It records every call, and tests script it over HTTP, keyed by chat id so parallel test
 * files never disturb each other: `POST /__script` (failures, delays), `POST /__files` (a declared `size` may differ from the bytes),
 * `GET /__calls?chat_id=`.
 */
export async function startTelegramStandIn() {
  const calls: BotApiCall[] = [];
  const scripts: BotApiScript[] = [];
  // `size`: what getFile declares, when a test needs it to differ from the bytes (a big file).
  const files = new Map<string, { path: string; bytes: Buffer; size?: number }>();
  let messageId = 1000;

  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function body(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  function parse(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
    const type = req.headers['content-type'] ?? '';
    if (!raw.length) return {};
    if (type.includes('application/json'))
      return JSON.parse(raw.toString()) as Record<string, unknown>;
    if (type.includes('x-www-form-urlencoded'))
      return Object.fromEntries(new URLSearchParams(raw.toString()));
    return { raw: raw.toString('latin1').slice(0, 2000) };
  }

  function result(method: string, payload: Record<string, unknown>): unknown {
    const chat = { id: Number(payload.chat_id), type: 'private' };
    const date = Math.floor(Date.now() / 1000);
    switch (method) {
      case 'getMe':
        return BOT;
      case 'sendMessage':
      case 'sendDocument':
      case 'sendPhoto':
        return {
          message_id: ++messageId,
          date,
          chat,
          from: BOT,
          text: payload.text,
          reply_markup: payload.reply_markup,
        };
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return {
          message_id: Number(payload.message_id),
          date,
          edit_date: date,
          chat,
          from: BOT,
          text: payload.text,
        };
      case 'getFile': {
        const file = files.get(String(payload.file_id));
        if (!file) return null;
        return {
          file_id: payload.file_id,
          file_unique_id: `u-${payload.file_id}`,
          file_size: file.size ?? file.bytes.length,
          file_path: file.path,
        };
      }
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: 0 };
      default:
        return true;
    }
  }

  async function botMethod(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    method: string,
  ) {
    const payload = parse(req, await body(req));
    const chatId = payload.chat_id === undefined ? null : String(payload.chat_id);
    const call: BotApiCall = { token, method, chatId, payload, at: Date.now() };
    calls.push(call);
    const scripted = scripts.find(
      (s) => s.method === method && (s.chatId === undefined || s.chatId === chatId) && s.times > 0,
    );
    if (scripted) {
      scripted.times--;
      if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
      if (scripted.status) {
        return send(res, scripted.status, {
          ok: false,
          error_code: scripted.status,
          description: scripted.description ?? 'Internal Server Error',
        });
      }
    }
    const answer = result(method, payload);
    if (answer === null) {
      return send(res, 400, {
        ok: false,
        error_code: 400,
        description: 'Bad Request: invalid file_id',
      });
    }
    call.result = answer;
    send(res, 200, { ok: true, result: answer });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const handle = async () => {
      const method = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
      if (method) return botMethod(req, res, method[1] ?? '', method[2] ?? '');
      const file = /^\/file\/bot[^/]+\/(.+)$/.exec(url.pathname);
      if (file && req.method === 'GET') {
        const found = [...files.values()].find((f) => f.path === file[1]);
        if (!found) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(found.bytes);
      }
      if (url.pathname === '/__script' && req.method === 'POST') {
        scripts.push(JSON.parse((await body(req)).toString()) as BotApiScript);
        return send(res, 200, { ok: true });
      }
      if (url.pathname === '/__files' && req.method === 'POST') {
        const f = JSON.parse((await body(req)).toString()) as {
          fileId: string;
          path: string;
          base64: string;
          size?: number;
        };
        files.set(f.fileId, {
          path: f.path,
          bytes: Buffer.from(f.base64, 'base64'),
          ...(f.size === undefined ? {} : { size: f.size }),
        });
        return send(res, 200, { ok: true });
      }
      if (url.pathname === '/__calls' && req.method === 'GET') {
        const chatId = url.searchParams.get('chat_id');
        return send(
          res,
          200,
          calls.filter((c) => chatId === null || c.chatId === chatId),
        );
      }
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    };
    handle().catch((error: unknown) =>
      send(res, 500, { ok: false, error_code: 500, description: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiRoot: root,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
