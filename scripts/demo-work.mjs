// What the demo's offline "agents" do for a task, with no model and no key: leave a small
// file inside the task's scope (the runner gives the task in HQ_TASK_* variables) holding the
// prompt they were given, and commit it, as a coding agent would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Does the task's work in the current directory (the worktree); returns the file written. */
export function doDemoWork(prompt, who) {
  const scope = (process.env.HQ_TASK_SCOPE ?? 'src/**').split('\n')[0] ?? 'src/**';
  const folder = scope.replace(/\*.*$/, '').replace(/\/$/, '') || 'src';
  const file = join(folder, `${process.env.HQ_TASK_ID?.slice(0, 8) ?? 'task'}.md`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `# ${process.env.HQ_TASK_TITLE}\n\nWritten by ${who} from this prompt:\n\n${prompt}`,
  );
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=Demo agent', '-c', 'user.email=agent@hq.local', ...args]);
  git('add', file);
  git('commit', '-qm', process.env.HQ_TASK_TITLE ?? 'demo task');
  return file;
}
