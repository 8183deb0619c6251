import { expect } from 'vitest';
import { call } from '../support/client';
import type { Components, Schema } from './bodies';

export interface Operation {
  method: string;
  path: string;
  minRole: string;
  /** Parameters by where they go. */
  params: { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean }[];
  hasJsonBody: boolean;
  /** The JSON request body's schema, when the route declares one. */
  bodySchema?: Schema;
}

type Document = {
  paths: Record<
    string,
    Record<
      string,
      {
        'x-min-role': string;
        parameters?: Operation['params'];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      }
    >
  >;
  components?: { schemas?: Components };
};

/** Every operation of the OpenAPI document the app serves, and its named schemas. */
export async function openapi(): Promise<{ ops: Operation[]; components: Components }> {
  const response = await call('/api/openapi.json');
  expect(response.status).toBe(200);
  const doc = (await response.json()) as Document;
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const json = op.requestBody?.content?.['application/json'];
      return {
        method: method.toUpperCase(),
        path,
        minRole: op['x-min-role'],
        params: op.parameters ?? [],
        hasJsonBody: Boolean(json),
        ...(json?.schema ? { bodySchema: json.schema } : {}),
      };
    }),
  );
  return { ops, components: doc.components?.schemas ?? {} };
}

/** Every operation of the OpenAPI document the app serves. */
export async function operations(): Promise<Operation[]> {
  return (await openapi()).ops;
}

/** The path with each `{name}` filled in. */
export const fillPath = (path: string, value: (name: string) => string) =>
  path.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(value(name)));
