import { readFileSync } from 'node:fs';

/**
 * This runner's own version: the version of the package it ships in (the repository's
 * package.json, one level up from runner/). Said by `--version` and sent to HQ with the
 * runner's capabilities, so Settings → Runners shows which runner code each one runs.
 */
export const RUNNER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
