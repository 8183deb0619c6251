import { execFile } from 'node:child_process';
import type { Preset } from './types';

/**
 * The CLI's version line (`claude --version` and the like), or null when it is not on PATH
 * or does not answer within ten seconds: lets the runner say up front what it can run.
 */
export function probePreset(preset: Preset, env: Record<string, string>): Promise<string | null> {
  const { binary } = preset;
  if (!binary) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(binary, preset.versionArgs, { env, timeout: 10_000 }, (error, stdout, stderr) => {
      const line = `${stdout}\n${stderr}`.split('\n').find((text) => text.trim());
      resolve(error || !line ? null : line.trim());
    });
  });
}
