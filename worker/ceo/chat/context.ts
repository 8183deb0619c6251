import type OpenAI from 'openai';
import { roleAtLeast } from '../../auth/roles';
import { memoryContext } from '../../memory/store';
import { servedRepositories } from '../../runners/repositories';
import { ceoPersona } from '../voice';
import type { ConversationInput } from './input';
import { withoutCode } from './pending';

type Message = OpenAI.Chat.ChatCompletionMessageParam;

/** How much of the conversation goes back to the model each turn. */
const HISTORY = 20;

/** One line: the repositories runners serve, so a mission the CEO helps shape names one of them. */
export async function repositoriesLine(env: Env): Promise<string> {
  const served = await servedRepositories(env);
  const list = served.map(
    (r) => `${r.name} (${r.runners.length} runner${r.runners.length === 1 ? '' : 's'})`,
  );
  return `Repositories runners serve: ${list.length ? list.join(', ') : 'none yet'}.`;
}

type Memory = Awaited<ReturnType<typeof memoryContext>>;

/** What the CEO remembers, as prompt lines naming each item's source; operators and above only, as in GET /api/memory. */
async function memoryLines(env: Env, input: ConversationInput): Promise<string[]> {
  if (!roleAtLeast(input.operator.role, 'operator')) return [];
  const memory: Memory = await memoryContext(env);
  const list = (items: Memory['decisions']) =>
    items.length
      ? items
          .map((i) => `- ${i.content}${i.sourceEmail ? ` (from ${i.sourceEmail})` : ''}`)
          .join('\n')
      : '- none';
  return [
    `Decisions from recent conversations:\n${list(memory.decisions)}`,
    `Open loops:\n${list(memory.openLoops)}`,
    `Preferences stated in past conversations:\n${list(memory.preferences)}`,
  ];
}

/**
 * What the model sees: the CEO's persona and rules, what it remembers (for operators and
 * above: the decisions of the last six conversations, every open loop, preferences), the
 * repositories runners serve, this conversation so far, and the operator's new message
 * (with any pictures).
 */
export async function conversationContext(
  env: Env,
  input: ConversationInput & { conversationId: string },
): Promise<Message[]> {
  const [persona, memory, repositories, history] = await Promise.all([
    ceoPersona(env),
    memoryLines(env, input),
    repositoriesLine(env),
    env.DB.prepare(
      `SELECT sender, content FROM conversation_messages WHERE conversation_id = ? AND source_key != ?
       ORDER BY id DESC LIMIT ?`,
    )
      .bind(input.conversationId, input.key, HISTORY)
      .all<{ sender: 'operator' | 'ceo'; content: string }>(),
  ]);
  const system = [
    persona,
    `You run a company of AI agents for its operator, ${input.operator.email} (role: ${input.operator.role}). It is ${new Date(input.at).toISOString()}.`,
    'Answer briefly, in plain text. Use the tools for every fact about agents, missions, tasks and spend; never invent ids or numbers.',
    'Changes (approving or rejecting a mission, pausing or resuming workers) go through their tools and only happen after the operator confirms with the Confirm button or the phrase shown under your question; a plain "yes" confirms nothing. Say what will happen.',
    'When the operator asks for work to be done, draft it with draft_mission (if you have it): pick a served repository, look at its files with list_repository_files, and give each task expected_scope globs over paths that exist (or new files in folders that exist). It is proposed, not approved: the operator gets Approve, Edit and Reject under your answer.',
    ...memory,
    repositories,
  ].join('\n\n');
  const past: Message[] = history.results
    .reverse()
    .map((m) =>
      m.sender === 'ceo'
        ? { role: 'assistant', content: withoutCode(m.content) }
        : { role: 'user', content: m.content },
    );
  const text = input.prompt ?? input.text;
  const images = input.images ?? [];
  const files = input.files ?? [];
  const now: Message =
    images.length || files.length
      ? {
          role: 'user',
          content: [
            { type: 'text', text },
            ...images.map((url) => ({ type: 'image_url' as const, image_url: { url } })),
            ...files.map((f) => ({
              type: 'file' as const,
              file: { filename: f.name, file_data: f.dataUrl },
            })),
          ],
        }
      : { role: 'user', content: text };
  return [{ role: 'system', content: system }, ...past, now];
}
