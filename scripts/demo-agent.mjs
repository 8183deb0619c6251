// The demo's scripted offline "agent": no model, no key. It does what a coding agent would
// leave behind for the task it was given: a small file inside the task's scope, committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const prompt = readFileSync(0, 'utf8');
const scope = (process.env.HQ_TASK_SCOPE ?? 'src/**').split('\n')[0] ?? 'src/**';
const folder = scope.replace(/\*.*$/, '').replace(/\/$/, '') || 'src';
const file = join(folder, `${process.env.HQ_TASK_ID?.slice(0, 8) ?? 'task'}.md`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(
  file,
  `# ${process.env.HQ_TASK_TITLE}\n\nWritten by the demo agent from this prompt:\n\n${prompt}`,
);
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=Demo agent', '-c', 'user.email=agent@hq.local', ...args]);
git('add', file);
git('commit', '-qm', process.env.HQ_TASK_TITLE ?? 'demo task');
console.log(`demo agent: wrote ${file}`);
