// The office's simulation state: agents as the hub reports them, the floor, and a robot per
// agent moved by the behaviour machine. No three.js here; the view reads this every frame.
import { blockedCells, type Cell, type Layout, useSpot } from '../../../../worker/office/layout';
import { findPath } from '../../../../worker/office/path';
import type { OfficeAgent } from '../../../../worker/office/protocol';
import { type Dice, type Places, type Robot, spawn, step } from './behaviour';

/** A small seeded generator (mulberry32): each robot's breaks differ but replay the same. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class OfficeWorld {
  layout: Layout | null = null;
  readonly agents = new Map<string, OfficeAgent>();
  readonly robots = new Map<string, Robot>();
  private blocked: Uint8Array = new Uint8Array(0);
  private places = new Map<string, Places>();
  private readonly randoms = new Map<string, () => number>();
  /** Bumped whenever the floor or the roster changes, so the view knows to rebuild. */
  version = 0;

  /** Replaces everything with a hub snapshot; robots already on the floor keep their place. */
  applySnapshot(agents: OfficeAgent[], layout: Layout) {
    this.applyLayout(layout);
    const ids = new Set(agents.map((a) => a.id));
    for (const id of [...this.agents.keys()]) if (!ids.has(id)) this.removeAgent(id);
    for (const agent of agents) this.applyAgent(agent, true);
  }

  /** One agent's new view. A robot new to the floor walks in from the door, unless `seated`. */
  applyAgent(agent: OfficeAgent, seated = false) {
    const known = this.robots.has(agent.id);
    this.agents.set(agent.id, agent);
    if (known || !this.layout) return;
    const desk = this.places.get(agent.id)?.desk;
    this.robots.set(agent.id, spawn(seated && desk ? desk : this.layout.door));
    this.version++;
  }

  removeAgent(id: string) {
    this.agents.delete(id);
    this.robots.delete(id);
    this.version++;
  }

  applyLayout(layout: Layout) {
    this.layout = layout;
    this.blocked = blockedCells(layout);
    this.places = placesByAgent(layout);
    this.version++;
    // Walks planned on the old floor may cross furniture now: each is planned again from here.
    for (const [id, robot] of this.robots) {
      if (robot.behaviour !== 'WALKING') continue;
      this.robots.set(id, { ...robot, behaviour: 'IDLE_DESK', path: [], timer: 0 });
    }
  }

  /** This agent's desk seat and the break machines' fronts. */
  placesOf(agentId: string): Places | null {
    return this.places.get(agentId) ?? null;
  }

  /** Moves every robot `dt` seconds on. */
  update(dt: number) {
    const layout = this.layout;
    if (!layout) return;
    for (const [id, robot] of this.robots) {
      const agent = this.agents.get(id);
      const places = this.places.get(id);
      if (!agent || !places) continue;
      const dice: Dice = {
        random: this.randomFor(id),
        route: (from, to) => findPath(layout, from, to, this.blocked),
      };
      this.robots.set(id, step(robot, agent.presence, places, dt, dice));
    }
  }

  private randomFor(id: string): () => number {
    let random = this.randoms.get(id);
    if (!random) {
      random = seeded(hash(id));
      this.randoms.set(id, random);
    }
    return random;
  }
}

/** Every desk's seat, with the break machines' fronts, by agent id. */
function placesByAgent(layout: Layout): Map<string, Places> {
  const spotOf = (kind: 'coffee' | 'water'): Cell | null => {
    const item = layout.furniture.find((f) => f.kind === kind);
    return item ? useSpot(item) : null;
  };
  const coffee = spotOf('coffee');
  const water = spotOf('water');
  const places = new Map<string, Places>();
  for (const item of layout.furniture) {
    const desk = item.kind === 'desk' && item.agentId ? useSpot(item) : null;
    // The desk's front faces its rotation from +z; its robot faces the other way, at the desk.
    const deskHeading = (item.rotation * Math.PI) / 180 + Math.PI;
    if (desk && item.agentId) places.set(item.agentId, { desk, deskHeading, coffee, water });
  }
  return places;
}
