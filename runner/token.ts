import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

// The runner's token comes from HQ_RUNNER_TOKEN or a file, never from the command line (every
// user of the machine sees it in `ps`) nor from the config file (config files get copied and
// shared). A token file is read only when no one but this runner's user could have read it.

export const TOKEN_FROM_FLAG =
  '--token is refused: a command line shows in `ps` to every user of this machine. Put the token in HQ_RUNNER_TOKEN, or in a file only you can read and pass --token-file PATH (chmod 600 PATH)';
export const TOKEN_IN_CONFIG =
  '"token" in the config file is refused: config files get copied and shared. Put the token in HQ_RUNNER_TOKEN, or in a file only you can read named by "token-file" (chmod 600)';

/**
 * The token in `path`, or a problem: not a regular file, readable or writable by group or
 * others, or owned by another user than `uid`. Opened once and checked through the open file,
 * so it cannot be swapped between the check and the read.
 */
export function readTokenFile(path: string, uid: number): { token: string } | { problem: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `--token-file ${path}: ${(error as Error).message}` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `--token-file ${path}: not a regular file` };
    const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
    if (stat.mode & 0o077)
      return {
        problem: `--token-file ${path}: mode ${mode} lets other users read it; chmod 600 ${path}`,
      };
    if (stat.uid !== uid)
      return {
        problem: `--token-file ${path}: owned by uid ${stat.uid}, not by this runner's user (uid ${uid}); chown it to that user`,
      };
    return { token: readFileSync(fd, 'utf8').trim() };
  } finally {
    closeSync(fd);
  }
}
