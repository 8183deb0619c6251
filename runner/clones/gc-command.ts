import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_WORK_DIR } from '../options';
import { removeLeftovers } from './leftovers';

/** `npm run runner -- gc [--work-dir PATH]`: removes the clones no running runner owns. */
export async function gc(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'work-dir': { type: 'string' } } });
  const workDir = resolve(values['work-dir'] ?? DEFAULT_WORK_DIR);
  const removed = await removeLeftovers(workDir);
  for (const path of removed) process.stdout.write(`removed ${path}\n`);
  process.stdout.write(
    `${removed.length ? removed.length : 'no'} leftover clone(s) in ${workDir}\n`,
  );
  return 0;
}
