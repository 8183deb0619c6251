// The reaper: a small watchdog that outlives a test or bench process by exactly as long as it
// takes to end everything that process started. Started detached (its own process group, so a
// Ctrl-C meant for the run does not end it first) with a pipe as its standard input: the pipe
// closes when its owner exits, however it exits (normal end, thrown error, Ctrl-C, SIGKILL),
// and then every process started under the owner's mark is ended. The owner also writes the
// process groups it starts, one a line (`+123`, and `-123` once it has ended that group), for
// systems without /proc, where marks cannot be read.
//
// Usage: node reaper.mjs <mark>
import { endMarked } from './marked-processes.mjs';

const mark = process.argv[2];
if (!mark) {
  console.error('reaper: no mark given');
  process.exit(2);
}

// Only the owner's end decides when the reaper runs.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

const groups = new Set();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line.startsWith('+')) groups.add(pgid);
    else groups.delete(pgid);
  }
});
process.stdin.on('close', async () => {
  await endMarked(mark, [...groups]);
  process.exit(0);
});
