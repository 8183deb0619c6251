// Recording a run's result (runner/record.ts) from a clone whose config, hooks and attributes
// the agent poisoned: the work arrives whole in the runner's repository, and nothing of the
// clone's runs in the runner.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../runner/clones/workspace';
import { FIRST_ROUND, recordFirstRound, runnerRepo, TASK } from '../support/runner-repo';

const { root, repo, clones, git, gitIn, remove } = runnerRepo('hq-record-');
afterAll(remove);
const markers = join(root, 'markers');
mkdirSync(markers);

const task = FIRST_ROUND;

/** Every way a clone's git could run a program of the agent's, each leaving a marker. */
function poison(dir: string) {
  const mark = (name: string) => `touch '${join(markers, name)}'`;
  gitIn(dir, 'config', 'core.fsmonitor', `${mark('fsmonitor')}; echo`);
  gitIn(dir, 'config', 'filter.x.clean', `${mark('clean-filter')}; tr a-z A-Z`);
  gitIn(dir, 'config', 'filter.x.smudge', `${mark('smudge-filter')}; cat`);
  gitIn(dir, 'config', 'diff.x.textconv', `${mark('textconv')}; cat`);
  gitIn(dir, 'config', 'core.hooksPath', join(dir, '.git', 'hooks'));
  for (const hook of ['pre-commit', 'post-commit', 'reference-transaction', 'post-index-change']) {
    const path = join(dir, '.git', 'hooks', hook);
    writeFileSync(path, `#!/bin/sh\n${mark(hook)}\n`);
    chmodSync(path, 0o755);
  }
  writeFileSync(join(dir, '.gitattributes'), '* filter=x diff=x\n');
}

describe('recording a run', () => {
  it("takes the agent's commits and its uncommitted work, and runs nothing of the clone's", async () => {
    const ws = await openWorkspace(clones, repo, task, null);
    // The agent commits once, then leaves work uncommitted: a change, a new file, a deletion.
    writeFileSync(join(ws.dir, 'committed.txt'), 'by the agent\n');
    gitIn(ws.dir, 'add', '.');
    gitIn(ws.dir, 'commit', '-qm', 'agent work');
    const agentCommit = gitIn(ws.dir, 'rev-parse', 'HEAD');
    poison(ws.dir);
    writeFileSync(join(ws.dir, 'README.md'), '# changed, lower case\n');
    writeFileSync(join(ws.dir, 'new file.txt'), 'left uncommitted\n');
    rmSync(join(ws.dir, 'committed.txt'));

    const recorded = await recordFirstRound(repo, ws, 'Poisoned');

    expect(readdirSync(markers)).toEqual([]);
    expect(recorded.notes).toEqual([]);
    expect(git('rev-parse', `hq/${TASK}`)).toBe(recorded.headCommit);
    expect(recorded.commits).toEqual([agentCommit, recorded.headCommit]);
    expect(git('log', '-1', '--format=%an <%ae> %s', recorded.headCommit)).toBe(
      'HQ runner <runner@hq.local> hq: Poisoned (uncommitted work)',
    );
    // Unfiltered: the clean filter would have upper-cased it.
    expect(git('show', `${recorded.headCommit}:README.md`)).toBe('# changed, lower case');
    expect(git('show', `${recorded.headCommit}:new file.txt`)).toBe('left uncommitted');
    expect(recorded.numstat.map(({ path, change }) => `${change} ${path}`)).toEqual([
      'added .gitattributes',
      'modified README.md',
      'added new file.txt',
    ]);
    // The fetch went to a ref of the runner's own, gone afterwards; no FETCH_HEAD to race on.
    expect(git('for-each-ref', 'refs/hq-runner')).toBe('');
    expect(existsSync(join(repo.gitDir, 'FETCH_HEAD'))).toBe(false);
    await clones.remove(repo.name, TASK);
  });

  it("records the agent's last commit as the head when nothing is left uncommitted", async () => {
    const ws = await openWorkspace(clones, repo, task, null);
    writeFileSync(join(ws.dir, 'clean.txt'), 'all committed\n');
    gitIn(ws.dir, 'add', '.');
    gitIn(ws.dir, 'commit', '-qm', 'clean');
    const recorded = await recordFirstRound(repo, ws, 'Clean');
    expect(recorded.headCommit).toBe(gitIn(ws.dir, 'rev-parse', 'HEAD'));
    expect(recorded.commits).toEqual([recorded.headCommit]);
    await clones.remove(repo.name, TASK);
  });

  it('records the uncommitted work on the start when the clone has no readable HEAD, and says so', async () => {
    const ws = await openWorkspace(clones, repo, task, null);
    writeFileSync(join(ws.dir, 'kept.txt'), 'still recorded\n');
    writeFileSync(join(ws.dir, '.git', 'HEAD'), 'ref: refs/heads/nowhere\n');
    const recorded = await recordFirstRound(repo, ws, 'Headless');
    expect(recorded.notes[0]).toMatch(/^the clone's commits could not be read/);
    expect(git('rev-parse', `${recorded.headCommit}^`)).toBe(ws.start);
    expect(git('show', `${recorded.headCommit}:kept.txt`)).toBe('still recorded');
    await clones.remove(repo.name, TASK);
  });
});
