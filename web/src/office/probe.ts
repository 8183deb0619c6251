import type { OfficeServerMessage } from '../../../worker/office/protocol';

/** What tests and the benchmark read from a running office (never used by the app itself). */
export interface OfficeProbe {
  robots(): { agentId: string; behaviour: string; x: number; z: number; atDesk: boolean }[];
  sceneRobots(): number;
  fps(): number;
  /**
   * Draws `frames` frames back to back, each waited for to the last pixel, and
   * reports the median milliseconds one took and the draw calls in it: what a frame costs
   * the machine, which fps on a busy machine does not tell.
   */
  frameCost(frames?: number): { ms: number; calls: number; triangles: number };
  messages(): OfficeServerMessage[];
  /** Distinct colours in a freshly drawn frame (a blank canvas has one). */
  distinctColours(): number;
  /** Where a robot is on the page, in CSS pixels (to click it). */
  screenOf(agentId: string): { x: number; y: number } | null;
  /** Where the centre of floor cell (x, z) is on the page, in CSS pixels. */
  screenOfCell(x: number, z: number): { x: number; y: number };
  /** Drops the socket as a network would. */
  dropConnection(): void;
}

declare global {
  interface Window {
    hqOffice?: OfficeProbe;
  }
}
