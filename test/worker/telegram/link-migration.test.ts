import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

// The migration that binds links to their Telegram user, replayed on links made before it:
// a private link keeps working (its user is its chat), a group link is removed and audited.
// Found by name, as the lead renumbers migrations at merge.
const migration = env.TEST_MIGRATIONS.find((m) => m.name.endsWith('_telegram_user.sql'));

describe('the telegram_user migration on links made before it', () => {
  it('backfills private links from their chat id and removes group links, audited', async () => {
    expect(migration, 'no *_telegram_user.sql migration').toBeDefined();
    // telegram_chats as it was before the migration, with a private and two group links.
    await env.DB.batch([
      env.DB.prepare('DROP TABLE telegram_chats'),
      env.DB.prepare(
        `CREATE TABLE telegram_chats (chat_id text PRIMARY KEY NOT NULL, user_email text NOT NULL,
           telegram_name text, muted_until integer, linked_at integer NOT NULL)`,
      ),
      env.DB.prepare(
        `INSERT INTO telegram_chats VALUES ('7001', 'operator@test.hq', 'Op', 99, 1),
           ('-4201', 'admin@test.hq', NULL, NULL, 2), ('-1005550001', 'admin@test.hq', 'Team', NULL, 3)`,
      ),
    ]);
    for (const query of migration?.queries ?? []) await env.DB.prepare(query).run();

    const { results } = await env.DB.prepare(
      `SELECT chat_id AS chatId, user_email AS email, telegram_user_id AS userId,
         telegram_name AS name, muted_until AS mutedUntil FROM telegram_chats`,
    ).all();
    expect(results).toEqual([
      { chatId: '7001', email: 'operator@test.hq', userId: '7001', name: 'Op', mutedUntil: 99 },
    ]);
    const audit = await env.DB.prepare(
      `SELECT actor, entity_id AS chatId, summary FROM audit_log
       WHERE action = 'telegram.unlink' AND request_id = 'migration-telegram_user' ORDER BY entity_id`,
    ).all<{ actor: string; chatId: string; summary: string }>();
    expect(audit.results.map((r) => [r.actor, r.chatId, JSON.parse(r.summary)])).toEqual([
      [
        'migration',
        '-1005550001',
        { email: 'admin@test.hq', reason: 'not a private chat: HQ links private chats only' },
      ],
      [
        'migration',
        '-4201',
        { email: 'admin@test.hq', reason: 'not a private chat: HQ links private chats only' },
      ],
    ]);
  });
});
