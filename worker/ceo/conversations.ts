import type { SettingsValue } from '../settings/schema';

/** An operator's message to the CEO, from any face. `key` makes it count once (e.g. a Telegram update id). */
export interface InboundMessage {
  key: string;
  channel: 'telegram' | 'web';
  userEmail: string;
  text: string;
  at: number;
}

/**
 * Appends the message to the user's open conversation on that face, or opens a new one when
 * the last went idle. The message's source key is unique, so a replay stores nothing twice.
 */
export async function recordInbound(
  env: Env,
  settings: SettingsValue,
  message: InboundMessage,
  sender: 'operator' | 'ceo' = 'operator',
): Promise<string> {
  const idleSince = message.at - settings.ceo.memoryIdleMinutes * 60_000;
  const open = await env.DB.prepare(
    `SELECT id FROM conversations WHERE channel = ? AND user_email = ? AND ended_at IS NULL
     AND extraction IS NULL AND last_message_at >= ? ORDER BY last_message_at DESC LIMIT 1`,
  )
    .bind(message.channel, message.userEmail, idleSince)
    .first<{ id: string }>();
  const conversationId = open?.id ?? crypto.randomUUID();
  const statements = [
    env.DB.prepare(
      `INSERT INTO conversation_messages (conversation_id, sender, content, source_key, created_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
    ).bind(conversationId, sender, message.text, message.key, message.at),
    env.DB.prepare(
      'UPDATE conversations SET last_message_at = MAX(last_message_at, ?) WHERE id = ?',
    ).bind(message.at, conversationId),
  ];
  if (!open) {
    statements.unshift(
      env.DB.prepare(
        `INSERT INTO conversations (id, channel, user_email, started_at, last_message_at)
         VALUES (?, ?, ?, ?, ?)`,
      ).bind(conversationId, message.channel, message.userEmail, message.at, message.at),
    );
  }
  await env.DB.batch(statements);
  return conversationId;
}
