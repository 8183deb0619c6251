import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import { spendLedger } from '../../drizzle/schema';
import { database } from '../db/client';
import { envValue } from '../env';
import { priceTokens } from '../prices/price';
import { priceFor } from '../prices/store';
import type { SettingsValue } from '../settings/schema';

/** An OpenAI-compatible endpoint the CEO can call, and how to name it in the spend ledger. */
export interface ModelEndpoint {
  client: OpenAI;
  provider: 'openai' | 'openai-compatible';
}

/**
 * Which endpoint the CEO's models are reached at: the base URL in settings, else
 * OPENAI_COMPATIBLE_BASE_URL (called with OPENAI_COMPATIBLE_API_KEY), else OpenAI when
 * OPENAI_API_KEY is set, else none (the CEO then works without a model).
 */
export function modelEndpoint(env: Env, settings: SettingsValue): ModelEndpoint | null {
  const compatibleKey = envValue(env, 'OPENAI_COMPATIBLE_API_KEY');
  const openAiKey = envValue(env, 'OPENAI_API_KEY');
  const baseURL = settings.modelEndpoint.baseUrl ?? envValue(env, 'OPENAI_COMPATIBLE_BASE_URL');
  // Retries are ours to decide (the voice layer falls back to raw text instead of waiting).
  const common = { maxRetries: 0, dangerouslyAllowBrowser: true };
  if (baseURL && !isOpenAi(baseURL)) {
    // OPENAI_API_KEY is for OpenAI alone: a custom endpoint (which an admin can point
    // anywhere) gets its own key or none, never the deployment's OpenAI key.
    return {
      client: new OpenAI({ ...common, baseURL, apiKey: compatibleKey ?? 'none' }),
      provider: 'openai-compatible',
    };
  }
  if (baseURL && (compatibleKey ?? openAiKey))
    return {
      client: new OpenAI({ ...common, baseURL, apiKey: compatibleKey ?? openAiKey ?? 'none' }),
      provider: 'openai',
    };
  if (openAiKey)
    return { client: new OpenAI({ ...common, apiKey: openAiKey }), provider: 'openai' };
  return null;
}

/** OpenAI's own API, where OPENAI_API_KEY may go. */
function isOpenAi(baseURL: string): boolean {
  try {
    const url = new URL(baseURL);
    return url.protocol === 'https:' && url.hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/** US dollars per million tokens (input, output). Unknown models cost the fallback, so caps still bind. */
const PRICES: Record<string, [number, number]> = {
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-4o': [2.5, 10],
  'gpt-4o-mini': [0.15, 0.6],
  'o4-mini': [1.1, 4.4],
};
const FALLBACK_PRICE: [number, number] = [1, 4];

export function costOf(model: string, inputTokens: number, outputTokens: number): number {
  const [input, output] = PRICES[model] ?? FALLBACK_PRICE;
  return (inputTokens * input + outputTokens * output) / 1_000_000;
}

export type Purpose = 'voice' | 'memory' | 'chat' | 'vision' | 'transcription';

/**
 * Writes one model call's tokens and cost to the spend ledger: at the price table's price when
 * it has the model, else at the built-in list's (which always has one, so caps still bind).
 */
export async function recordSpend(
  env: Env,
  call: {
    provider: string;
    model: string;
    purpose: Purpose;
    inputTokens: number;
    outputTokens: number;
  },
): Promise<void> {
  const table = priceTokens(
    await priceFor(env, call.provider, call.model),
    call.inputTokens,
    call.outputTokens,
  );
  await database(env)
    .insert(spendLedger)
    .values({
      ...call,
      agentId: null,
      costUsd: table ?? costOf(call.model, call.inputTokens, call.outputTokens),
      costSource: table === null ? 'builtin' : 'price_table',
      createdAt: Date.now(),
    });
}

/**
 * One chat completion, recorded in the spend ledger with its purpose. Throws on error or
 * after `timeoutMs`; callers decide what a failure means.
 */
export async function complete(
  env: Env,
  endpoint: ModelEndpoint,
  request: {
    purpose: Purpose;
    model: string;
    messages: OpenAI.Chat.ChatCompletionMessageParam[];
    timeoutMs: number;
    responseFormat?: OpenAI.Chat.ChatCompletionCreateParams['response_format'];
  },
): Promise<string> {
  const response = await endpoint.client.chat.completions.create(
    {
      model: request.model,
      messages: request.messages,
      ...(request.responseFormat ? { response_format: request.responseFormat } : {}),
    },
    { timeout: request.timeoutMs, signal: AbortSignal.timeout(request.timeoutMs) },
  );
  await recordSpend(env, {
    provider: endpoint.provider,
    model: request.model,
    purpose: request.purpose,
    inputTokens: response.usage?.prompt_tokens ?? 0,
    outputTokens: response.usage?.completion_tokens ?? 0,
  });
  const text = response.choices[0]?.message.content?.trim();
  if (!text) throw new Error('the model answered with no text');
  return text;
}

/** Why a model call failed, in words safe to show (never the endpoint's own text, which may echo a key). */
export function modelProblem(error: unknown): string {
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError)
    return 'it timed out';
  if (error instanceof APIConnectionError) return 'it could not be reached';
  if (error instanceof APIError && error.status) return `it answered ${error.status}`;
  return 'it failed';
}
