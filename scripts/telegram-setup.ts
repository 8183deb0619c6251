// `npm run telegram:setup -- --url https://hq.example.com`: registers HQ's webhook with
// Telegram (with the secret Telegram will send back on every call), the command list shown
// in chats, and prints the bot's username for TELEGRAM_BOT_USERNAME. Values come from the
// environment, else from .dev.vars; the token is never printed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import { COMMAND_LINES } from '../worker/ceo/commands/catalog';
import { readDevVars } from './dev-vars.mjs';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { url: { type: 'string' }, 'api-root': { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log(
    'Usage: npm run telegram:setup -- --url https://<your HQ> [--api-root <Bot API server>]',
  );
  process.exit(0);
}

const file = join(root, '.dev.vars');
// HQ_SKIP_DEV_VARS: only the environment counts (the tests use it to ignore a developer's file).
const fromFile = existsSync(file) && !process.env.HQ_SKIP_DEV_VARS ? readDevVars(file) : {};
const vars: Record<string, string | undefined> = { ...fromFile, ...process.env };
const fail = (message: string): never => {
  console.error(`telegram:setup: ${message}`);
  process.exit(2);
};
const token = vars.TELEGRAM_BOT_TOKEN || fail('TELEGRAM_BOT_TOKEN is not set (from @BotFather).');
const secret = vars.TELEGRAM_WEBHOOK_SECRET;
if (!secret || secret === 'generated-on-first-start' || secret.length < 32)
  fail(
    'TELEGRAM_WEBHOOK_SECRET must be set (32+ characters; `npm start` generates one in .dev.vars).',
  );
if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret ?? ''))
  fail('TELEGRAM_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (Telegram’s rule).');
const base =
  values.url ??
  vars.HQ_PUBLIC_URL ??
  fail('Give HQ’s public URL with --url (Telegram must reach it over HTTPS).');
const apiRoot = values['api-root'] ?? vars.TELEGRAM_API_ROOT ?? 'https://api.telegram.org';

const api = new Api(token, { apiRoot });
try {
  const me = await api.getMe();
  const url = new URL('/telegram/webhook', base).toString();
  await api.setWebhook(url, {
    secret_token: secret,
    // my_chat_member: Telegram says so when a user blocks the bot, and their chat is unlinked.
    allowed_updates: ['message', 'callback_query', 'my_chat_member'],
  });
  await api.setMyCommands(
    COMMAND_LINES.map((c) => ({ command: c.name, description: c.help.slice(0, 256) })),
  );
  console.log(`Webhook: ${url}`);
  console.log(`Commands: ${COMMAND_LINES.length} registered.`);
  console.log(
    `Set TELEGRAM_BOT_USERNAME=${me.username} (in .dev.vars, or under [vars] in wrangler.toml).`,
  );
} catch (error) {
  fail(
    `Telegram refused: ${error instanceof Error ? error.message.replace(token, '<token>') : String(error)}`,
  );
}
