import { expect } from 'vitest';
import { call } from '../support/client';

export interface Operation {
  method: string;
  path: string;
  minRole: string;
  /** Parameters by where they go. */
  params: { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean }[];
  hasJsonBody: boolean;
}

type Document = {
  paths: Record<
    string,
    Record<
      string,
      {
        'x-min-role': string;
        parameters?: Operation['params'];
        requestBody?: { content?: Record<string, unknown> };
      }
    >
  >;
};

/** Every operation of the OpenAPI document the app serves. */
export async function operations(): Promise<Operation[]> {
  const response = await call('/api/openapi.json');
  expect(response.status).toBe(200);
  const doc = (await response.json()) as Document;
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      minRole: op['x-min-role'],
      params: op.parameters ?? [],
      hasJsonBody: Boolean(op.requestBody?.content?.['application/json']),
    })),
  );
}

/** The path with each `{name}` filled in. */
export const fillPath = (path: string, value: (name: string) => string) =>
  path.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(value(name)));
