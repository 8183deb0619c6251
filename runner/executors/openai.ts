import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { type AgentUser, spawnAs } from '../agent-user';
import { listAsUser, readAsUser, searchAsUser, writeAsUser } from './confined-as-user';
import {
  listConfined,
  OutsideWorktree,
  readConfined,
  searchConfined,
  writeConfined,
} from './confined-fs';

export interface OpenAiExecutorOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  maxSteps: number;
  /** USD per million input and output tokens, when known. */
  pricing?: { input: number; output: number };
  /** The agent's identity, appended to the loop's own system prompt. */
  identity?: string;
}

/** A run of the loop; `costUsd` is null without a price (unknown, not $0). */
export interface OpenAiResult {
  ok: boolean;
  logTail: string;
  error?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

const SYSTEM =
  'You are a coding agent working in a git repository. Use the tools; stop when the task is done.';

const TOOLS: ChatCompletionTool[] = [
  tool('read_file', 'Read a text file of the repository.', { path: { type: 'string' } }, ['path']),
  tool(
    'write_file',
    'Create or replace a file.',
    { path: { type: 'string' }, content: { type: 'string' } },
    ['path', 'content'],
  ),
  tool('list_files', 'List a folder.', { path: { type: 'string' } }, []),
  tool(
    'search',
    'Find lines containing a text.',
    { pattern: { type: 'string' }, path: { type: 'string' } },
    ['pattern'],
  ),
  tool(
    'run_command',
    'Run a shell command in the repository (tests, git).',
    { command: { type: 'string' } },
    ['command'],
  ),
];

function tool(
  name: string,
  description: string,
  properties: Record<string, unknown>,
  required: string[],
): ChatCompletionTool {
  return {
    type: 'function',
    function: { name, description, parameters: { type: 'object', properties, required } },
  };
}

/**
 * A tool-calling loop over any OpenAI-compatible endpoint. The tools only reach inside the
 * clone; commands run there with the allowlisted environment, and as `user` when the runner
 * has one for agents (the file tools too). Stops after `maxSteps`.
 */
export async function runOpenAi(
  opts: OpenAiExecutorOptions,
  cwd: string,
  env: Record<string, string>,
  prompt: string,
  onOutput: (
    tail: string,
    usage: { inputTokens: number; outputTokens: number; costUsd: number | null },
    added: string,
  ) => void,
  signal: AbortSignal,
  user: AgentUser | null = null,
): Promise<OpenAiResult> {
  const client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey, maxRetries: 1 });
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: opts.identity ? `${SYSTEM}\n\n${opts.identity}` : SYSTEM },
    { role: 'user', content: prompt },
  ];
  let inputTokens = 0;
  let outputTokens = 0;
  let log = '';
  const cost = () =>
    opts.pricing
      ? (inputTokens * opts.pricing.input + outputTokens * opts.pricing.output) / 1e6
      : null;
  // Every completion and every line: the runner checks the budget on each.
  const note = (line: string) => {
    log = line ? `${log}${line}\n`.slice(-8000) : log;
    onOutput(log, { inputTokens, outputTokens, costUsd: cost() }, line ? `${line}\n` : '');
  };
  const result = (ok: boolean, error?: string): OpenAiResult => ({
    ok,
    logTail: log,
    inputTokens,
    outputTokens,
    costUsd: cost(),
    ...(error ? { error } : {}),
  });
  try {
    for (let step = 0; step < opts.maxSteps; step++) {
      const completion = await client.chat.completions.create(
        { model: opts.model, messages, tools: TOOLS },
        { signal },
      );
      inputTokens += completion.usage?.prompt_tokens ?? 0;
      outputTokens += completion.usage?.completion_tokens ?? 0;
      note('');
      const message = completion.choices[0]?.message;
      if (!message) return result(false, 'the model returned no message');
      messages.push(message);
      const calls = message.tool_calls ?? [];
      if (!calls.length) {
        note(`model: ${message.content ?? ''}`);
        return result(true);
      }
      for (const call of calls) {
        if (call.type !== 'function') continue;
        const output = await runTool(call.function.name, call.function.arguments, cwd, {
          env,
          signal,
          user,
        });
        note(`${call.function.name}: ${output.slice(0, 200)}`);
        messages.push({ role: 'tool', tool_call_id: call.id, content: output });
      }
    }
    return result(false, `stopped after ${opts.maxSteps} steps`);
  } catch (error) {
    return result(false, error instanceof Error ? error.message : String(error));
  }
}

interface ToolContext {
  env: Record<string, string>;
  signal: AbortSignal;
  user: AgentUser | null;
}

async function runTool(
  name: string,
  rawArgs: string,
  cwd: string,
  { env, signal, user }: ToolContext,
): Promise<string> {
  let args: Record<string, string>;
  try {
    args = JSON.parse(rawArgs || '{}') as Record<string, string>;
  } catch {
    return 'error: arguments are not JSON';
  }
  try {
    if (user && name !== 'run_command') return await fileToolAsUser(name, args, cwd, { user, env });
    switch (name) {
      case 'read_file':
        return await readConfined(cwd, args.path ?? '');
      case 'write_file':
        return await writeConfined(cwd, args.path ?? '', args.content ?? '');
      case 'list_files':
        return await listConfined(cwd, args.path ?? '.');
      case 'search':
        return await searchConfined(cwd, args.pattern ?? '', args.path ?? '.');
      case 'run_command':
        return await shell(args.command ?? '', cwd, env, signal, user);
      default:
        return `error: unknown tool ${name}`;
    }
  } catch (error) {
    if (error instanceof OutsideWorktree) return `refused: ${error.message}`;
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The file tools done by a process of the agent user (confined-as-user.ts). */
function fileToolAsUser(
  name: string,
  args: Record<string, string>,
  cwd: string,
  as: { user: AgentUser; env: Record<string, string> },
): Promise<string> {
  switch (name) {
    case 'read_file':
      return readAsUser(cwd, args.path ?? '', as);
    case 'write_file':
      return writeAsUser(cwd, args.path ?? '', args.content ?? '', as);
    case 'list_files':
      return listAsUser(cwd, args.path ?? '.', as);
    case 'search':
      return searchAsUser(cwd, args.pattern ?? '', args.path ?? '.', as);
    default:
      return Promise.resolve(`error: unknown tool ${name}`);
  }
}

/** A command in the clone, with the allowlisted environment, for at most two minutes. */
function shell(
  command: string,
  cwd: string,
  env: Record<string, string>,
  signal: AbortSignal,
  user: AgentUser | null,
): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd,
      env,
      signal,
      timeout: 120_000,
      ...spawnAs(user),
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
    child.stderr.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
    child.on('error', (e) => resolve(`error: ${e.message}`));
    child.on('close', (code) => resolve(`exit ${code}\n${out}`));
  });
}
