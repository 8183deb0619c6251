import type OpenAI from 'openai';
import { memoryContext } from '../../memory/store';
import { servedRepositories } from '../../runners/repositories';
import { ceoPersona } from '../voice';
import type { ConversationInput } from './input';

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

/**
 * What the model sees: the CEO's persona and rules, what it remembers (the decisions of the
 * last six conversations, every open loop, preferences), the repositories runners serve,
 * this conversation so far, and the operator's new message (with any pictures).
 */
export async function conversationContext(
  env: Env,
  input: ConversationInput & { conversationId: string },
): Promise<Message[]> {
  const [persona, memory, repositories, history] = await Promise.all([
    ceoPersona(env),
    memoryContext(env),
    repositoriesLine(env),
    env.DB.prepare(
      `SELECT sender, content FROM conversation_messages WHERE conversation_id = ? AND source_key != ?
       ORDER BY id DESC LIMIT ?`,
    )
      .bind(input.conversationId, input.key, HISTORY)
      .all<{ sender: 'operator' | 'ceo'; content: string }>(),
  ]);
  const list = (items: { content: string }[]) =>
    items.length ? items.map((i) => `- ${i.content}`).join('\n') : '- none';
  const system = [
    persona,
    `You run a company of AI agents for its operator, ${input.operator.email} (role: ${input.operator.role}). It is ${new Date(input.at).toISOString()}.`,
    'Answer briefly, in plain text. Use the tools for every fact about agents, missions, tasks and spend; never invent ids or numbers.',
    'Changes (approving or rejecting a mission, pausing or resuming workers) go through their tools and only happen after the operator confirms; say what will happen and ask.',
    `Decisions from recent conversations:\n${list(memory.decisions)}`,
    `Open loops:\n${list(memory.openLoops)}`,
    `The operator's preferences:\n${list(memory.preferences)}`,
    repositories,
  ].join('\n\n');
  const past: Message[] = history.results
    .reverse()
    .map((m) =>
      m.sender === 'ceo'
        ? { role: 'assistant', content: m.content }
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
