import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_PATH } from '../../scripts/api/render';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

// The committed document passes Redocly's recommended rules as redocly.yaml sets them, with
// only the findings .redocly.lint-ignore.yaml explains left aside: no error, no warning.
describe('the committed OpenAPI document', () => {
  it('lints clean with the repository redocly.yaml', () => {
    const lint = spawnSync(
      join(root, 'node_modules/.bin/redocly'),
      ['lint', DOCUMENT_PATH, '--config', 'redocly.yaml', '--format', 'json'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    const report = JSON.parse(lint.stdout) as LintReport;
    const problems = report.problems.map(
      (p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`,
    );
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(lint.status, lint.stderr).toBe(0);
  });
});
