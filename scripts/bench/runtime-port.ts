import { descendants, holds, listening, read } from './core-path-memory';

/** The ports `pid` listens on (IPv4 loopback), from its socket inodes and /proc/net/tcp. */
function portsOf(pid: number): number[] {
  const ports: number[] = [];
  for (const line of (read('/proc/net/tcp') ?? '').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const port = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
    if (fields[3] !== '0A' || !fields[9] || !Number.isInteger(port)) continue;
    if (holds(pid, new Set([fields[9]]))) ports.push(port);
  }
  return ports;
}

/**
 * The ports wrangler dev's runtime itself listens on, behind its proxy: those of the workerd
 * that does not hold HQ's port (HQ's own, its inspector's, its loopback). Empty when not
 * found (not Linux, or wrangler changed how it runs).
 */
export function runtimePorts(wranglerPid: number | undefined, url: string): number[] {
  if (wranglerPid === undefined) return [];
  const proxyPort = listening(Number(new URL(url).port));
  return descendants(wranglerPid)
    .filter((pid) => read(`/proc/${pid}/comm`)?.trim() === 'workerd' && !holds(pid, proxyPort))
    .flatMap(portsOf);
}

/**
 * The address of wrangler dev's runtime itself, behind its proxy: the one of its ports that
 * answers HQ's health check. Undefined when not found. For telling what the dev proxy costs
 * from what HQ costs; `npm start` users always go through the proxy.
 */
export async function runtimeUrl(
  wranglerPid: number | undefined,
  url: string,
): Promise<string | undefined> {
  for (const port of runtimePorts(wranglerPid, url)) {
    const candidate = `http://127.0.0.1:${port}`;
    try {
      const response = await fetch(`${candidate}/api/health`, {
        signal: AbortSignal.timeout(2000),
      });
      if (response.ok && (await response.text()).includes('"problems"')) return candidate;
    } catch {
      // not HQ's port (the runtime's loopback or debug sockets)
    }
  }
  return undefined;
}
