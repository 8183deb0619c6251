/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { checkLayers, importsOf, PARTS, partOf } from './support/layers';

// The source text of every file, read at build time by Vite (the workerd pool has no file
// system to walk). Keys are relative to this file: '../../worker/app.ts'.
const read = (files: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(files).map(([key, text]) => [key.replace(/^(\.\.\/)+/, ''), text]),
  );
const sources = {
  ...read(
    import.meta.glob<string>('../../worker/**/*.{ts,tsx}', {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
  ),
  ...read(
    import.meta.glob<string>('../../durable-objects/**/*.{ts,tsx}', {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
  ),
  ...read(
    import.meta.glob<string>('../../drizzle/**/*.ts', {
      query: '?raw',
      import: 'default',
      eager: true,
    }),
  ),
};

describe('the layers run one way: foundation, domain, CEO core, faces, hosts', () => {
  it('reads every source file and its imports (the walk itself works)', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(100);
    expect(sources['worker/app.ts']).toContain('createApp');
    expect(sources['durable-objects/ceo-do.ts']).toContain('class CeoDO');
    const app = importsOf('worker/app.ts', sources['worker/app.ts'] ?? '');
    expect(app.map((i) => i.specifier)).toContain('./http/csrf');
  });

  it('places every file in a layer', () => {
    const homeless = Object.keys(sources).filter((file) => !partOf(file));
    expect(homeless).toEqual([]);
  });

  it('has no import running upward and no loop between parts', () => {
    expect(checkLayers(sources)).toEqual([]);
  });
});

describe('the checker', () => {
  const fake = {
    'worker/http/route.ts': "import { requireRole } from '../auth/guard';\n",
    'worker/auth/guard.ts':
      "import type {\n  HonoEnv,\n} from '../env';\nexport const guard = 1;\n",
    'worker/env.ts': 'export type HonoEnv = object;\n',
  };

  it('reports an upward import by file and line', () => {
    expect(checkLayers(fake, PARTS, [])).toEqual([
      "worker/http/route.ts:1 imports '../auth/guard': upward, foundation → domain (worker/auth/)",
    ]);
  });

  it('reads multi-line and type-only imports, export-from and import()', () => {
    const source = [
      'import type {',
      '  A,',
      '  B,',
      "} from './a';",
      "export * from './b';",
      "export { c } from './c';",
      "import './d';",
      "type E = typeof import('./e');",
      "export const f = 'not an import from here';",
    ].join('\n');
    expect(importsOf('x.ts', source).map((i) => `${i.line} ${i.specifier}`)).toEqual([
      '1 ./a',
      '5 ./b',
      '6 ./c',
      '7 ./d',
      '8 ./e',
    ]);
  });

  it('reports two parts of one layer that import each other', () => {
    const loop = {
      'worker/settings/schema.ts': "import { x } from '../ceo/catalog';\n",
      'worker/ceo/catalog.ts': "import { y } from '../settings/schema';\n",
    };
    const parts = PARTS.map((p) =>
      p.path === 'worker/ceo/' ? { ...p, layer: 'domain' as const } : p,
    );
    const problems = checkLayers(loop, parts, []);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('loop between worker/ceo/, worker/settings/');
    expect(problems[0]).toContain("worker/settings/schema.ts:1 imports '../ceo/catalog'");
    expect(problems[0]).toContain("worker/ceo/catalog.ts:1 imports '../settings/schema'");
  });

  it('fails on a known exception that no longer matches an import', () => {
    const stale = { from: 'worker/a/x.ts', to: 'durable-objects/y.ts', why: 'gone' };
    expect(checkLayers({ 'worker/env.ts': '' }, PARTS, [stale])).toEqual([
      'known exception worker/a/x.ts → durable-objects/y.ts is no longer needed: remove it',
    ]);
  });
});
