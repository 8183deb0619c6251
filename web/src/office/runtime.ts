// Ties the office together outside Preact: the socket feeds the world, one animation loop
// steps the world and draws the view. Preact reads what it shows from the signals here.
import { signal } from '@preact/signals';
import type { Cell, Furniture } from '../../../worker/office/layout';
import type { OfficeAgent, OfficeServerMessage } from '../../../worker/office/protocol';
import type { OfficeProbe } from './probe';
import { type ConnectionState, connectOffice } from './socket';
import { OfficeWorld } from './state/world';
import { OfficeView, type Pick } from './view/scene';

export const connection = signal<ConnectionState>('connecting');
export const selectedAgent = signal<OfficeAgent | null>(null);
export const selectedFurniture = signal<{ id: string; cell: Cell } | null>(null);
export const roster = signal<{ id: string; name: string; behaviour: string }[]>([]);
export const layoutNote = signal<string | null>(null);

export interface OfficeHandle {
  stop(): void;
  /** What is under the pointer; robots are left out while an admin arranges furniture. */
  pick(x: number, y: number, furnitureOnly?: boolean): Pick | null;
  /** The piece as it stands now (for an admin's move or turn). */
  furniture(id: string): Furniture | undefined;
}

/** Starts the office on `canvas`: socket, world, view and the one animation loop. */
export function startOffice(canvas: HTMLCanvasElement): OfficeHandle {
  const world = new OfficeWorld();
  const view = new OfficeView(canvas);
  const received: OfficeServerMessage[] = [];
  const frames: number[] = [];
  let last = performance.now();
  let raf = 0;
  let rosterAt = 0;

  const socket = connectOffice({
    onState: (state) => {
      connection.value = state;
    },
    onMessage: (message) => {
      if (received.length < 500) received.push(message);
      if (message.type === 'snapshot') world.applySnapshot(message.agents, message.layout);
      else if (message.type === 'agent') world.applyAgent(message.agent);
      else if (message.type === 'agent.removed') world.removeAgent(message.agentId);
      else if (message.type === 'layout') world.applyLayout(message.layout);
      const chosen = selectedAgent.value;
      if (chosen) selectedAgent.value = world.agents.get(chosen.id) ?? null;
    },
  });

  const frame = (now: number) => {
    // A hidden tab can pause for minutes: step at most a quarter second at a time.
    const dt = Math.min(0.25, (now - last) / 1000);
    last = now;
    frames.push(now);
    while (frames.length > 0 && (frames[0] as number) < now - 1000) frames.shift();
    world.update(dt);
    view.render(world, now / 1000, {
      robot: selectedAgent.value?.id ?? null,
      furniture: selectedFurniture.value?.cell ?? null,
    });
    if (now - rosterAt > 500) {
      rosterAt = now;
      const next = [...world.agents.values()].map((a) => ({
        id: a.id,
        name: a.name,
        behaviour: world.robots.get(a.id)?.behaviour ?? 'IDLE_DESK',
      }));
      // Only a real change re-renders the page: with 200 robots that list is not free.
      const key = (list: { id: string; name: string; behaviour: string }[]) =>
        list.map((r) => `${r.id}:${r.name}:${r.behaviour}`).join();
      if (key(next) !== key(roster.value)) roster.value = next;
    }
    raf = requestAnimationFrame(frame);
  };
  const onResize = () => view.resize();
  window.addEventListener('resize', onResize);
  view.resize();
  raf = requestAnimationFrame(frame);

  window.hqOffice = {
    robots: () =>
      [...world.robots.entries()].map(([agentId, r]) => {
        const desk = world.placesOf(agentId)?.desk;
        const atDesk =
          desk !== undefined && Math.floor(r.x) === desk.x && Math.floor(r.z) === desk.z;
        return { agentId, behaviour: r.behaviour, x: r.x, z: r.z, atDesk };
      }),
    sceneRobots: () => view.robotCount,
    screenOf: (agentId) => {
      const robot = world.robots.get(agentId);
      return robot ? view.toScreen(robot.x, 0.7, robot.z) : null;
    },
    screenOfCell: (x, z) => view.toScreen(x + 0.5, 0, z + 0.5),
    dropConnection: () => socket.drop(),
    fps: () => frames.length,
    frameCost: (count = 30) => {
      const gl = view.renderer.getContext();
      const pixel = new Uint8Array(4);
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const start = performance.now();
        world.update(1 / 60);
        view.render(world, start / 1000, { robot: selectedAgent.value?.id ?? null });
        // Reading a pixel back waits for the frame's last draw (finish() alone does not).
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const { calls, triangles } = view.renderer.info.render;
      return { ms: times[Math.floor(times.length / 2)] ?? 0, calls, triangles };
    },
    messages: () => [...received],
    distinctColours: () => {
      view.render(world, performance.now() / 1000, {});
      const gl = view.renderer.getContext();
      const { drawingBufferWidth: w, drawingBufferHeight: h } = gl;
      const pixels = new Uint8Array(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      const colours = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4 * 97)
        colours.add(((pixels[i] ?? 0) << 16) | ((pixels[i + 1] ?? 0) << 8) | (pixels[i + 2] ?? 0));
      return colours.size;
    },
  } satisfies OfficeProbe;

  return {
    pick: (x, y, furnitureOnly = false) => {
      const hit = view.pick(x, y, world.layout, !furnitureOnly);
      if (hit?.kind === 'robot') selectedAgent.value = world.agents.get(hit.agentId) ?? null;
      return hit;
    },
    furniture: (id) => world.layout?.furniture.find((item) => item.id === id),
    stop: () => {
      selectedAgent.value = null;
      selectedFurniture.value = null;
      cancelAnimationFrame(raf);
      window.removeEventListener('resize', onResize);
      socket.close();
      view.dispose();
      delete window.hqOffice;
    },
  };
}
