// Finding and ending the processes a test or bench run started. Every child is spawned with
// HQ_PROCESS_OWNER naming its owner's mark, in a process group of its own. Children inherit
// their parent's environment, so the mark reaches wrangler's workerd even when it outlives
// wrangler; Chromium clears the environment of its helpers, but they stay in the browser's
// group, so a group whose leader is marked counts as marked. An owner that was itself started
// marked adds its mark after the one it inherited (`outer/inner`): a scan for the outer mark
// finds the whole tree, and the inner owner's reaper ends only its own part.
// Linux only (it reads /proc); elsewhere only the groups named explicitly are found.
// Plain ESM so the reaper runs without a compiler.
import { readdirSync, readFileSync } from 'node:fs';

export const OWNER_VARIABLE = 'HQ_PROCESS_OWNER';
const GRACE_MS = 5_000;
const PREFIX = `${OWNER_VARIABLE}=`;

function describe(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state, ppid, pgrp, ...
    const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie has already ended; it only waits for its parent to read its status.
    if (state === 'Z') return undefined;
    let marks = [];
    try {
      const owner = readFileSync(`/proc/${pid}/environ`, 'latin1')
        .split('\0')
        .find((entry) => entry.startsWith(PREFIX));
      marks = owner ? owner.slice(PREFIX.length).split('/') : [];
    } catch {
      // not ours to read
    }
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, pgid: Number(pgid), marks, command };
  } catch {
    return undefined; // gone meanwhile
  }
}

function processTable() {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .map(describe)
    .filter(Boolean);
}

/**
 * Live processes started under the mark: those that carry it, everything in a group whose
 * leader carries it, and everything in the given groups. `groups` collects the groups of
 * marked leaders, so a caller can keep finding a browser's helpers once the browser is gone.
 */
export function markedProcesses(mark, groups = new Set()) {
  const table = processTable();
  for (const p of table) if (p.marks.includes(mark) && p.pid === p.pgid) groups.add(p.pgid);
  return table
    .filter((p) => p.marks.includes(mark) || groups.has(p.pgid))
    .map(({ pid, pgid, command }) => ({ pid, pgid, command }));
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ends every process started under the mark and every process of the given groups: SIGTERM,
 * then SIGKILL to what is still there after the grace period (an orphaned workerd ignores
 * SIGTERM). Resolves when none is left or after the second grace period.
 */
export async function endMarked(mark, groups = [], graceMs = GRACE_MS) {
  const known = new Set(groups);
  const alive = () => markedProcesses(mark, known).map((p) => p.pid);
  for (const pid of alive()) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < deadline) await sleep(100);
  for (const pid of alive()) signal(pid, 'SIGKILL');
  while (alive().length > 0 && Date.now() < deadline + graceMs) await sleep(100);
}

/** Whether any live process of the group is still there. */
export function groupAlive(pgid) {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (state !== 'Z' && Number(group) === pgid) return true;
      } catch {
        // gone meanwhile
      }
    }
    return false;
  } catch {
    // no /proc: ask the kernel (this counts zombies too)
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
