import * as THREE from 'three';

const CELL_W = 256;
const CELL_H = 64;
const COLUMNS = 8;
/** Size of a name tag in world units (cells). */
const TAG = new THREE.Vector2(2, 0.5);
/** How high above a robot's feet its tag floats. */
const HEIGHT = 1.55;

/** Draws every name once into one atlas canvas, a 256x64 cell each, row by row. */
function atlas(names: string[]): { texture: THREE.CanvasTexture; rows: number } {
  const rows = Math.max(1, Math.ceil(names.length / COLUMNS));
  const canvas = document.createElement('canvas');
  canvas.width = CELL_W * COLUMNS;
  canvas.height = CELL_H * rows;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.font = '600 30px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  names.forEach((name, i) => {
    const x = (i % COLUMNS) * CELL_W;
    const y = Math.floor(i / COLUMNS) * CELL_H;
    const width = Math.min(CELL_W - 8, ctx.measureText(name).width + 24);
    ctx.fillStyle = '#1a1f29';
    ctx.beginPath();
    ctx.roundRect(x + (CELL_W - width) / 2, y + 8, width, 48, 14);
    ctx.fill();
    ctx.fillStyle = '#ffffff';
    ctx.fillText(name, x + CELL_W / 2, y + 33, CELL_W - 24);
  });
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  // Tags are seen at about their drawn size: no mipmaps, one texture read per pixel.
  texture.generateMipmaps = false;
  texture.minFilter = THREE.LinearFilter;
  return { texture, rows };
}

// One quad a robot, all in one geometry: each vertex reads where its robot stands from the
// robots' pose texture (see robot-shape.ts) and is turned to face the camera, showing its own
// cell of the atlas. Not instanced: software GL draws each instance as a draw of its own.
// Opaque tags with the corners cut out by `discard`: no blending, which software GL pays
// dearly for.
const vertexShader = /* glsl */ `
attribute float robot;
attribute vec2 cell;
uniform sampler2D poses;
uniform vec2 cellSize;
uniform vec2 tag;
varying vec2 vUv;
void main() {
  vUv = (cell + uv) * cellSize;
  vec4 pose = texelFetch(poses, ivec2(int(robot + 0.5) * 2, 0), 0);
  vec4 centre = viewMatrix * vec4(pose.x, ${HEIGHT.toFixed(2)} + pose.y, pose.z, 1.0);
  centre.xy += position.xy * tag;
  gl_Position = projectionMatrix * centre;
}`;

const fragmentShader = /* glsl */ `
uniform sampler2D map;
varying vec2 vUv;
void main() {
  vec4 colour = texture2D(map, vUv);
  if (colour.a < 0.5) discard;
  gl_FragColor = colour;
  #include <colorspace_fragment>
}`;

/** A unit quad's corners (x, y, u, v), in the order of its two triangles. */
const CORNERS = [
  [-0.5, -0.5, 0, 0],
  [0.5, -0.5, 1, 0],
  [0.5, 0.5, 1, 1],
  [-0.5, -0.5, 0, 0],
  [0.5, 0.5, 1, 1],
  [-0.5, 0.5, 0, 1],
];

/** Name tags above the robots, placed by the robots' pose texture: one draw call for all. */
export class NameTags {
  readonly mesh: THREE.Mesh;
  private readonly texture: THREE.CanvasTexture;

  constructor(names: string[], poses: THREE.Texture) {
    const { texture, rows } = atlas(names);
    this.texture = texture;
    const n = Math.max(1, names.length);
    const position = new Float32Array(n * 6 * 3);
    const uv = new Float32Array(n * 6 * 2);
    const cell = new Float32Array(n * 6 * 2);
    const robot = new Float32Array(n * 6);
    for (let i = 0; i < n; i++) {
      CORNERS.forEach(([x = 0, y = 0, u = 0, v = 0], k) => {
        const at = i * 6 + k;
        position.set([x, y, 0], at * 3);
        uv.set([u, v], at * 2);
        // The atlas's first row is at the top of the canvas, the top of the texture (v = 1).
        cell.set([i % COLUMNS, rows - 1 - Math.floor(i / COLUMNS)], at * 2);
        robot[at] = i;
      });
    }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(position, 3));
    geometry.setAttribute('uv', new THREE.BufferAttribute(uv, 2));
    geometry.setAttribute('cell', new THREE.BufferAttribute(cell, 2));
    geometry.setAttribute('robot', new THREE.BufferAttribute(robot, 1));
    const material = new THREE.ShaderMaterial({
      uniforms: {
        map: { value: texture },
        poses: { value: poses },
        cellSize: { value: new THREE.Vector2(1 / COLUMNS, 1 / rows) },
        tag: { value: TAG },
      },
      vertexShader,
      fragmentShader,
    });
    this.mesh = new THREE.Mesh(geometry, material);
    // Tags move in the shader: the geometry's own bounds say nothing about where they are.
    this.mesh.frustumCulled = false;
    this.mesh.visible = names.length > 0;
  }

  dispose() {
    this.texture.dispose();
    this.mesh.geometry.dispose();
    (this.mesh.material as THREE.Material).dispose();
  }
}
