import * as THREE from 'three';
import { SHADE_GLSL } from './bake';
import { ROBOT_HEAD } from './palette';

/** The head's centre above the floor: heads nod about it. */
const HEAD_Y = 0.85;

/** What a vertex belongs to: the body (never turns), the head (nods), the lights (nod, glow). */
const BODY = 0;
const HEAD = 1;
const GLOW = 2;

/** One robot standing at the origin facing +z: body, head, visor and a lamp on top. */
function shape(): { geometry: THREE.BufferGeometry; part: number; y: number; z: number }[] {
  return [
    { geometry: new THREE.BoxGeometry(0.55, 0.6, 0.4), part: BODY, y: 0.35, z: 0 },
    { geometry: new THREE.BoxGeometry(0.46, 0.34, 0.38), part: HEAD, y: HEAD_Y, z: 0 },
    // The visor is only ever seen from the front: a plane, not a box.
    { geometry: new THREE.PlaneGeometry(0.36, 0.1), part: GLOW, y: HEAD_Y, z: 0.205 },
    { geometry: new THREE.OctahedronGeometry(0.1), part: GLOW, y: HEAD_Y + 0.27, z: 0 },
  ];
}

/**
 * `bodies.length` robots in one geometry: each vertex carries its robot's number, its part
 * and its lit colour (the body in the agent's own colour). Where a robot stands and how it
 * moves is read from the pose texture in the vertex shader, so the whole company is one draw.
 */
export function robotsGeometry(bodies: THREE.Color[]): THREE.BufferGeometry {
  const parts = shape().map((p) => {
    p.geometry.translate(0, p.y, p.z);
    return p;
  });
  const perRobot = parts.reduce((sum, p) => sum + p.geometry.getAttribute('position').count, 0);
  const indexPerRobot = parts.reduce(
    (sum, p) => sum + (p.geometry.index?.count ?? p.geometry.getAttribute('position').count),
    0,
  );
  const n = Math.max(1, bodies.length);
  const position = new Float32Array(n * perRobot * 3);
  const normal = new Float32Array(n * perRobot * 3);
  const tint = new Float32Array(n * perRobot * 3);
  const robot = new Float32Array(n * perRobot);
  const part = new Float32Array(n * perRobot);
  const index = new Uint32Array(n * indexPerRobot);
  const head = new THREE.Color(ROBOT_HEAD);
  let v = 0;
  let k = 0;
  for (let r = 0; r < n; r++) {
    const body = bodies[r] ?? head;
    for (const p of parts) {
      const pos = p.geometry.getAttribute('position');
      const nor = p.geometry.getAttribute('normal');
      const first = v;
      const colour = p.part === BODY ? body : head;
      for (let i = 0; i < pos.count; i++, v++) {
        position.set([pos.getX(i), pos.getY(i), pos.getZ(i)], v * 3);
        normal.set([nor.getX(i), nor.getY(i), nor.getZ(i)], v * 3);
        tint.set([colour.r, colour.g, colour.b], v * 3);
        robot[v] = r;
        part[v] = p.part;
      }
      const own = p.geometry.index;
      const count = own?.count ?? pos.count;
      for (let i = 0; i < count; i++) index[k++] = first + (own ? own.getX(i) : i);
    }
  }
  for (const p of parts) p.geometry.dispose();
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(position, 3));
  geometry.setAttribute('normal', new THREE.BufferAttribute(normal, 3));
  geometry.setAttribute('tint', new THREE.BufferAttribute(tint, 3));
  geometry.setAttribute('robot', new THREE.BufferAttribute(robot, 1));
  geometry.setAttribute('part', new THREE.BufferAttribute(part, 1));
  geometry.setIndex(new THREE.BufferAttribute(index, 1));
  return geometry;
}

// Two texels a robot in the pose texture: (x, lift, z, heading) and (nod, light r, g, b).
// Lit per vertex with the office's one light: flat boxes look the same, at a fraction of
// the cost of per-pixel lights on software GL.
export const vertexShader = /* glsl */ `
attribute float robot;
attribute float part;
attribute vec3 tint;
uniform sampler2D poses;
varying vec3 vColour;
${SHADE_GLSL}
vec3 turnX(vec3 v, float a) {
  float c = cos(a), s = sin(a);
  return vec3(v.x, c * v.y - s * v.z, s * v.y + c * v.z);
}
vec3 turnY(vec3 v, float a) {
  float c = cos(a), s = sin(a);
  return vec3(c * v.x + s * v.z, v.y, -s * v.x + c * v.z);
}
void main() {
  int i = int(robot + 0.5) * 2;
  vec4 pose = texelFetch(poses, ivec2(i, 0), 0);
  vec4 look = texelFetch(poses, ivec2(i + 1, 0), 0);
  vec3 p = position;
  vec3 n = normal;
  if (part > 0.5) {
    vec3 neck = vec3(0.0, ${HEAD_Y.toFixed(2)}, 0.0);
    p = turnX(p - neck, look.x) + neck;
    n = turnX(n, look.x);
  }
  p = turnY(p, pose.w) + pose.xyz;
  vColour = part > 1.5 ? look.yzw : tint * shade(turnY(n, pose.w));
  gl_Position = projectionMatrix * viewMatrix * vec4(p, 1.0);
}`;

export const fragmentShader = /* glsl */ `
varying vec3 vColour;
void main() {
  gl_FragColor = vec4(vColour, 1.0);
  #include <colorspace_fragment>
}`;
