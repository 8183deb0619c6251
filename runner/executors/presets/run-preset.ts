import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { type AgentUser, spawnAs } from '../../agent-user';
import { createRunDir, withRunFiles } from './run-files';
import { lastLineOf, reasonFromText } from './stream';
import type { AgentExecutorConfig, FailureReason, Invocation, Preset, StreamEvent } from './types';

/**
 * The outcome of a preset run, with tokens and money nullable (unknown is not zero) and the
 * failure's reason.
 */
export interface PresetResult {
  ok: boolean;
  /** Stopped by Ctrl-C (the agent shares the terminal's process group with the runner). */
  interrupted?: boolean;
  logTail: string;
  error?: string;
  reason?: FailureReason;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  costUsd: number | null;
  lastMeaningfulLine: string;
  exitCode: number | null;
}

/** What the caller sees while the agent works: the readable log so far and running totals. */
export interface RunProgress {
  tail: string;
  /** What this event added to the readable log (for the live log); '' when nothing. */
  added: string;
  lastLine: string;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Money so far, when the CLI reports it as it goes; null until then (or never). */
  costUsd: number | null;
  event?: StreamEvent;
}

const TAIL = 8_000;
const DRAIN_MS = 2_000;

/**
 * Runs one task with a CLI preset in the clone `cwd`: the run's files written to a
 * private folder and removed afterwards, the child given `env` (already the allowlist) plus
 * the preset's own variables, its output parsed as it streams. `user`: the CLI runs as that
 * user (`--agent-user`), its run files handed to it.
 */
export async function runPreset(
  preset: Preset,
  config: AgentExecutorConfig,
  cwd: string,
  env: Record<string, string>,
  prompt: string,
  onEvent: (progress: RunProgress) => void,
  signal: AbortSignal,
  user: AgentUser | null = null,
): Promise<PresetResult> {
  const runDir = await createRunDir();
  let invocation: Invocation;
  try {
    invocation = preset.invocation(config, prompt, runDir);
  } catch (error) {
    await rm(runDir, { recursive: true, force: true });
    return failure((error as Error).message, '');
  }
  return withRunFiles(
    runDir,
    invocation.files,
    () => spawnAndParse(preset, invocation, cwd, env, onEvent, signal, user),
    user,
  );
}

function failure(error: string, logTail: string, reason: FailureReason = 'error'): PresetResult {
  return {
    ok: false,
    logTail,
    error,
    reason,
    inputTokens: null,
    outputTokens: null,
    cachedInputTokens: null,
    costUsd: null,
    lastMeaningfulLine: lastLineOf(error),
    exitCode: null,
  };
}

function spawnAndParse(
  preset: Preset,
  invocation: Invocation,
  cwd: string,
  env: Record<string, string>,
  onEvent: (progress: RunProgress) => void,
  signal: AbortSignal,
  user: AgentUser | null,
): Promise<PresetResult> {
  const [program = '', ...args] = invocation.argv;
  const parser = preset.createParser();
  // The log shows what the agent did in words (its messages, tools, errors) and stderr,
  // not the raw JSON events.
  let tail = invocation.notes.map((note) => `note: ${note}\n`).join('');
  let stderrLast = '';
  let lastLine = '';
  const totals = {
    inputTokens: null as number | null,
    outputTokens: null as number | null,
    costUsd: null as number | null,
  };
  const append = (text: string) => {
    tail = (tail + text).slice(-TAIL);
    return text;
  };

  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: PresetResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const child = spawn(program, args, {
      cwd,
      env: { ...env, ...invocation.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
      ...spawnAs(user),
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const events = parser.feed(chunk);
      for (const event of events) {
        let added = '';
        if (event.lastLine) {
          lastLine = event.lastLine;
          added = append(`${event.kind === 'tool' ? '> ' : ''}${event.lastLine}\n`);
        }
        if (event.inputTokens !== undefined) totals.inputTokens = event.inputTokens;
        if (event.outputTokens !== undefined) totals.outputTokens = event.outputTokens;
        if (event.costUsd !== undefined) totals.costUsd = event.costUsd;
        onEvent({ tail, added, lastLine, ...totals, event });
      }
    });
    child.stderr.on('data', (chunk: string) => {
      append(chunk);
      stderrLast = lastLineOf(chunk) || stderrLast;
      onEvent({ tail, added: chunk, lastLine, ...totals });
    });
    child.stdin.on('error', () => undefined); // a CLI that ignores its input may close it early
    child.stdin.end(invocation.stdin);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') return; // 'close' follows and reports the stop
      const missing = error.code === 'ENOENT' ? `${program} is not on PATH` : error.message;
      settle(failure(missing, tail));
    });
    // Output is read until the pipes close, but a grandchild the CLI left running (a shell's
    // `sleep`, a stray server) would hold them open: after the exit, a short grace to drain
    // what was written, none when the run was stopped.
    child.on('exit', () => {
      const drain = setTimeout(
        () => {
          child.stdout.destroy();
          child.stderr.destroy();
        },
        signal.aborted ? 0 : DRAIN_MS,
      );
      child.once('close', () => clearTimeout(drain));
    });
    child.on('close', (code, sig) => {
      const summary = parser.finish(code);
      const base = {
        logTail: tail,
        inputTokens: summary.inputTokens,
        outputTokens: summary.outputTokens,
        cachedInputTokens: summary.cachedInputTokens,
        costUsd: summary.costUsd,
        lastMeaningfulLine: summary.lastMeaningfulLine,
        exitCode: code,
      };
      if (sig === 'SIGINT' || code === 130) {
        settle({ ...base, ok: false, interrupted: true });
        return;
      }
      if (signal.aborted) {
        settle({ ...base, ok: false, error: 'stopped by the runner', reason: 'error' });
        return;
      }
      const ok = code === 0 && summary.ok;
      const exited = `${program} exited with ${code ?? sig}${stderrLast ? `: ${stderrLast}` : ''}`;
      const error = ok ? undefined : (summary.error ?? exited);
      settle({
        ...base,
        ok,
        ...(error ? { error, reason: summary.reason ?? reasonFromText(exited) } : {}),
      });
    });
  });
}
