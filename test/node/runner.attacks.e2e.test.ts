// The attacks an outside review found on the review gate, tried by a stand-in agent with a
// shell (test/support/stand-in-clis/attacker.sh) against a real runner, HQ and git, with the
// agent run as another user (`--agent-user nobody`, as the README recommends). The proof is in
// what lands: main moves only by the merges of reviewed heads, another task's branch stays
// where its report put it, and nothing the agent planted runs in the runner or finds its token.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { GOOD_AGENT, useRunnerE2e } from '../support/runner-e2e';

const { api, git, repoDir, cloneRoot, startRunner, taskAfterApproval } = useRunnerE2e();
const asRoot = process.getuid?.() === 0;
const PLANTED = 'planted-secret-value-1234';

interface ReviewedTask {
  status: string;
  headCommit: string | null;
  scopeViolations: string[];
  diffNumstat: { path: string }[];
  verdict: string | null;
}

describe.skipIf(!asRoot)(
  'the review gate holds against an agent with a shell (agent run as nobody)',
  () => {
    // A folder anyone may write to, for what a planted hook or monitor would dump; the attacker
    // script is copied there so `nobody` can read it wherever the checkout lives.
    let leaks = '';
    beforeAll(() => {
      leaks = mkdtempSync(join(tmpdir(), 'hq-leaks-'));
      chmodSync(leaks, 0o1777);
      const script = fileURLToPath(
        new URL('../support/stand-in-clis/attacker.sh', import.meta.url),
      );
      copyFileSync(script, join(leaks, 'attacker.sh'));
      chmodSync(join(leaks, 'attacker.sh'), 0o755);
      // The agent user reads the repository's objects through its clone's alternates.
      for (const dir of [repoDir(), cloneRoot()]) chmodSync(dir, 0o755);
      // An off-limits file the attacker moves into its scope.
      execFileSync('mkdir', ['-p', join(repoDir(), 'infra')]);
      execFileSync('sh', ['-c', 'echo "deploy: prod" > infra/deploy.yml'], { cwd: repoDir() });
      git('add', 'infra');
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'infra');
    });
    afterAll(() => rmSync(leaks, { recursive: true, force: true }));

    it('moves nothing, runs nothing of the agent’s in the runner, leaks no token, flags the rename', async () => {
      const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-attacks' });
      const command = `case "$HQ_TASK_TITLE" in attack*) sh ${join(leaks, 'attacker.sh')} ;; *) ${GOOD_AGENT} ;; esac`;
      const runner = startRunner(token, command, ['--agent-user', 'nobody', '--env', 'LEAK_DIR'], {
        LEAK_DIR: leaks,
      });
      const diagnostics = async () => runner.output();
      const inReview = (id: string) =>
        waitFor(
          `task ${id} in REVIEW`,
          async () => {
            const task = await api<ReviewedTask>(`/api/tasks/${id}`);
            if (task.status === 'FAILED') throw new Error(`task failed\n${runner.output()}`);
            return task.status === 'REVIEW' && task.verdict === null ? task : undefined;
          },
          { diagnostics, seconds: 90 },
        );
      const base = git('rev-parse', 'main');

      const honestId = await taskAfterApproval('honest work');
      const honest = await inReview(honestId);
      expect(git('rev-parse', `hq/${honestId}`)).toBe(honest.headCommit);

      const attackId = await taskAfterApproval('attack the gate');
      const attack = await inReview(attackId);
      const head = attack.headCommit ?? '';
      const attempts = Object.fromEntries(
        git('show', `${head}:src/attempts.txt`)
          .split('\n')
          .map((line) => line.split(': ') as [string, string]),
      );
      // The attacks ran: inside its clone the agent may do anything.
      expect(attempts).toMatchObject({
        'clone-move-main': 'allowed',
        'clone-move-other-branch': 'allowed',
        'clone-fsmonitor': 'allowed',
        'clone-hook-post-commit': 'allowed',
        'clone-filter': 'allowed',
        'rename-out-of-scope': 'done',
      });
      // …and outside it, nothing: the runner's repository is not the agent's to write.
      expect(attempts['runner-git']).toBe(join(repoDir(), '.git'));
      expect(attempts).toMatchObject({
        'runner-fetch': 'refused',
        'runner-move-main': 'refused',
        [`runner-move-${honestId}`]: 'refused',
        'runner-fsmonitor': 'refused',
        'runner-hook-post-commit': 'refused',
        'runner-hook-reference-transaction': 'refused',
        'proc-token-found': '0',
      });

      // Nothing moved: main is the base, the honest task's branch is where its report put it.
      expect(git('rev-parse', 'main')).toBe(base);
      expect(git('rev-parse', `hq/${honestId}`)).toBe(honest.headCommit);
      expect(() => git('config', '--get', 'core.fsmonitor')).toThrow();
      expect(
        readdirSync(join(repoDir(), '.git/hooks')).filter((f) => !f.endsWith('.sample')),
      ).toEqual([]);
      // The rename is a deletion outside the scope plus an addition inside it: flagged.
      expect(attack.scopeViolations).toContain('infra/deploy.yml');
      expect(attack.diffNumstat.map((f) => f.path)).toEqual(
        expect.arrayContaining(['infra/deploy.yml', 'src/deploy.yml']),
      );
      // What the agent left uncommitted was recorded by the runner, without the agent's filter.
      expect(git('show', `${head}:src/uncommitted.txt`)).toBe('left for the runner to commit');

      // What the agent's planted commands dumped: only ever its own environment, as itself.
      const dumps = readdirSync(leaks).filter((f) => f !== 'attacker.sh');
      expect(dumps.length).toBeGreaterThan(0);
      const nobody = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();
      for (const dump of dumps) {
        expect(dump).toMatch(new RegExp(`-${nobody}-\\d+$`));
        const text = readFileSync(join(leaks, dump), 'utf8');
        expect(text).not.toContain(token);
        expect(text).not.toContain(PLANTED);
      }
      // The token is on no command line (the runner takes it from its environment only).
      expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(token);

      // Approving each merges exactly its reported head, in order.
      await api(`/api/tasks/${honestId}/review`, { verdict: 'approve', comments: '' });
      await waitFor('honest DONE', async () =>
        (await api<ReviewedTask>(`/api/tasks/${honestId}`)).status === 'DONE' ? true : undefined,
      );
      expect(git('rev-parse', 'main^1')).toBe(base);
      expect(git('rev-parse', 'main^2')).toBe(honest.headCommit);
      await api(`/api/tasks/${attackId}/review`, { verdict: 'approve', comments: '' });
      await waitFor('attack DONE', async () =>
        (await api<ReviewedTask>(`/api/tasks/${attackId}`)).status === 'DONE' ? true : undefined,
      );
      expect(git('rev-parse', 'main^2')).toBe(head);
      expect(git('rev-parse', 'main^1^2')).toBe(honest.headCommit);
    });
  },
);
