import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import { securityFor } from './credentials';
import { type GuardOptions, type MinRole, routeGuard } from './guards';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      fields: z
        .array(z.object({ field: z.string(), in: z.string(), message: z.string() }))
        .optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorBody } },
});

const commonErrors = {
  400: errorResponse('Invalid input; `fields` names each problem.'),
  413: errorResponse('Body over 1 MiB.'),
};

const signedInErrors = {
  ...commonErrors,
  401: errorResponse('Not signed in.'),
  403: errorResponse('Role too low, or a cross-site write.'),
  503: errorResponse('The server is misconfigured (for example SESSION_SECRET).'),
};

/**
 * What a route declares besides its role. `operationId` is required: generated clients name
 * their calls by it. `security` is left out: it follows from the role (securityFor).
 */
type RouteSpec = Omit<RouteConfig, 'middleware' | 'operationId' | 'security'> & {
  /** camelCase, unique across the API: `listTasks`, `approveMission`, `claimTask`. */
  operationId: string;
};

/**
 * Declares a route with its minimum role: the guard runs before validation, and the
 * OpenAPI operation carries `x-min-role` and the `security` that role implies, both from the
 * one `minRole`, so the document says who may call it and with which credential.
 */
export function defineRoute<const R extends RouteSpec>(
  minRole: MinRole,
  route: R,
  guardOptions: GuardOptions = {},
) {
  const errors = minRole === 'public' ? commonErrors : signedInErrors;
  return createRoute({
    ...route,
    'x-min-role': minRole,
    security: securityFor(minRole, route.path),
    middleware: [routeGuard(minRole, guardOptions)] as const,
    responses: { ...errors, ...route.responses },
  });
}

/** A required JSON request body (zod-openapi skips validation of optional bodies). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { 'application/json': { schema } },
  };
}

/** A JSON response entry for `responses`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
