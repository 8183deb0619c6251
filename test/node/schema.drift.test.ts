import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'hq-drift-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('committed migrations', () => {
  it('match the Drizzle schema: generating again produces no new migration', () => {
    // drizzle-kit reads --out relative to the working directory.
    cpSync(join(root, 'drizzle'), out, {
      recursive: true,
      filter: (src) => !src.includes('/schema'),
    });
    const before = readdirSync(out).filter((f) => f.endsWith('.sql'));
    const output = execFileSync(
      join(root, 'node_modules/.bin/drizzle-kit'),
      [
        'generate',
        '--dialect',
        'sqlite',
        '--schema',
        './drizzle/schema/index.ts',
        '--out',
        relative(root, out),
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
    );
    expect(output).toContain('No schema changes');
    expect(readdirSync(out).filter((f) => f.endsWith('.sql'))).toEqual(before);
    expect(before.length).toBeGreaterThan(0);
  });
});
