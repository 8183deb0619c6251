import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_PATH, renderTypes, TYPES_PATH } from '../../scripts/api/render';

const read = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

// The web app and the runner call HQ through these types: they must be generated from the
// committed document, not edited by hand or left behind. (openapi.snapshot.test.ts checks
// the document itself against what HQ serves.)
describe('the committed API types', () => {
  it('are what openapi-typescript makes of the committed document', async () => {
    const regenerated = await renderTypes(read(DOCUMENT_PATH));
    expect(regenerated === read(TYPES_PATH), 'stale: run `npm run api:generate`').toBe(true);
  });

  it('name every operation by its operationId', () => {
    const types = read(TYPES_PATH);
    expect(types).toContain('listTasks: {');
    expect(types).toContain('post: operations["approveMission"];');
  });
});
