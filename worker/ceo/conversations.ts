import type { SettingsValue } from '../settings/schema';

/** An operator's message to the CEO, from any face. `key` makes it count once (e.g. a Telegram update id). */
export interface InboundMessage {
  key: string;
  channel: 'telegram' | 'web';
  userEmail: string;
  text: string;
  at: number;
}

// The user's open conversation on a face: not ended, not extracted, active since ?3.
const OPEN = `SELECT id FROM conversations WHERE channel = ?1 AND user_email = ?2 AND ended_at IS NULL
  AND extraction IS NULL AND last_message_at >= ?3 ORDER BY last_message_at DESC LIMIT 1`;

/**
 * The statements that append one message: open a conversation unless one is open, then add
 * the message to the open one and move its clock. The open conversation is found inside each
 * statement, not read first, so recording costs no round trip of its own.
 */
function appendStatements(
  env: Env,
  idleSince: number,
  message: InboundMessage,
  sender: 'operator' | 'ceo',
): D1PreparedStatement[] {
  const scope = [message.channel, message.userEmail, idleSince] as const;
  return [
    env.DB.prepare(
      `INSERT INTO conversations (id, channel, user_email, started_at, last_message_at)
       SELECT ?4, ?1, ?2, ?5, ?5 WHERE NOT EXISTS (${OPEN})`,
    ).bind(...scope, crypto.randomUUID(), message.at),
    env.DB.prepare(
      `INSERT INTO conversation_messages (conversation_id, sender, content, source_key, created_at)
       SELECT id, ?4, ?5, ?6, ?7 FROM (${OPEN}) WHERE true ON CONFLICT (source_key) DO NOTHING`,
    ).bind(...scope, sender, message.text, message.key, message.at),
    env.DB.prepare(
      `UPDATE conversations SET last_message_at = MAX(last_message_at, ?4) WHERE id = (${OPEN})`,
    ).bind(...scope, message.at),
  ];
}

/**
 * Appends the messages to the user's open conversation on that face, or opens a new one when
 * the last went idle, in one batch (one D1 round trip, one transaction). Each message's source
 * key is unique, so a replay stores nothing twice. Returns the conversation's id.
 */
async function append(
  env: Env,
  settings: SettingsValue,
  messages: { message: InboundMessage; sender: 'operator' | 'ceo' }[],
): Promise<string> {
  const first = messages[0]?.message;
  if (!first) throw new Error('nothing to record');
  const idleSince = first.at - settings.ceo.memoryIdleMinutes * 60_000;
  const results = await env.DB.batch<{ id: string }>([
    ...messages.flatMap(({ message, sender }) => appendStatements(env, idleSince, message, sender)),
    env.DB.prepare(OPEN).bind(first.channel, first.userEmail, idleSince),
  ]);
  const id = results.at(-1)?.results[0]?.id;
  if (!id) throw new Error('the conversation was not recorded');
  return id;
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
  return append(env, settings, [{ message, sender }]);
}

/**
 * An operator's message and the CEO's answer (`key:reply`), recorded together in one round
 * trip: for answers computed before anything is recorded (a command, a button).
 */
export async function recordExchange(
  env: Env,
  settings: SettingsValue,
  message: InboundMessage,
  answer: string,
): Promise<string> {
  return append(env, settings, [
    { message, sender: 'operator' },
    { message: { ...message, key: `${message.key}:reply`, text: answer }, sender: 'ceo' },
  ]);
}
