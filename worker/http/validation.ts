import type { Hook } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { HonoEnv } from '../env';
import type { FieldProblem } from '../errors';
import { ApiError } from './errors';

const locations: Record<string, FieldProblem['in']> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/** Turns zod issues into field problems: one per field, named by its dotted path. */
export function fieldProblems(error: z.ZodError, target: string): FieldProblem[] {
  const where = locations[target] ?? 'body';
  return error.issues.flatMap((issue): FieldProblem[] => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        in: where,
        message: 'unknown field',
      }));
    }
    return [{ field: base || '(root)', in: where, message: issue.message }];
  });
}

/** The default hook of every route: a failed validation is a 400 that names each field. */
export const validationHook: Hook<unknown, HonoEnv, string, unknown> = (result) => {
  if (result.success) return;
  const fields = fieldProblems(result.error, result.target);
  const summary = fields.map((f) => `${f.in}.${f.field}: ${f.message}`).join('; ');
  throw new ApiError('validation_failed', `Invalid request: ${summary}`, { fields });
};
