import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The only variables of the runner's environment its own git commands see: enough to find git,
 * the user's identity and credentials for a push (HOME, an ssh agent), and no more. Never the
 * runner's token or API keys, so a git that runs something (a hook, fsmonitor, a filter)
 * cannot hand them on.
 */
const GIT_INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SSH_AUTH_SOCK'] as const;

/**
 * Switched off on every command the runner runs, whatever any config says: hooks (a folder
 * that cannot hold any), the filesystem monitor (a command git would run), and prompts.
 */
export const SAFE_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

export function gitEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  for (const name of GIT_INHERITED) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export interface GitOptions {
  /** Added to the minimal environment (GIT_INDEX_FILE, GIT_DIR and the like). */
  env?: Record<string, string>;
  /** False: stdout as git wrote it (NUL-separated output, where a path may end in a space). */
  trim?: boolean;
}

/** Runs git in `cwd` with the minimal environment and SAFE_CONFIG; returns stdout, trimmed. */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  const { stdout } = await run('git', [...SAFE_CONFIG, ...args], {
    cwd,
    env: { ...gitEnv(), ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return options.trim === false ? stdout : stdout.trim();
}
