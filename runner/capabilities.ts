import type { Capability } from './api';
import { INHERITED } from './env';
import { PRESET_NAMES, PRESETS, probePreset } from './executors/presets';
import type { CliOptions } from './options';

// What this runner can run, found once at start: each CLI preset whose program answers
// `--version` with the agents' environment (the same PATH they get), `command` when a command
// was given, `openai` when the built-in loop has a key. HQ hands out tasks by this list.

export interface Probed {
  capabilities: Capability[];
  missing: string[];
}

/** The environment the CLIs are probed with: the one the agents get (minus the task). */
function probeEnv(declared: string[], source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...INHERITED, ...declared]) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export async function probeCapabilities(
  cli: Pick<CliOptions, 'command' | 'openai' | 'env'>,
  source: NodeJS.ProcessEnv = process.env,
): Promise<Probed> {
  const env = probeEnv(cli.env, source);
  const clis = PRESET_NAMES.filter((name) => PRESETS[name].binary);
  const versions = await Promise.all(clis.map((name) => probePreset(PRESETS[name], env)));
  const capabilities: Capability[] = clis.flatMap((preset, i) => {
    const version = versions[i] ?? null;
    return version ? [{ preset, version }] : [];
  });
  if (cli.openai.apiKey) capabilities.push({ preset: 'openai', version: null });
  if (cli.command) capabilities.push({ preset: 'command', version: null });
  const missing = clis.filter((_, i) => !versions[i]).map((name) => PRESETS[name].binary ?? name);
  return { capabilities, missing };
}

/**
 * A warning for each CLI found whose credential variables were none passed with `--env`:
 * its runs will fail unless the CLI is logged in under HOME (which the agents do get).
 */
export function credentialWarnings(capabilities: Capability[], declared: string[]): string[] {
  return capabilities.flatMap(({ preset }) => {
    if (preset === 'openai' || preset === 'command') return [];
    const names = PRESETS[preset].credentialEnv;
    if (!names.length || names.some((name) => declared.includes(name))) return [];
    return [
      `warning: ${preset} reads its credentials from ${names.join(' or ')}, and none is passed with --env: its runs fail unless it is logged in under HOME`,
    ];
  });
}

/** One line for the console: what was found, with versions, and what was not. */
export function describeCapabilities({ capabilities, missing }: Probed): string {
  const found = capabilities
    .map((c) => (c.version ? `${c.preset} (${c.version})` : c.preset))
    .join(', ');
  return `can run: ${found || 'nothing'}${missing.length ? `; not on PATH: ${missing.join(', ')}` : ''}`;
}
