import { describe, expect, it } from 'vitest';
import {
  type Dice,
  type Places,
  type Robot,
  spawn,
  step,
} from '../../../web/src/office/state/behaviour';
import { defaultLayout } from '../../../worker/office/arrange';
import { findPath } from '../../../worker/office/path';
import type { Presence } from '../../../worker/office/protocol';

// A real floor and real paths: the behaviour machine is driven the way the office drives it.
const layout = defaultLayout(['a1', 'a2', 'a3', 'a4']);
const places: Places = {
  desk: { x: 2, z: 2 },
  deskHeading: Math.PI,
  coffee: { x: layout.width - 2, z: 1 },
  water: { x: layout.width - 2, z: 4 },
};
const route = (from: { x: number; z: number }, to: { x: number; z: number }) =>
  findPath(layout, from, to);

/** A dice that always rolls `roll`. */
const dice = (roll: number): Dice => ({ random: () => roll, route });

/** Steps the robot for `seconds` in 0.1 s frames. */
function run(robot: Robot, presence: Presence, seconds: number, roll = 0.1, where = places): Robot {
  let current = robot;
  for (let t = 0; t < seconds; t += 0.1) current = step(current, presence, where, 0.1, dice(roll));
  return current;
}

/** Steps until `done` holds (at most `limit` seconds); the robot then and the seconds it took. */
function until(
  robot: Robot,
  presence: Presence,
  done: (r: Robot) => boolean,
  roll = 0.1,
  limit = 300,
) {
  let current = robot;
  for (let t = 0; t <= limit; t += 0.1) {
    if (done(current)) return { robot: current, seconds: t };
    current = step(current, presence, places, 0.1, dice(roll));
  }
  throw new Error(`not reached in ${limit} s: ${JSON.stringify(current)}`);
}

const atCell = (robot: Robot) => ({ x: Math.floor(robot.x), z: Math.floor(robot.z) });
const door = layout.door;

describe('robot behaviour', () => {
  it('walks a robot with a running task from the door to its desk, then works there', () => {
    const first = step(spawn(door), 'working', places, 0.1, dice(0.1));
    expect(first.behaviour).toBe('WALKING');
    expect(first.arrival).toBe('WORKING');
    const later = run(first, 'working', 30);
    expect(later.behaviour).toBe('WORKING');
    expect(atCell(later)).toEqual(places.desk);
    expect(run(later, 'working', 300).behaviour).toBe('WORKING');
  });

  it('keeps an idle robot at its desk for a while, then sends it on a break and back', () => {
    const seated = run(spawn(places.desk), 'idle', 0.1);
    expect(seated.behaviour).toBe('IDLE_DESK');
    // roll 0.1: 20 + 40 * 0.1 = 24 s at the desk; the coffee machine is the first option.
    expect(run(seated, 'idle', 23).behaviour).toBe('IDLE_DESK');
    const going = run(seated, 'idle', 24.5);
    expect(going).toMatchObject({ behaviour: 'WALKING', arrival: 'COFFEE' });
    const atCoffee = until(going, 'idle', (r) => r.behaviour !== 'WALKING').robot;
    expect(atCoffee.behaviour).toBe('COFFEE');
    expect(atCell(atCoffee)).toEqual(places.coffee);
    // roll 0.1: a break of 6 + 8 * 0.1 = 6.8 s, then the walk back.
    const leaving = until(atCoffee, 'idle', (r) => r.behaviour !== 'COFFEE');
    expect(leaving.seconds).toBeCloseTo(6.8, 0);
    expect(leaving.robot).toMatchObject({ behaviour: 'WALKING', arrival: 'IDLE_DESK' });
    const home = until(leaving.robot, 'idle', (r) => r.behaviour !== 'WALKING').robot;
    expect(home.behaviour).toBe('IDLE_DESK');
    expect(atCell(home)).toEqual(places.desk);
  });

  it('goes to the water cooler when the dice says so', () => {
    const seated = run(spawn(places.desk), 'idle', 0.1, 0.9);
    const going = until(seated, 'idle', (r) => r.behaviour === 'WALKING', 0.9).robot;
    expect(going.arrival).toBe('WATER_COOLER');
    const there = until(going, 'idle', (r) => r.behaviour !== 'WALKING', 0.9).robot;
    expect(there.behaviour).toBe('WATER_COOLER');
    expect(atCell(there)).toEqual(places.water);
  });

  it('turns a robot on a break back to its desk the moment its agent gets a task', () => {
    const walking = until(
      run(spawn(places.desk), 'idle', 0.1),
      'idle',
      (r) => r.arrival === 'COFFEE',
    ).robot;
    const onBreak = until(walking, 'idle', (r) => r.behaviour === 'COFFEE').robot;
    const called = step(onBreak, 'working', places, 0.1, dice(0.1));
    expect(called).toMatchObject({ behaviour: 'WALKING', arrival: 'WORKING' });
    // Called back half way to the machine too.
    const halfWay = run(walking, 'idle', 1);
    expect(step(halfWay, 'working', places, 0.1, dice(0.1))).toMatchObject({ arrival: 'WORKING' });
    const back = until(called, 'working', (r) => r.behaviour !== 'WALKING').robot;
    expect(back.behaviour).toBe('WORKING');
    expect(atCell(back)).toEqual(places.desk);
  });

  it('puts a robot of a disabled or off-schedule worker to sleep at its desk, and wakes it', () => {
    const asleep = run(spawn(door), 'sleeping', 30);
    expect(asleep.behaviour).toBe('SLEEPING');
    expect(atCell(asleep)).toEqual(places.desk);
    expect(run(asleep, 'sleeping', 600).behaviour).toBe('SLEEPING');
    expect(step(asleep, 'idle', places, 0.1, dice(0.1)).behaviour).toBe('IDLE_DESK');
    expect(step(asleep, 'working', places, 0.1, dice(0.1)).behaviour).toBe('WORKING');
  });

  it('stays at its desk when no machine can be reached', () => {
    const boxedIn: Places = { ...places, coffee: null, water: null };
    const seated = run(spawn(places.desk), 'idle', 120, 0.1, boxedIn);
    expect(seated.behaviour).toBe('IDLE_DESK');
    expect(atCell(seated)).toEqual(places.desk);
  });

  it('faces its desk however the desk is turned', () => {
    // A desk turned a quarter (its front faces +x): the robot at it looks towards -x.
    const turned: Places = { ...places, deskHeading: Math.PI / 2 + Math.PI };
    const seated = run(spawn(places.desk), 'working', 1, 0.1, turned);
    expect(seated.behaviour).toBe('WORKING');
    expect(seated.heading).toBeCloseTo((3 * Math.PI) / 2);
  });
});
