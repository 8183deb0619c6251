import type { Disk } from './api';
import { diskState } from './clones/leftovers';

/** How often a runner short of disk looks again. */
export const DISK_RECHECK_MS = 30_000;

const mb = (bytes: number) => `${Math.floor(bytes / 1024 / 1024)} MB`;

/**
 * Whether the work folder has room for another clone (`--min-free-disk`). The runner claims
 * nothing while it has not, and says so once each time that changes, not on every check.
 */
export class DiskGate {
  private short: boolean | null = null;

  constructor(
    private readonly workDir: string,
    private readonly minFreeBytes: number,
    private readonly say: (line: string) => void,
  ) {}

  /** What HQ is told with each claim and heartbeat. */
  state(): Promise<Disk> {
    return diskState(this.workDir);
  }

  async check(): Promise<{ disk: Disk; enough: boolean }> {
    const disk = await this.state();
    const enough = disk.freeBytes >= this.minFreeBytes;
    if (this.short !== !enough) {
      if (!enough)
        this.say(
          `only ${mb(disk.freeBytes)} free in ${this.workDir}, under --min-free-disk ${mb(this.minFreeBytes)}: claiming nothing, looking again every ${DISK_RECHECK_MS / 1000} s`,
        );
      else if (this.short)
        this.say(`${mb(disk.freeBytes)} free in ${this.workDir} again: claiming`);
    }
    this.short = !enough;
    return { disk, enough };
  }
}
