import type OpenAI from 'openai';
import type { SettingsValue } from '../../settings/schema';
import { type DraftOutcome, draftMission } from '../drafts/draft';
import { type ModelEndpoint, modelProblem, recordSpend } from '../model';
import type { Button, ClosedQuestion, Reply } from '../reply';
import { statusText } from '../views/company';
import { conversationContext } from './context';
import type { ConversationInput } from './input';
import { confirmButtons, confirmLine, proposeAction, settleAction, typedAnswer } from './pending';
import { describeWrite, runReadTool, toolRefusal, toolsFor, WRITE_TOOL_NAMES } from './tools';

/** Receives the answer's text as the model produces it (the web chat streams it). */
export type TokenSink = (text: string) => void;

type Message = OpenAI.Chat.ChatCompletionMessageParam;
type ToolCall = { id: string; name: string; arguments: string };

const MAX_STEPS = 6;
const TURN_TIMEOUT_MS = 60_000;

/** One streamed model turn: its text (passed on as it comes), its tool calls, its spend. */
async function streamTurn(
  env: Env,
  endpoint: ModelEndpoint,
  model: string,
  messages: Message[],
  tools: OpenAI.Chat.ChatCompletionTool[],
  sink?: TokenSink,
): Promise<{ text: string; calls: ToolCall[] }> {
  const stream = await endpoint.client.chat.completions.create(
    { model, messages, tools, stream: true, stream_options: { include_usage: true } },
    { timeout: TURN_TIMEOUT_MS, signal: AbortSignal.timeout(TURN_TIMEOUT_MS) },
  );
  let text = '';
  const calls: ToolCall[] = [];
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    if (delta?.content) {
      text += delta.content;
      sink?.(delta.content);
    }
    for (const part of delta?.tool_calls ?? []) {
      const call = calls[part.index] ?? { id: '', name: '', arguments: '' };
      calls[part.index] = call;
      call.id ||= part.id ?? '';
      call.name += part.function?.name ?? '';
      call.arguments += part.function?.arguments ?? '';
    }
    usage = chunk.usage ?? usage;
  }
  await recordSpend(env, {
    provider: endpoint.provider,
    model,
    purpose: 'chat',
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
  });
  return { text: text.trim(), calls: calls.filter((c) => c.name) };
}

function parseArgs(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw || '{}');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Answers one message with the model: tools run as the model asks, within the caller's role
 * (only those are offered; any other call is refused), and a write is only proposed (with
 * Confirm / Cancel and a typed phrase that names it) and runs when the operator confirms.
 * A typed answer to the open question is settled without a model call (pending.ts). When
 * the model fails, the status is the answer, with the reason.
 */
export async function chatWithModel(
  env: Env,
  settings: SettingsValue,
  endpoint: ModelEndpoint,
  input: ConversationInput & { conversationId: string },
  sink?: TokenSink,
): Promise<Reply> {
  const typed = await typedAnswer(env, input.conversationId, input.text, input.at);
  if (typed) {
    const reply =
      'reply' in typed
        ? typed.reply
        : await settleAction(env, settings, input.operator, typed.action, input.key, input.at);
    if (reply) {
      sink?.(reply.text);
      return reply;
    }
  }
  const role = input.operator.role;
  const tools = toolsFor(role);
  const model = input.images?.length ? settings.defaultModels.vision : settings.defaultModels.chat;
  let pending: { id: string; summary: string } | null = null;
  // At most one mission drafted per message: the card goes under the answer.
  let draft: Reply | null = null;
  // Earlier questions a new one replaced: the faces take their buttons away.
  const replaced: ClosedQuestion[] = [];
  const closing = (reply: Reply): Reply =>
    replaced.length ? { ...reply, closed: replaced } : reply;
  // The draft's card is the engine's, like the confirm line: the model only introduces it.
  // A mission drafted before a failure is proposed all the same, so its card goes out then too.
  const withDraft = (said: string, line?: string, more: Button[][] = []): Reply => {
    const added = [draft?.text, line].filter(Boolean).join('\n\n');
    if (added) sink?.(`\n\n${added}`);
    const buttons = [...(draft?.buttons ?? []), ...more];
    const text = added ? `${said}\n\n${added}` : said;
    return closing(buttons.length ? { text, buttons } : { text });
  };
  try {
    const messages = await conversationContext(env, input);
    for (let step = 0; step < MAX_STEPS; step++) {
      const turn = await streamTurn(env, endpoint, model, messages, tools, sink);
      if (!turn.calls.length) {
        const said = turn.text || 'Done.';
        if (!pending) return withDraft(said);
        // The engine, not the model, says what confirms: the summary and its code.
        const line = confirmLine(pending.id, pending.summary);
        return withDraft(said, line, [confirmButtons(pending.id)]);
      }
      messages.push({
        role: 'assistant',
        content: turn.text || null,
        tool_calls: turn.calls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      });
      for (const call of turn.calls) {
        const args = parseArgs(call.arguments);
        let result: string;
        const refused = toolRefusal(call.name, role);
        if (refused) result = refused;
        else if (call.name === 'draft_mission') {
          const drafted: DraftOutcome = draft
            ? { result: 'One mission per message: it is drafted already; say so.' }
            : await draftMission(env, input.operator, args, `${input.key}:draft`);
          draft = drafted.card ?? draft;
          result = drafted.result;
        } else if (WRITE_TOOL_NAMES.has(call.name)) {
          const plan = await describeWrite(env, call.name, args);
          if ('problem' in plan) result = plan.problem;
          else {
            const proposed = await proposeAction(
              env,
              {
                conversationId: input.conversationId,
                email: input.operator.email,
                tool: call.name,
                args,
                summary: plan.summary,
              },
              input.at,
            );
            pending = { id: proposed.id, summary: plan.summary };
            for (const id of proposed.replaced) replaced.push({ id, outcome: 'replaced' });
            result = `Not done yet. Under your answer the operator is shown "${plan.summary}" with a Confirm button and the phrase that confirms it; a plain yes does not. Say briefly what will happen.`;
          }
        } else result = await runReadTool(env, call.name, args, input.at);
        messages.push({ role: 'tool', tool_call_id: call.id, content: result });
      }
    }
    return withDraft('That took too many steps; ask me again more simply.');
  } catch (error) {
    const reason = modelProblem(error);
    const text = `I could not reach the model just now (${reason}). Here is the status:\n${await statusText(env, input.at)}`;
    sink?.(text);
    return withDraft(text);
  }
}
