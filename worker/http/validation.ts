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
  return problemsOf(error.issues, [], locations[target] ?? 'body');
}

type Issue = z.core.$ZodIssue;

function problemsOf(issues: Issue[], prefix: PropertyKey[], where: FieldProblem['in']) {
  return issues.flatMap((issue): FieldProblem[] => {
    const path = [...prefix, ...issue.path];
    const base = path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        in: where,
        message: 'unknown field',
      }));
    }
    // `X | null` (how the document keeps a shared schema non-nullable): name the fields of the
    // one option the value was meant for, not the union (`executor.preset`, not `executor`).
    if (issue.code === 'invalid_union') {
      const meant = issue.errors.filter((option) => !wrongTypeOnly(option));
      if (meant.length === 1 && meant[0]) return problemsOf(meant[0], path, where);
    }
    return [{ field: base || '(root)', in: where, message: issue.message }];
  });
}

/** An option the value is not even the type of (an object given where null is allowed). */
const wrongTypeOnly = (option: Issue[]) =>
  option.length === 1 && option[0]?.code === 'invalid_type' && option[0].path.length === 0;

/** The default hook of every route: a failed validation is a 400 that names each field. */
export const validationHook: Hook<unknown, HonoEnv, string, unknown> = (result) => {
  if (result.success) return;
  const fields = fieldProblems(result.error, result.target);
  const summary = fields.map((f) => `${f.in}.${f.field}: ${f.message}`).join('; ');
  throw new ApiError('validation_failed', `Invalid request: ${summary}`, { fields });
};
