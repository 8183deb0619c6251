// `--agent-user`: agents run as another user (here `nobody`), in a clone handed to it. Needs
// a runner as root, as the option does: skipped otherwise.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentUser,
  agentReadProblem,
  resolveAgentUser,
  runAsUser,
} from '../../runner/agent-user';
import type { Claim } from '../../runner/api';
import { openWorkspace, type Workspace } from '../../runner/clones/workspace';
import { childEnv } from '../../runner/env';
import { readAsUser, writeAsUser } from '../../runner/executors/confined-as-user';
import { readConfined } from '../../runner/executors/confined-fs';
import { PRESETS, runPreset, withRunFiles } from '../../runner/executors/presets';
import { FIRST_ROUND, recordFirstRound, runnerRepo, TASK } from '../support/runner-repo';

const asRoot = process.getuid?.() === 0;
const { root, repo, clones, git, remove } = runnerRepo('hq-agent-user-');
afterAll(remove);
let nobody: AgentUser;
beforeAll(async () => {
  if (asRoot) nobody = await resolveAgentUser('nobody');
});

const task = FIRST_ROUND;
const claim = {
  task: { ...task, title: 'As nobody', spec: '', expectedScope: [], reviewComments: null },
  agent: null,
} as unknown as Claim;
const open = () => openWorkspace(clones, repo, task, nobody);
/** The agent's environment, as the runner builds it for a clone handed to another user. */
const agentEnv = (ws: Workspace) => childEnv(claim, ws.dir, [], process.env, ws.agentHome);
const record = (ws: Workspace) => recordFirstRound(repo, ws, 'As nobody', nobody);

describe.runIf(asRoot)('agents as another user', () => {
  it("writes in its clone, and neither in the runner's repository nor the runner's environment", async () => {
    const ws = await open();
    const script = [
      'id -u > whoami.txt',
      'echo "$HOME $TMPDIR $GIT_CEILING_DIRECTORIES" > env.txt',
      `touch '${repo.gitDir}/x' 2>> denied.txt`,
      `cat /proc/${process.pid}/environ > environ.txt 2>> denied.txt`,
      'git add whoami.txt && git -c user.name=a -c user.email=a@a commit -qm "as nobody"',
    ].join('; ');
    const result = await runPreset(
      PRESETS.command,
      { identity: '', model: '', tools: [], mcpServers: {}, options: { command: script } },
      ws.dir,
      agentEnv(ws),
      'prompt',
      () => undefined,
      new AbortController().signal,
      nobody,
    );
    expect(result.ok, result.logTail).toBe(true);
    const read = (name: string) => readFileSync(join(ws.dir, name), 'utf8').trim();
    expect(read('whoami.txt')).toBe(String(nobody.uid));
    expect(statSync(join(ws.dir, 'whoami.txt')).uid).toBe(nobody.uid);
    expect(read('env.txt')).toBe(`${ws.home} ${join(ws.home, 'tmp')} ${ws.parent}`);
    expect(existsSync(join(repo.gitDir, 'x'))).toBe(false);
    expect(read('environ.txt')).toBe('');
    expect(read('denied.txt').match(/Permission denied/g)).toHaveLength(2);

    // The result is recorded, and the clone is the runner's again, writable by no one else.
    const recorded = await record(ws);
    expect(git('log', '--format=%s', `main..${recorded.headCommit}`).split('\n')).toEqual([
      'hq: As nobody (uncommitted work)',
      'as nobody',
    ]);
    const stat = statSync(ws.dir);
    expect([stat.uid, stat.mode & 0o022]).toEqual([process.getuid?.(), 0]);
    await clones.remove(repo.name, TASK);
  });

  it("fetches the agent's commits as the agent: a clone pointed at a repository only root can read yields nothing of it", async () => {
    const secret = join(root, 'secret');
    mkdirSync(secret, { mode: 0o700 });
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: secret });
    writeFileSync(join(secret, 'key.txt'), 'the secret\n');
    execFileSync('git', ['add', '.'], { cwd: secret });
    execFileSync('git', ['-c', 'user.name=s', '-c', 'user.email=s@s', 'commit', '-qm', 's'], {
      cwd: secret,
    });
    const secretHead = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: secret,
      encoding: 'utf8',
    }).trim();
    const ws = await open();
    // The agent's clone borrows refs and objects from the secret repository.
    writeFileSync(join(ws.dir, '.git', 'commondir'), join(secret, '.git'));
    writeFileSync(join(ws.dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const recorded = await record(ws);
    expect(recorded.headCommit).not.toBe(secretHead);
    expect(recorded.notes[0]).toMatch(/^the clone's commits could not be read/);
    expect(() =>
      execFileSync('git', ['cat-file', '-e', secretHead], { cwd: repo.path, stdio: 'pipe' }),
    ).toThrow();
    await clones.remove(repo.name, TASK);
  });

  it("does the built-in loop's file tools as the agent, and hands it the run's private files", async () => {
    const ws = await open();
    const as = { user: nobody, env: agentEnv(ws) };
    await writeAsUser(ws.dir, 'src/new.txt', 'written\n', as);
    expect(statSync(join(ws.dir, 'src/new.txt')).uid).toBe(nobody.uid);
    // A file only root may read: the runner itself could, the agent's tool cannot.
    writeFileSync(join(ws.dir, 'root-only.txt'), 'private\n', { mode: 0o600 });
    expect(await readConfined(ws.dir, 'root-only.txt')).toBe('private\n');
    await expect(readAsUser(ws.dir, 'root-only.txt', as)).rejects.toThrow(/Permission denied/);
    expect(await readAsUser(ws.dir, 'src/new.txt', as)).toBe('written\n');

    const runDir = join(ws.home, 'run');
    const seen = await withRunFiles(
      runDir,
      [{ path: join(runDir, 'mcp.json'), contents: '{"secret":1}' }],
      () => runAsUser(nobody, ['cat', join(runDir, 'mcp.json')], { cwd: ws.dir, env: as.env }),
      nobody,
    );
    expect(seen).toBe('{"secret":1}');
    await clones.remove(repo.name, TASK);
  });

  it('says at start what to chmod when the agent user cannot read the objects', async () => {
    expect(await agentReadProblem(repo, nobody, clones.workDir)).toBeNull();
    const objects = join(repo.gitDir, 'objects');
    chmodSync(objects, 0o700);
    try {
      expect(await agentReadProblem(repo, nobody, clones.workDir)).toMatch(
        new RegExp(
          `^--agent-user nobody cannot read repository acme/app's objects .*chmod -R o\\+rX ${objects}`,
        ),
      );
    } finally {
      chmodSync(objects, 0o755);
    }
  });
});
