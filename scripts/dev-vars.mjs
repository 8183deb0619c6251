// Local configuration for `npm start`: .dev.vars is what `wrangler dev` reads as the worker's
// environment. It is created once from .dev.vars.example and then belongs to the developer.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Lines of .dev.vars.example whose value is generated per machine (SESSION_SECRET, ENCRYPTION_KEY).
const GENERATED_LINE = /^([A-Z0-9_]+)=generated-on-first-start$/gm;

/** A fresh secret: 32 random bytes, base64url (43 characters, no padding). */
export function generateSecret() {
  return randomBytes(32).toString('base64url');
}

/**
 * Creates `<rootDir>/.dev.vars` from `.dev.vars.example` with every `generated-on-first-start`
 * value (SESSION_SECRET, ENCRYPTION_KEY) freshly generated, unless it already exists: an
 * existing file is never read or rewritten, because it may hold the developer's own settings
 * and OAuth secrets.
 */
export function ensureDevVars(rootDir) {
  const path = join(rootDir, '.dev.vars');
  if (existsSync(path)) return { created: false, path };

  const example = readFileSync(join(rootDir, '.dev.vars.example'), 'utf8');
  // A function replacement, so `$` in a secret could never be read as a pattern.
  let content = example.replace(GENERATED_LINE, (_, key) => `${key}=${generateSecret()}`);
  if (!/^SESSION_SECRET=/m.test(content)) {
    content = `${content.replace(/\n?$/, '\n')}SESSION_SECRET=${generateSecret()}\n`;
  }

  try {
    // `wx` fails instead of overwriting if another process created the file meanwhile;
    // 0600 because the file holds a secret.
    writeFileSync(path, content, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (error?.code === 'EEXIST') return { created: false, path };
    throw error;
  }
  return { created: true, path };
}

/** Reads KEY=value lines, as in .dev.vars.example: comments skipped, outer quotes removed. */
export function readDevVars(path) {
  const vars = {};
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line.startsWith('#') || eq < 1) continue;
    vars[line.slice(0, eq).trim()] = line
      .slice(eq + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}
