// Types for what test/support/global-setup.ts provides, so `inject('oidc')` is typed in tests.
// The import makes this file a module, which turns the block below into an augmentation of
// vitest's ProvidedContext instead of a replacement of the whole 'vitest' module.
import 'vitest';

// Connection details of the local OpenID Connect provider (test/support/oidc-provider.ts).
export interface OidcStandIn {
  issuer: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
}

// Connection details of the local GitHub (test/support/github-stand-in.ts).
export interface GithubStandIn {
  webUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
}

// The local OpenAI-compatible server (test/support/model-stand-in.ts): `root` for scripting.
export interface ModelStandIn {
  root: string;
  baseUrl: string;
}

/** One scripted answer: text (optionally late), a JSON document as text, an HTTP error, or silence. */
export type Reply =
  | {
      text: string;
      delayMs?: number;
      usage?: { prompt: number; completion: number };
      /** When streamed: the pause between chunks (one chunk per word). */
      chunkDelayMs?: number;
    }
  | { json: unknown }
  | { toolCalls: { name: string; args: Record<string, unknown> }[] }
  | { status: number; message: string }
  | { hang: true };

// The local Telegram Bot API server (test/support/telegram-stand-in.ts).
export interface TelegramStandIn {
  apiRoot: string;
}

/** One Bot API call the stand-in received. */
export interface BotApiCall {
  token: string;
  method: string;
  chatId: string | null;
  payload: Record<string, unknown>;
  at: number;
  /** What the stand-in answered (a sent message, with its message_id); unset when it failed. */
  result?: unknown;
}

/** Makes the next `times` calls of `method` (to `chatId`, if given) slow, failing, or both. */
export interface BotApiScript {
  method: string;
  chatId?: string;
  times: number;
  delayMs?: number;
  status?: number;
  description?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    oidc: OidcStandIn;
    github: GithubStandIn;
    models: ModelStandIn;
    telegram: TelegramStandIn;
  }
}
