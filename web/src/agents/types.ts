/** The agent as the API returns it (secrets already redacted by the server). */
export interface Agent {
  id: string;
  slug: string;
  name: string;
  type: 'LEAD' | 'WORKER' | 'REVIEWER';
  role: string;
  identity: string;
  model: string;
  provider: string;
  tools: string[];
  mcpServers: Record<string, unknown>;
  schedule: string | null;
  workerEnabled: boolean;
  reportsTo: string | null;
  monthlyBudgetUsd: number | null;
  revision: number;
  archivedAt: string | null;
  spentThisMonthUsd: number;
}

export interface Change {
  field: string;
  kind: 'set' | 'changed' | 'added' | 'removed';
  path: (string | number)[];
  old?: unknown;
  new?: unknown;
  lines?: string[];
}

export interface RevisionSummary {
  number: number;
  actor: string;
  reason: string | null;
  createdAt: string;
  diff: Change[];
}

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
];

export const usd = (n: number) => `$${n.toFixed(2)}`;
