/** Where each model provider's credentials come from. Only presence is ever reported. */
export const PROVIDER_CREDENTIALS: { provider: string; variables: string[] }[] = [
  { provider: 'openai', variables: ['OPENAI_API_KEY'] },
  { provider: 'anthropic', variables: ['ANTHROPIC_API_KEY'] },
  { provider: 'google', variables: ['GOOGLE_API_KEY'] },
  { provider: 'groq', variables: ['GROQ_API_KEY'] },
  { provider: 'mistral', variables: ['MISTRAL_API_KEY'] },
  { provider: 'deepseek', variables: ['DEEPSEEK_API_KEY'] },
  { provider: 'xai', variables: ['XAI_API_KEY'] },
  { provider: 'openrouter', variables: ['OPENROUTER_API_KEY'] },
  { provider: 'together', variables: ['TOGETHER_API_KEY'] },
  { provider: 'fireworks', variables: ['FIREWORKS_API_KEY'] },
  { provider: 'cloudflare', variables: ['CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_TOKEN'] },
  { provider: 'ollama', variables: ['OLLAMA_BASE_URL'] },
  {
    provider: 'openai-compatible',
    variables: ['OPENAI_COMPATIBLE_BASE_URL', 'OPENAI_COMPATIBLE_API_KEY'],
  },
];

/** Which providers have every credential variable set: present or missing, never the value. */
export function detectProviders(env: Env) {
  const values = env as unknown as Record<string, unknown>;
  return PROVIDER_CREDENTIALS.map(({ provider, variables }) => {
    const missing = variables.filter((name) => {
      const value = values[name];
      return typeof value !== 'string' || value.trim() === '';
    });
    return { provider, configured: missing.length === 0, variables, missing };
  });
}
