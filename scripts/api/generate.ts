// `npm run api:generate`: writes the OpenAPI document HQ serves, and its TypeScript types,
// into worker/openapi/, for the typed API client and for review in diffs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOCUMENT_PATH, renderDocument, renderTypes, TYPES_PATH } from './render';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * document.ts runs the worker's own code, so it is type-checked with the worker (Workers
 * types, tsconfig.json); this file is checked as Node code, without them. Loading it by URL
 * keeps tsc from following it here; tsx compiles it all the same.
 */
const DOCUMENT_MODULE = new URL('./document.ts', import.meta.url).href;

async function main(): Promise<void> {
  const { servedDocument } = (await import(DOCUMENT_MODULE)) as {
    servedDocument(): Promise<unknown>;
  };
  const json = renderDocument(await servedDocument());
  writeFileSync(root(DOCUMENT_PATH), json);
  writeFileSync(root(TYPES_PATH), await renderTypes(json));
  console.log(`wrote ${DOCUMENT_PATH} and ${TYPES_PATH}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
