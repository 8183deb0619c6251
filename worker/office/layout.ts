// The office floor as data: a grid of 1-unit cells with furniture on it. Pure, shared by the
// worker (which validates and stores layouts) and the web app (which draws them and walks
// robots across them). Robots stand on free cells only, so a valid layout is one where every
// place a robot must reach is free and connected to the door.

export const FURNITURE_KINDS = ['desk', 'coffee', 'water', 'plant'] as const;
export type FurnitureKind = (typeof FURNITURE_KINDS)[number];
export type Rotation = 0 | 90 | 180 | 270;

/** One piece of furniture. A desk belongs to one agent. */
export interface Furniture {
  id: string;
  kind: FurnitureKind;
  x: number;
  z: number;
  rotation: Rotation;
  agentId?: string;
}

export interface Layout {
  width: number;
  depth: number;
  /** Where robots come in; it must stay free. */
  door: Cell;
  furniture: Furniture[];
}

export interface Cell {
  x: number;
  z: number;
}

/** Size along x and z of each kind at rotation 0; a quarter turn swaps them. */
const SIZE: Record<FurnitureKind, [number, number]> = {
  desk: [2, 1],
  coffee: [1, 1],
  water: [1, 1],
  plant: [1, 1],
};

/** The cells a piece covers. */
export function footprint(item: Furniture): Cell[] {
  const [w, d] = SIZE[item.kind];
  const [sx, sz] = item.rotation % 180 === 0 ? [w, d] : [d, w];
  const cells: Cell[] = [];
  for (let dx = 0; dx < sx; dx++)
    for (let dz = 0; dz < sz; dz++) cells.push({ x: item.x + dx, z: item.z + dz });
  return cells;
}

/**
 * Where a robot stands to use a piece: in front of it (rotation 0 faces +z). Plants have no
 * such place.
 */
export function useSpot(item: Furniture): Cell | null {
  if (item.kind === 'plant') return null;
  const [w, d] = SIZE[item.kind];
  const [sx, sz] = item.rotation % 180 === 0 ? [w, d] : [d, w];
  switch (item.rotation) {
    case 0:
      return { x: item.x, z: item.z + sz };
    case 180:
      return { x: item.x, z: item.z - 1 };
    case 90:
      return { x: item.x + sx, z: item.z };
    default:
      return { x: item.x - 1, z: item.z };
  }
}

/** True where furniture stands; index `z * width + x`. */
export function blockedCells(layout: Layout): Uint8Array {
  const blocked = new Uint8Array(layout.width * layout.depth);
  for (const item of layout.furniture) {
    for (const c of footprint(item)) if (inside(layout, c)) blocked[c.z * layout.width + c.x] = 1;
  }
  return blocked;
}

export function inside(layout: Pick<Layout, 'width' | 'depth'>, c: Cell): boolean {
  return c.x >= 0 && c.z >= 0 && c.x < layout.width && c.z < layout.depth;
}

/**
 * The free cells next to cell index `at` (4 neighbours: a robot never cuts a furniture
 * corner), as indexes `z * width + x`.
 */
export function* freeNeighbours(
  layout: Layout,
  blocked: Uint8Array,
  at: number,
): Generator<number> {
  const { width, depth } = layout;
  const x = at % width;
  const z = (at - x) / width;
  if (x + 1 < width && !blocked[at + 1]) yield at + 1;
  if (x > 0 && !blocked[at - 1]) yield at - 1;
  if (z + 1 < depth && !blocked[at + width]) yield at + width;
  if (z > 0 && !blocked[at - width]) yield at - width;
}

/** Every free cell the door connects to (4-neighbour flood fill). */
export function reachableFromDoor(layout: Layout, blocked = blockedCells(layout)): Uint8Array {
  const seen = new Uint8Array(blocked.length);
  const { width } = layout;
  const start = layout.door.z * width + layout.door.x;
  if (!inside(layout, layout.door) || blocked[start]) return seen;
  const queue = [start];
  seen[start] = 1;
  while (queue.length > 0) {
    const at = queue.pop() as number;
    for (const next of freeNeighbours(layout, blocked, at)) {
      if (seen[next]) continue;
      seen[next] = 1;
      queue.push(next);
    }
  }
  return seen;
}

/**
 * Why `layout` cannot be used, or undefined when it can: furniture off the floor or on top
 * of other furniture, the door covered, or a place a robot must reach cut off from the door.
 */
export function layoutProblem(layout: Layout): string | undefined {
  const owner = new Map<number, string>();
  for (const item of layout.furniture) {
    for (const c of footprint(item)) {
      if (!inside(layout, c)) return `${item.id} is off the floor at (${c.x}, ${c.z})`;
      const key = c.z * layout.width + c.x;
      const other = owner.get(key);
      if (other) return `${item.id} overlaps ${other} at (${c.x}, ${c.z})`;
      owner.set(key, item.id);
    }
  }
  const door = owner.get(layout.door.z * layout.width + layout.door.x);
  if (door) return `${door} blocks the door`;
  const blocked = blockedCells(layout);
  const reachable = reachableFromDoor(layout, blocked);
  for (const item of layout.furniture) {
    const spot = useSpot(item);
    if (!spot) continue;
    if (!inside(layout, spot)) return `the front of ${item.id} is off the floor`;
    const key = spot.z * layout.width + spot.x;
    if (blocked[key]) return `${owner.get(key)} stands in front of ${item.id}`;
    if (!reachable[key]) return `nobody can reach ${item.id} from the door`;
  }
  return undefined;
}
