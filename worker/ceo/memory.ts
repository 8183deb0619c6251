import { z } from '@hono/zod-openapi';
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { effectiveRole, roleAtLeast } from '../auth/roles';
import { database } from '../db/client';
import type { SettingsValue } from '../settings/schema';
import { complete, modelEndpoint, modelProblem } from './model';

const Extracted = z.strictObject({
  decisions: z.array(z.string().trim().min(1).max(500)).max(20),
  preferences: z.array(z.string().trim().min(1).max(500)).max(20),
  openLoops: z.array(z.string().trim().min(1).max(500)).max(20),
});

/** The JSON schema the model must answer with (OpenAI structured outputs). */
const EXTRACTION_FORMAT = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'conversation_memory',
    strict: true,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['decisions', 'preferences', 'openLoops'],
      properties: {
        decisions: { type: 'array', items: { type: 'string' } },
        preferences: { type: 'array', items: { type: 'string' } },
        openLoops: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

const PROMPT =
  'From this conversation between an operator and the CEO of their company of AI agents, list: the decisions the operator made, the preferences they stated, and the open loops (things promised or asked for and not yet done). One short sentence each. Empty lists when there are none.';

/** Extracts what one conversation should leave in memory; throws when the answer does not validate. */
async function extract(env: Env, settings: SettingsValue, conversationId: string) {
  const endpoint = modelEndpoint(env, settings);
  if (!endpoint) return null;
  const { results } = await env.DB.prepare(
    'SELECT sender, content FROM conversation_messages WHERE conversation_id = ? ORDER BY id',
  )
    .bind(conversationId)
    .all<{ sender: string; content: string }>();
  const transcript = results.map((m) => `${m.sender}: ${m.content}`).join('\n');
  const answer = await complete(env, endpoint, {
    purpose: 'memory',
    model: settings.defaultModels.chat,
    timeoutMs: 30_000,
    responseFormat: EXTRACTION_FORMAT,
    messages: [
      { role: 'system', content: PROMPT },
      { role: 'user', content: transcript },
    ],
  });
  return Extracted.parse(JSON.parse(answer));
}

/** Extraction attempts for a conversation whose model calls fail on the way (down, slow). */
const MAX_TRIES = 3;

const transient = (error: unknown) =>
  error instanceof APIConnectionError ||
  error instanceof APIUserAbortError ||
  (error instanceof APIError && (error.status ?? 0) >= 500);

/**
 * Whether a person's conversations may leave memory: operators and above, by their role now.
 * Memory reaches every operator's and admin's prompt, so a viewer's words must not become a
 * "preference" that steers them (issue 17).
 */
async function mayLeaveMemory(env: Env, email: string): Promise<boolean> {
  const role = await effectiveRole(database(env), env, email);
  return role !== undefined && roleAtLeast(role, 'operator');
}

/**
 * Closes conversations idle for longer than the setting and stores what they leave in
 * memory, each item naming the person it came from. Items and the conversation's extraction
 * mark are written in one batch guarded by the state it was read in, so a conversation is
 * extracted once, even across restarts.
 */
export async function extractIdleConversations(
  env: Env,
  settings: SettingsValue,
  now: number,
): Promise<{ conversationId: string; extraction: string }[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, user_email AS email, extraction FROM conversations
     WHERE (extraction IS NULL OR extraction LIKE 'retry:%') AND (ended_at IS NOT NULL OR last_message_at < ?)
     ORDER BY last_message_at LIMIT 10`,
  )
    .bind(now - settings.ceo.memoryIdleMinutes * 60_000)
    .all<{ id: string; email: string; extraction: string | null }>();
  const done: { conversationId: string; extraction: string }[] = [];
  for (const { id, email, extraction: before } of results) {
    let items: { kind: string; content: string }[] = [];
    let extraction: string;
    try {
      const found = (await mayLeaveMemory(env, email)) ? await extract(env, settings, id) : false;
      if (found === false) extraction = 'below_operator';
      else if (!found) extraction = 'no_model';
      else {
        items = [
          ...found.decisions.map((content) => ({ kind: 'decision', content })),
          ...found.preferences.map((content) => ({ kind: 'preference', content })),
          ...found.openLoops.map((content) => ({ kind: 'open_loop', content })),
        ];
        extraction = items.length ? 'done' : 'empty';
      }
    } catch (error) {
      // A model that is down or slow gets another chance at the next ticks; an answer that
      // does not validate would only come back the same, so that fails at once.
      const tries = Number(before?.split(':')[1] ?? 0) + 1;
      extraction = transient(error) && tries < MAX_TRIES ? `retry:${tries}` : 'failed';
      console.warn(`memory extraction of ${id}: ${extraction} (${modelProblem(error)})`);
    }
    const guard = 'EXISTS (SELECT 1 FROM conversations WHERE id = ? AND extraction IS ?)';
    await env.DB.batch([
      ...items.map((item) =>
        env.DB.prepare(
          `INSERT INTO memory_items (id, kind, content, conversation_id, source_email, created_at)
           SELECT ?, ?, ?, ?, ?, ? WHERE ${guard}`,
        ).bind(crypto.randomUUID(), item.kind, item.content, id, email, now, id, before),
      ),
      env.DB.prepare(
        `UPDATE conversations SET extraction = ?, ended_at = COALESCE(ended_at, ?) WHERE id = ? AND extraction IS ?`,
      ).bind(extraction, now, id, before),
    ]);
    done.push({ conversationId: id, extraction });
  }
  return done;
}
