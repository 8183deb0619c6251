import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDevVars } from '../../scripts/dev-vars.mjs';

const example = fileURLToPath(new URL('../../.dev.vars.example', import.meta.url));
const exampleText = readFileSync(example, 'utf8');
const dirs: string[] = [];

/** A temp dir holding only a copy of the real .dev.vars.example. */
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hq-dev-vars-'));
  dirs.push(dir);
  copyFileSync(example, join(dir, '.dev.vars.example'));
  return dir;
}

function secretOf(text: string, key = 'SESSION_SECRET'): string {
  const match = new RegExp(`^${key}=(.*)$`, 'm').exec(text);
  expect(match, `${key} line`).not.toBeNull();
  return match![1]!;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ensureDevVars', () => {
  it('creates .dev.vars with a fresh SESSION_SECRET and ENCRYPTION_KEY of 32 bytes', () => {
    const dir = freshDir();
    const result = ensureDevVars(dir);
    expect(result).toEqual({ created: true, path: join(dir, '.dev.vars') });

    const created = readFileSync(result.path, 'utf8');
    for (const key of ['SESSION_SECRET', 'ENCRYPTION_KEY']) {
      const secret = secretOf(created, key);
      expect(secret).not.toBe(secretOf(exampleText, key));
      expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(secret, 'base64url').length).toBe(32);
    }
    expect(secretOf(created)).not.toBe(secretOf(created, 'ENCRYPTION_KEY'));
    // Owner-only: the file holds a secret.
    expect(statSync(result.path).mode & 0o077).toBe(0);
  });

  it('generates a different secret for each new checkout', () => {
    const first = ensureDevVars(freshDir());
    const second = ensureDevVars(freshDir());
    expect(secretOf(readFileSync(first.path, 'utf8'))).not.toBe(
      secretOf(readFileSync(second.path, 'utf8')),
    );
  });

  it('keeps every other line of the example unchanged', () => {
    const { path } = ensureDevVars(freshDir());
    // Every line the example marks as generated is the one line allowed to differ.
    const generated = exampleText
      .split('\n')
      .filter((l) => l.endsWith('=generated-on-first-start'))
      .map((l) => l.split('=')[0]);
    expect(generated).toEqual(['SESSION_SECRET', 'ENCRYPTION_KEY', 'TELEGRAM_WEBHOOK_SECRET']);
    const without = (text: string) =>
      text.split('\n').filter((l) => !generated.some((name) => l.startsWith(`${name}=`)));
    const created = readFileSync(path, 'utf8');
    expect(created).not.toContain('generated-on-first-start');
    expect(without(created)).toEqual(without(exampleText));
    expect(created.split('\n')).toHaveLength(exampleText.split('\n').length);
    expect(created).toContain('DEV_LOGIN=true');
    expect(created).toContain('ADMIN_EMAILS=admin@hq.local');
  });

  it('never touches an existing .dev.vars', () => {
    const dir = freshDir();
    const path = join(dir, '.dev.vars');
    const custom = '# mine\nSESSION_SECRET=my-own-secret\nDEV_LOGIN=false\n';
    writeFileSync(path, custom);

    expect(ensureDevVars(dir)).toEqual({ created: false, path });
    expect(readFileSync(path, 'utf8')).toBe(custom);
  });

  it('keeps the file it created on a second call', () => {
    const dir = freshDir();
    const { path } = ensureDevVars(dir);
    const before = readFileSync(path, 'utf8');
    expect(ensureDevVars(dir).created).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});
