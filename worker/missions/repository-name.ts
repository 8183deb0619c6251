import { z } from '@hono/zod-openapi';

// How a repository is named, the same wherever a name crosses the wire: a runner declares the
// repositories it serves, a mission names the one its tasks change, and the runner turns the
// name into a path under its own folder. So a name is a plain relative path: no `..` segment,
// no trailing slash (the pattern already refuses a leading one).

export const REPOSITORY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;

export const RepositoryName = z
  .string()
  .regex(REPOSITORY_PATTERN, 'not a repository name: letters, digits and . _ / - like acme/app')
  .refine((name) => !name.endsWith('/'), 'not a repository name: it ends with /')
  .refine((name) => !name.split('/').includes('..'), 'not a repository name: a .. segment')
  .describe('A repository as runners serve it and missions name it, like `acme/app`.');
