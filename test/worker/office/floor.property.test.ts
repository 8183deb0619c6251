import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultLayout, withDesksFor } from '../../../worker/office/arrange';
import {
  blockedCells,
  type Cell,
  footprint,
  type Layout,
  layoutProblem,
  useSpot,
} from '../../../worker/office/layout';
import { findPath } from '../../../worker/office/path';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `agent-${i}`);

/** A layout with some pieces moved at random, kept only when the floor stays usable. */
const shuffledLayout = fc
  .record({
    agents: fc.integer({ min: 1, max: 40 }),
    moves: fc.array(
      fc.record({
        pick: fc.nat(),
        x: fc.nat(60),
        z: fc.nat(60),
        rotation: fc.constantFrom(0, 90, 180, 270) as fc.Arbitrary<0 | 90 | 180 | 270>,
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ agents, moves }) => {
    let layout = defaultLayout(ids(agents));
    for (const move of moves) {
      const item = layout.furniture[move.pick % layout.furniture.length];
      if (!item) continue;
      const next: Layout = {
        ...layout,
        furniture: layout.furniture.map((f) =>
          f === item
            ? { ...f, x: move.x % layout.width, z: move.z % layout.depth, rotation: move.rotation }
            : f,
        ),
      };
      // The server refuses moves that break the floor; only accepted ones stand.
      if (!layoutProblem(next)) layout = next;
    }
    return layout;
  });

function assertWalkable(layout: Layout, path: Cell[], from: Cell, to: Cell) {
  const blocked = blockedCells(layout);
  expect(path[0]).toEqual(from);
  expect(path.at(-1)).toEqual(to);
  for (const [i, cell] of path.entries()) {
    expect(blocked[cell.z * layout.width + cell.x], `cell ${cell.x},${cell.z} is furniture`).toBe(
      0,
    );
    const prev = path[i - 1];
    if (prev) expect(Math.abs(prev.x - cell.x) + Math.abs(prev.z - cell.z)).toBe(1);
  }
}

describe('the office floor', () => {
  it('starts usable for any number of agents, with one desk each', () => {
    for (const n of [0, 1, 2, 7, 50, 200]) {
      const layout = defaultLayout(ids(n));
      expect(layoutProblem(layout)).toBeUndefined();
      expect(layout.furniture.filter((f) => f.kind === 'desk')).toHaveLength(n);
    }
  });

  it('finds paths that never cross furniture, and reaches every desk and machine from the door', () => {
    fc.assert(
      fc.property(shuffledLayout, (layout) => {
        expect(layoutProblem(layout)).toBeUndefined();
        for (const item of layout.furniture) {
          const spot = useSpot(item);
          if (!spot) continue;
          const path = findPath(layout, layout.door, spot);
          expect(path, `${item.id} unreachable`).not.toBeNull();
          assertWalkable(layout, path as Cell[], layout.door, spot);
          // Robots walk desk to machine and back too.
          const back = findPath(layout, spot, layout.door);
          assertWalkable(layout, back as Cell[], spot, layout.door);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never routes into furniture', () => {
    fc.assert(
      fc.property(shuffledLayout, fc.nat(), (layout, pick) => {
        const item = layout.furniture[pick % layout.furniture.length];
        if (!item) return;
        for (const cell of footprint(item)) expect(findPath(layout, layout.door, cell)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('gives a newcomer a desk and keeps the floor usable as agents come and go', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), (joins) => {
        let layout = defaultLayout(ids(3));
        let roster = ids(3);
        joins.forEach((join, i) => {
          roster = join ? [...roster, `late-${i}`] : roster.slice(1);
          layout = withDesksFor(layout, roster);
          expect(layoutProblem(layout)).toBeUndefined();
          expect(
            layout.furniture
              .filter((f) => f.kind === 'desk')
              .map((f) => f.agentId)
              .sort(),
          ).toEqual([...roster].sort());
        });
      }),
      { numRuns: 30 },
    );
  });

  it('explains what is wrong with a broken floor', () => {
    const layout = defaultLayout(ids(2));
    const desk = layout.furniture[0];
    if (!desk) throw new Error('no desk');
    const move = (id: string, at: Partial<Layout['furniture'][number]>): Layout => ({
      ...layout,
      furniture: layout.furniture.map((f) => (f.id === id ? { ...f, ...at } : f)),
    });
    expect(layoutProblem(move('coffee', { x: layout.width, z: 1 }))).toMatch(
      /coffee is off the floor/,
    );
    expect(layoutProblem(move('plant-1', { x: desk.x, z: desk.z + 1 }))).toContain(
      `stands in front of ${desk.id}`,
    );
    expect(layoutProblem(move('plant-1', { x: layout.door.x, z: layout.door.z }))).toBe(
      'plant-1 blocks the door',
    );
    const walledIn: Layout = {
      ...layout,
      door: { x: 0, z: 1 },
      furniture: [
        ...layout.furniture,
        { id: 'wall', kind: 'plant', x: 0, z: 2, rotation: 0 },
        { id: 'wall2', kind: 'plant', x: 1, z: 1, rotation: 0 },
        { id: 'wall3', kind: 'plant', x: 1, z: 0, rotation: 0 },
      ],
    };
    expect(layoutProblem(walledIn)).toMatch(/nobody can reach/);
  });
});
