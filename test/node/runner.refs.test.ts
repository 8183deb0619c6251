// What the runner accepts from HQ before a name touches a path or a git command
// (runner/git/refs.ts): the task's id and branch, base branches and repository names.
import { describe, expect, it } from 'vitest';
import {
  approvedProblem,
  branchNameProblem,
  claimProblem,
  repositoryNameProblem,
  taskBranchProblem,
  taskIdProblem,
} from '../../runner/git/refs';

const ID = '0b5e6c1a-3f7d-4c1e-9a2b-7d8e9f0a1b2c';

describe('names from HQ', () => {
  it.each([
    [ID, true],
    ['task-1', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['../etc', false],
    ['a/b', false],
    ['a b', false],
    ['a.b', false],
    ['id\n', false],
  ])('task id %j: usable %s', (id, usable) => {
    expect(taskIdProblem(id) === null).toBe(usable);
  });

  it.each([
    [`hq/${ID}`, true],
    [`hq/${ID}/x`, false],
    ['hq/other', false],
    ['main', false],
    [`refs/heads/hq/${ID}`, false],
  ])('task branch %j: usable %s', (branch, usable) => {
    expect(taskBranchProblem(ID, branch) === null).toBe(usable);
  });

  it.each([
    ['main', true],
    ['release/2.0', true],
    ['feature_x-1', true],
    ['-x', false],
    ['--upload-pack=evil', false],
    ['a..b', false],
    ['main@{1}', false],
    ['a b', false],
    ['a\tb', false],
    ['a\u0001b', false],
    ['a\u007fb', false],
    ['x~1', false],
    ['x^', false],
    ['a:b', false],
    ['a?', false],
    ['a*', false],
    ['a[b', false],
    ['a\\b', false],
    ['x.lock', false],
    ['x/', false],
    ['', false],
    // Only git's own check refuses these.
    ['.hidden', false],
    ['a//b', false],
    ['HEAD', false],
  ])('base branch %j: usable %s', async (name, usable) => {
    expect((await branchNameProblem('base branch', name)) === null).toBe(usable);
  });

  it.each([
    ['acme/app', true],
    ['demo/storefront', true],
    ['app.v2_x-y', true],
    ['/abs/path', false],
    ['.hidden', false],
    ['acme/../etc', false],
    ['..', false],
    ['acme/', false],
    ['a b', false],
    ['a'.repeat(201), false],
  ])('repository name %j: usable %s', (name, usable) => {
    expect(repositoryNameProblem(name) === null).toBe(usable);
  });

  it('names the bad value in the reason, quoted so a control character shows', async () => {
    const claim = {
      task: { id: ID, branch: `hq/${ID}`, baseBranch: 'ma\nin', headCommit: null },
      mission: { repository: 'acme/app' },
    };
    expect(await claimProblem(claim)).toBe('base branch "ma\\nin" is not a usable branch name');
    expect(
      await claimProblem({ ...claim, task: { ...claim.task, baseBranch: 'main' } }),
    ).toBeNull();
    expect(
      await claimProblem({
        ...claim,
        task: { ...claim.task, baseBranch: 'main', headCommit: 'HEAD' },
      }),
    ).toBe('commit "HEAD" is not 40 lowercase hex digits');
    expect(
      await approvedProblem({
        taskId: ID,
        branch: `hq/${ID}`,
        baseBranch: 'main',
        repository: 'acme/../x',
        headCommit: 'a'.repeat(40),
      }),
    ).toMatch(/^repository name "acme\/\.\.\/x"/);
  });
});
