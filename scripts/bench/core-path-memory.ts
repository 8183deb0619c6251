import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Resident memory of wrangler dev's two workerd processes, in MiB (undefined: not found). */
export interface Resident {
  /** The workerd that runs HQ's worker, its D1 and Durable Objects. */
  runtime: number | undefined;
  /** The workerd of wrangler's proxy in front of it (it listens on HQ's own port). */
  proxy: number | undefined;
  /** Every workerd found, with its command line, for the log. */
  all: { pid: number; mib: number; command: string }[];
}

export function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or not ours
  }
}

/** The inodes of the sockets listening on `port` (IPv4 and IPv6), from /proc/net. */
export function listening(port: number): Set<string> {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (read(table) ?? '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ip:port in hex; st 0A is LISTEN; the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Whether `pid` holds one of the sockets `inodes`. */
export function holds(pid: number, inodes: Set<string>): boolean {
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      return inodes.has(
        /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '',
      );
    } catch {
      return false;
    }
  });
}

/** VmRSS of a process, in MiB. */
function residentMib(pid: number): number | undefined {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return match?.[1] ? Number(match[1]) / 1024 : undefined;
}

/** The pids under `root` (its children, theirs, …), from /proc's parent links. Linux only. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * The resident memory of the workerd processes wrangler dev (`wranglerPid`) started: the one
 * listening on HQ's port (`url`) is the proxy, the other runs the worker.
 */
export function workerdResident(wranglerPid: number | undefined, url: string): Resident {
  const all: Resident['all'] = [];
  if (wranglerPid === undefined) return { runtime: undefined, proxy: undefined, all };
  for (const pid of workerdPids(wranglerPid)) {
    const mib = residentMib(pid);
    const command = (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ').trim();
    if (mib !== undefined) all.push({ pid, mib, command });
  }
  const isProxy = proxyTest(url);
  return {
    runtime: all.find((w) => !isProxy(w.pid))?.mib,
    proxy: all.find((w) => isProxy(w.pid))?.mib,
    all,
  };
}

const workerdPids = (wranglerPid: number) =>
  descendants(wranglerPid).filter((pid) => read(`/proc/${pid}/comm`)?.trim() === 'workerd');

/**
 * Whether a workerd is wrangler's proxy: both start with an entry socket on port 0, and the
 * proxy's is HQ's port once bound.
 */
function proxyTest(url: string) {
  const inodes = listening(Number(new URL(url).port));
  return (pid: number) => holds(pid, inodes);
}

/**
 * CPU time (user and system) the runtime workerd has used since it started, in ms: its share
 * of the one thread every isolate runs on (HQ's worker and Durable Objects, the local D1).
 * Undefined when it is not found. /proc counts in clock ticks, 100 a second on Linux (USER_HZ).
 */
export function runtimeCpuMs(wranglerPid: number | undefined, url: string): number | undefined {
  if (wranglerPid === undefined) return undefined;
  const isProxy = proxyTest(url);
  const pid = workerdPids(wranglerPid).find((p) => !isProxy(p));
  const stat = pid === undefined ? undefined : read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** MiB with no decimals, or "?" when the process was not found. */
export const mib = (value: number | undefined) =>
  value === undefined ? '?' : `${Math.round(value)} MiB`;
