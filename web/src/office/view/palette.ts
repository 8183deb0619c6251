import type { Behaviour } from '../state/behaviour';

/** The colour of a robot's visor: what it is doing, readable from across the floor. */
export const VISOR: Record<Behaviour, number> = {
  WORKING: 0x3ddc84,
  IDLE_DESK: 0xf5b942,
  WALKING: 0xe8eef5,
  COFFEE: 0xb5835a,
  WATER_COOLER: 0x4fc3f7,
  SLEEPING: 0x2a3a66,
};

export const FLOOR = 0xd9d4c7;
export const GRID = 0xc9c3b4;
export const WALL = 0xeeeae0;
export const DESK = 0x9c7b56;
export const MONITOR = 0x22262e;
export const ROBOT_BODY = 0x8fa3b8;
export const ROBOT_HEAD = 0xb9c8d8;
export const SELECTED = 0xff5a5f;
