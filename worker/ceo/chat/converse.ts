import type { SettingsValue } from '../../settings/schema';
import { recordInbound } from '../conversations';
import { modelEndpoint } from '../model';
import type { Reply } from '../reply';
import { statusText } from '../views/company';
import { chatWithModel, type TokenSink } from './engine';
import type { ConversationInput } from './input';

const NO_MODEL_NOTE =
  'No model is configured, so this is the status and the commands (/help) only. An admin can set a model endpoint in Settings.\nI cannot draft missions without a model: propose one with the form at /missions.';

/**
 * One turn of the conversation with the CEO, the same on every face: the operator's message
 * is recorded in their conversation, answered (by the model with its tools, or without a
 * model by the status), and the answer recorded too. Keys make a replayed turn record once.
 */
export async function converse(
  env: Env,
  settings: SettingsValue,
  input: ConversationInput,
  sink?: TokenSink,
): Promise<Reply> {
  const message = {
    key: input.key,
    channel: input.channel,
    userEmail: input.operator.email,
    text: input.text,
    at: input.at,
  };
  const conversationId = await recordInbound(env, settings, message);
  const endpoint = modelEndpoint(env, settings);
  const reply = endpoint
    ? await chatWithModel(env, settings, endpoint, { ...input, conversationId }, sink)
    : { text: `${await statusText(env, input.at)}\n\n${NO_MODEL_NOTE}` };
  if (!endpoint) sink?.(reply.text);
  await recordInbound(
    env,
    settings,
    { ...message, key: `${input.key}:reply`, text: reply.text },
    'ceo',
  );
  return reply;
}
