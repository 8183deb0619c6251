import { descendants, holds, listening, read } from './core-path-memory';

/** The ports `pid` listens on (IPv4 loopback), from its socket inodes and /proc/net/tcp. */
export function portsOf(pid: number): number[] {
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
 * The address of wrangler dev's runtime itself, behind its proxy: the workerd that does not
 * hold HQ's port, at the one of its ports that answers HQ's health check. Undefined when not
 * found (not Linux, or wrangler changed how it runs). For telling what the dev proxy costs
 * from what HQ costs; `npm start` users always go through the proxy.
 */
export async function runtimeUrl(
  wranglerPid: number | undefined,
  url: string,
): Promise<string | undefined> {
  if (wranglerPid === undefined) return undefined;
  const proxyPort = listening(Number(new URL(url).port));
  for (const pid of descendants(wranglerPid)) {
    if (read(`/proc/${pid}/comm`)?.trim() !== 'workerd' || holds(pid, proxyPort)) continue;
    for (const port of portsOf(pid)) {
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
  }
  return undefined;
}
