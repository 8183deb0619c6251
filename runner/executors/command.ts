import { spawn } from 'node:child_process';

export interface ExecutorResult {
  ok: boolean;
  /** The agent was stopped by Ctrl-C (it shares the terminal's process group with the runner). */
  interrupted?: boolean;
  logTail: string;
  error?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const TAIL = 8_000;

/**
 * Runs any coding-agent CLI in the worktree: the prompt on standard input, the task in the
 * environment (already reduced to the allowlist by the caller). `onOutput` sees the log tail
 * and what was just added to it (for the live log).
 */
export function runCommand(
  command: string,
  cwd: string,
  env: Record<string, string>,
  prompt: string,
  onOutput: (tail: string, tokens: number, added: string) => void,
  signal: AbortSignal,
): Promise<ExecutorResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
    });
    let tail = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-TAIL);
      onOutput(tail, 0, text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.stdin.on('error', () => undefined); // a command that ignores its input may close it early
    child.stdin.end(prompt);
    const done = (ok: boolean, error?: string) =>
      resolve({
        ok,
        logTail: tail,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        ...(error ? { error } : {}),
      });
    child.on('error', (error) => done(false, error.message));
    child.on('close', (code, sig) => {
      if (sig === 'SIGINT' || code === 130) {
        resolve({
          ok: false,
          interrupted: true,
          logTail: tail,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
        });
        return;
      }
      done(code === 0, code === 0 ? undefined : `command exited with ${code ?? sig}`);
    });
  });
}
