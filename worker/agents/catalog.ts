// Plain data shared by the worker and the web app (no runtime dependencies, so the web
// bundle can import it).

/** The ten fields whose every change is a numbered revision. */
export const TRACKED_FIELDS = [
  'name',
  'type',
  'role',
  'identity',
  'model',
  'provider',
  'tools',
  'mcpServers',
  'schedule',
  'workerEnabled',
] as const;
export type TrackedField = (typeof TRACKED_FIELDS)[number];

/** Model providers HQ knows how to reach (any OpenAI-compatible endpoint is `openai-compatible`). */
export const PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'groq',
  'mistral',
  'deepseek',
  'xai',
  'openrouter',
  'together',
  'fireworks',
  'cloudflare',
  'ollama',
  'openai-compatible',
] as const;
