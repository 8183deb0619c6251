// Types for the plain-ESM module, so TypeScript tests and the bench can import it.
export const OWNER_VARIABLE: 'HQ_PROCESS_OWNER';
export interface MarkedProcess {
  pid: number;
  pgid: number;
  command: string;
}
export function markedProcesses(mark: string, groups?: Set<number>): MarkedProcess[];
export function endMarked(mark: string, groups?: number[], graceMs?: number): Promise<void>;
export function groupAlive(pgid: number): boolean;
