// What a robot does, decided from what its agent really does. Pure: no three.js, no clock, no
// Math.random; the world passes time, a dice and a router in, so tests can drive every turn.
import type { Cell } from '../../../../worker/office/layout';
import type { Presence } from '../../../../worker/office/protocol';

export const BEHAVIOURS = [
  'WORKING',
  'IDLE_DESK',
  'WALKING',
  'COFFEE',
  'WATER_COOLER',
  'SLEEPING',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** What a robot does once a walk ends. */
export type Arrival = Exclude<Behaviour, 'WALKING'>;

export interface Robot {
  behaviour: Behaviour;
  /** Continuous position in cell units; a cell's centre is (x + 0.5, z + 0.5). */
  x: number;
  z: number;
  /** Cells still to walk through (WALKING only), and what happens at the end. */
  path: Cell[];
  arrival: Arrival;
  /** Seconds left at the desk before a break, or of the break itself. */
  timer: number;
  /** Heading in radians (0 faces +z), for the view. */
  heading: number;
}

/** Where this robot's places are: its desk's seat and the break machines' fronts. */
export interface Places {
  desk: Cell;
  /** Which way a robot at its desk faces (towards the desk, however the desk is turned). */
  deskHeading: number;
  coffee: Cell | null;
  water: Cell | null;
}

export interface Tuning {
  /** Cells per second. */
  speed: number;
  /** Seconds at the desk between breaks, and of a break: [min, max]. */
  idleAtDesk: [number, number];
  breakLength: [number, number];
}

export const TUNING: Tuning = { speed: 2.2, idleAtDesk: [20, 60], breakLength: [6, 14] };

export interface Dice {
  /** A number in [0, 1). */
  random(): number;
  /** A walk from one cell to another around the furniture, or null when there is none. */
  route(from: Cell, to: Cell): Cell[] | null;
}

/**
 * A robot appearing at `at` (its desk when the page opens, the door for a newcomer). It starts
 * as a walk that has just ended, so the first step settles it like any arrival.
 */
export function spawn(at: Cell): Robot {
  return {
    behaviour: 'WALKING',
    x: at.x + 0.5,
    z: at.z + 0.5,
    path: [],
    arrival: 'IDLE_DESK',
    timer: 0,
    heading: Math.PI,
  };
}

/** The cell a robot stands in. */
export function cellOf(robot: Robot): Cell {
  return { x: Math.floor(robot.x), z: Math.floor(robot.z) };
}

const same = (a: Cell, b: Cell) => a.x === b.x && a.z === b.z;

/** What the robot does at its desk for this presence. */
function deskBehaviour(presence: Presence): Arrival {
  return presence === 'working' ? 'WORKING' : presence === 'sleeping' ? 'SLEEPING' : 'IDLE_DESK';
}

/**
 * The robot `dt` seconds later. Work and sleep always win: a robot on a break or on its way
 * to one turns back to its desk the moment its agent starts a task or goes off duty.
 */
export function step(
  robot: Robot,
  presence: Presence,
  places: Places,
  dt: number,
  dice: Dice,
  tuning = TUNING,
): Robot {
  const next = advance(robot, presence, places, dt, dice, tuning);
  const seated =
    next.behaviour !== 'WALKING' &&
    next.behaviour !== 'COFFEE' &&
    next.behaviour !== 'WATER_COOLER';
  if (!seated || next.heading === places.deskHeading || !same(cellOf(next), places.desk))
    return next;
  return { ...next, heading: places.deskHeading };
}

function advance(
  robot: Robot,
  presence: Presence,
  places: Places,
  dt: number,
  dice: Dice,
  tuning = TUNING,
): Robot {
  const atDesk = same(cellOf(robot), places.desk);
  const wanted = deskBehaviour(presence);
  const onBreakOrGoing =
    robot.behaviour === 'COFFEE' ||
    robot.behaviour === 'WATER_COOLER' ||
    (robot.behaviour === 'WALKING' &&
      (robot.arrival === 'COFFEE' || robot.arrival === 'WATER_COOLER'));

  if (
    presence !== 'idle' &&
    (onBreakOrGoing || (robot.behaviour === 'WALKING' && robot.arrival !== wanted))
  ) {
    return walkTo(robot, places.desk, wanted, dice);
  }
  switch (robot.behaviour) {
    case 'WALKING':
      return walk(robot, dt, dice, tuning);
    case 'COFFEE':
    case 'WATER_COOLER': {
      const timer = robot.timer - dt;
      if (timer > 0) return { ...robot, timer };
      return walkTo(robot, places.desk, 'IDLE_DESK', dice);
    }
    default:
      break;
  }
  // At rest (WORKING, IDLE_DESK, SLEEPING): first be at the desk.
  if (!atDesk) return walkTo(robot, places.desk, wanted, dice);
  if (wanted !== 'IDLE_DESK')
    return robot.behaviour === wanted ? robot : { ...robot, behaviour: wanted };
  if (robot.behaviour !== 'IDLE_DESK') {
    return { ...robot, behaviour: 'IDLE_DESK', timer: between(tuning.idleAtDesk, dice) };
  }
  const timer = robot.timer - dt;
  if (timer > 0) return { ...robot, timer };
  return takeBreak(robot, places, dice, tuning);
}

function takeBreak(robot: Robot, places: Places, dice: Dice, tuning: Tuning): Robot {
  const options: [Arrival, Cell][] = [];
  if (places.coffee) options.push(['COFFEE', places.coffee]);
  if (places.water) options.push(['WATER_COOLER', places.water]);
  const choice = options[Math.floor(dice.random() * options.length)];
  const rested = { ...robot, timer: between(tuning.idleAtDesk, dice) };
  if (!choice) return rested;
  const walking = walkTo(robot, choice[1], choice[0], dice);
  // No way there (an admin boxed the machine in): stay at the desk a while longer.
  return walking.behaviour === 'WALKING' || walking.behaviour === choice[0] ? walking : rested;
}

/** Starts a walk to `to`; already there: arrives at once. No route: stays put as it was. */
export function walkTo(
  robot: Robot,
  to: Cell,
  arrival: Arrival,
  dice: Dice,
  tuning = TUNING,
): Robot {
  const from = cellOf(robot);
  if (same(from, to)) return arrive({ ...robot, path: [] }, arrival, dice, tuning);
  const route = dice.route(from, to);
  if (!route) return robot;
  return { ...robot, behaviour: 'WALKING', path: route.slice(1), arrival };
}

function arrive(robot: Robot, arrival: Arrival, dice: Dice, tuning: Tuning): Robot {
  const timer =
    arrival === 'COFFEE' || arrival === 'WATER_COOLER'
      ? between(tuning.breakLength, dice)
      : arrival === 'IDLE_DESK'
        ? between(tuning.idleAtDesk, dice)
        : 0;
  // A robot keeps the heading of its last step (it faces the machine it walked up to); at its
  // desk, step() turns it to the desk.
  return { ...robot, behaviour: arrival, path: [], timer };
}

function walk(robot: Robot, dt: number, dice: Dice, tuning: Tuning): Robot {
  let { x, z, heading } = robot;
  let budget = tuning.speed * dt;
  const path = [...robot.path];
  while (budget > 0 && path.length > 0) {
    const next = path[0] as Cell;
    const dx = next.x + 0.5 - x;
    const dz = next.z + 0.5 - z;
    const distance = Math.hypot(dx, dz);
    if (distance > 1e-9) heading = Math.atan2(dx, dz);
    if (distance <= budget) {
      x = next.x + 0.5;
      z = next.z + 0.5;
      budget -= distance;
      path.shift();
    } else {
      x += (dx / distance) * budget;
      z += (dz / distance) * budget;
      budget = 0;
    }
  }
  const moved = { ...robot, x, z, heading, path };
  return path.length === 0 ? arrive(moved, robot.arrival, dice, tuning) : moved;
}

function between([min, max]: [number, number], dice: Dice): number {
  return min + (max - min) * dice.random();
}
