import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_LINES } from '../../worker/ceo/commands/catalog';
import type { BotApiCall } from '../support/provided-context';
import { startTelegramStandIn } from '../support/telegram-stand-in';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
let bot: Awaited<ReturnType<typeof startTelegramStandIn>>;

beforeAll(async () => {
  bot = await startTelegramStandIn();
});
afterAll(async () => {
  await bot?.close();
});

/** Runs `npm run telegram:setup` with only the given variables (no .dev.vars of the developer's). */
function setup(vars: Record<string, string>, args: string[] = []) {
  return run('npx', ['tsx', 'scripts/telegram-setup.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HQ_SKIP_DEV_VARS: '1', ...vars },
  });
}

describe('npm run telegram:setup', () => {
  it('registers the webhook with its secret and the nineteen commands, and prints the username', async () => {
    const token = '424242:setup-test-token';
    const { stdout } = await setup(
      {
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length-32',
      },
      ['--url', 'https://hq.example.com', '--api-root', bot.apiRoot],
    );
    expect(stdout).toContain('Webhook: https://hq.example.com/telegram/webhook');
    expect(stdout).toContain('TELEGRAM_BOT_USERNAME=hq_test_bot');
    expect(stdout).not.toContain(token);
    const calls = (await (await fetch(`${bot.apiRoot}/__calls`)).json()) as BotApiCall[];
    const mine = calls.filter((c) => c.token === token);
    expect(mine.map((c) => c.method)).toEqual(['getMe', 'setWebhook', 'setMyCommands']);
    expect(mine[1]?.payload).toMatchObject({
      url: 'https://hq.example.com/telegram/webhook',
      secret_token: 'a-webhook-secret-of-enough-length-32',
      allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
    const commands = mine[2]?.payload.commands as { command: string }[];
    expect(commands.map((c) => c.command)).toEqual(COMMAND_LINES.map((c) => c.name));
    expect(commands).toHaveLength(19);
  });

  it('refuses to run without a token, a usable secret or a URL, saying which', async () => {
    const attempts: [Record<string, string>, string][] = [
      [{}, 'TELEGRAM_BOT_TOKEN is not set'],
      [{ TELEGRAM_BOT_TOKEN: '1:x' }, 'TELEGRAM_WEBHOOK_SECRET must be set'],
      [
        {
          TELEGRAM_BOT_TOKEN: '1:x',
          TELEGRAM_WEBHOOK_SECRET: 'it has spaces in it, and those are not allowed',
        },
        'may only hold',
      ],
      [
        { TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_SECRET: 'only-31-characters-long-secret1' },
        'TELEGRAM_WEBHOOK_SECRET must be set (32+ characters',
      ],
      [
        {
          TELEGRAM_BOT_TOKEN: '1:x',
          TELEGRAM_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length-32',
        },
        'Give HQ’s public URL',
      ],
    ];
    for (const [vars, message] of attempts) {
      const failed = await setup(vars).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toContain(message);
    }
  });
});
