import * as THREE from 'three';

// One light for the whole office, the same as the Lambert materials had (ambient 0.55 plus a
// sun of 1.6), worked out once per vertex instead of per pixel: on software GL the per-pixel
// lighting of a full-screen floor cost more than everything else in the frame.
const SUN = new THREE.Vector3(20, 40, 25).normalize();
const AMBIENT = 0.55;
const SUN_INTENSITY = 1.6;

/** How much light a surface facing `normal` sends back (three's Lambert: light / π). */
export function shade(normal: THREE.Vector3): number {
  return (AMBIENT + SUN_INTENSITY * Math.max(0, normal.dot(SUN))) / Math.PI;
}

/** The same as `shade`, for vertex shaders that turn their normals each frame. */
export const SHADE_GLSL = /* glsl */ `
float shade(vec3 n) {
  return (${AMBIENT.toFixed(3)} + ${SUN_INTENSITY.toFixed(3)} * max(0.0, dot(n, vec3(${SUN.x.toFixed(5)}, ${SUN.y.toFixed(5)}, ${SUN.z.toFixed(5)})))) * 0.3183099;
}`;

/** A shape placed in the office: its geometry, where it stands, its colour. */
export interface Part {
  geometry: THREE.BufferGeometry;
  matrix: THREE.Matrix4;
  color: number;
  /** Draw the cell grid on it (the floor). */
  grid?: boolean;
}

/**
 * Every part as one geometry with its lighting baked into vertex colours: all of the static
 * office becomes a single draw call, where it was one per mesh.
 */
export function bake(parts: Part[]): THREE.BufferGeometry {
  const flat = parts.map((p) => (p.geometry.index ? p.geometry.toNonIndexed() : p.geometry));
  const total = flat.reduce((sum, g) => sum + g.getAttribute('position').count, 0);
  const positions = new Float32Array(total * 3);
  const colors = new Float32Array(total * 3);
  const grid = new Float32Array(total);
  const v = new THREE.Vector3();
  const n = new THREE.Vector3();
  const normalMatrix = new THREE.Matrix3();
  const colour = new THREE.Color();
  let at = 0;
  parts.forEach((part, i) => {
    const geometry = flat[i] as THREE.BufferGeometry;
    const position = geometry.getAttribute('position');
    const normal = geometry.getAttribute('normal');
    normalMatrix.getNormalMatrix(part.matrix);
    colour.setHex(part.color);
    for (let k = 0; k < position.count; k++, at++) {
      v.fromBufferAttribute(position, k).applyMatrix4(part.matrix);
      n.fromBufferAttribute(normal, k).applyMatrix3(normalMatrix).normalize();
      const light = shade(n);
      positions.set([v.x, v.y, v.z], at * 3);
      colors.set([colour.r * light, colour.g * light, colour.b * light], at * 3);
      grid[at] = part.grid ? 1 : 0;
    }
  });
  for (const g of flat) g.dispose();
  for (const p of parts) p.geometry.dispose();
  const merged = new THREE.BufferGeometry();
  merged.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  merged.setAttribute('tint', new THREE.BufferAttribute(colors, 3));
  merged.setAttribute('grid', new THREE.BufferAttribute(grid, 1));
  merged.computeBoundingSphere();
  return merged;
}

// The grid is drawn by the floor's own pixels, a line wherever a whole cell coordinate is
// less than a pixel away: lines were a draw of their own, and the dearest one in the frame
// on software GL.
const vertexShader = /* glsl */ `
attribute vec3 tint;
attribute float grid;
varying vec3 vColour;
varying float vGrid;
varying vec2 vCell;
void main() {
  vColour = tint;
  vGrid = grid;
  vCell = position.xz;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

const fragmentShader = /* glsl */ `
uniform vec3 line;
varying vec3 vColour;
varying float vGrid;
varying vec2 vCell;
void main() {
  vec3 colour = vColour;
  if (vGrid > 0.5) {
    vec2 pixels = abs(fract(vCell - 0.5) - 0.5) / fwidth(vCell);
    colour = mix(colour, line, 1.0 - min(min(pixels.x, pixels.y), 1.0));
  }
  gl_FragColor = vec4(colour, 1.0);
  #include <colorspace_fragment>
}`;

/** The material of baked geometry: its vertex colours, no lights, `line` for the grid. */
export const bakedMaterial = (line: number) =>
  new THREE.ShaderMaterial({
    uniforms: { line: { value: new THREE.Color(line) } },
    vertexShader,
    fragmentShader,
  });
