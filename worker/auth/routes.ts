import { OpenAPIHono, z } from '@hono/zod-openapi';
import { envValue, type HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { isLoopbackRequest } from '../http/origin';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { secretOrFail } from './guard';
import { configuredProviders } from './oauth/providers';
import { endSession } from './session';
import { signIn } from './sign-in';

const Me = z
  .object({ email: z.string(), role: z.enum(['viewer', 'operator', 'admin']) })
  .openapi('Me');

const getMe = defineRoute('viewer', {
  operationId: 'getMe',
  method: 'get',
  path: '/api/me',
  tags: ['Auth'],
  summary: 'Who is signed in, and with which role',
  responses: { 200: jsonResponse(Me, 'The signed-in user.') },
});

const listProviders = defineRoute('public', {
  operationId: 'listSignInProviders',
  method: 'get',
  path: '/auth/providers',
  tags: ['Auth'],
  summary: 'Sign-in methods configured on this server',
  responses: {
    200: jsonResponse(
      z.object({
        providers: z.array(z.object({ id: z.string(), name: z.string(), loginUrl: z.string() })),
        devLogin: z.boolean(),
      }),
      'Configured providers, and whether local sign-in is on.',
    ),
  },
});

const logout = defineRoute('public', {
  operationId: 'signOut',
  method: 'post',
  path: '/auth/logout',
  tags: ['Auth'],
  summary: 'Sign out: ends the session on the server and clears the cookie',
  responses: { 204: { description: 'Signed out (also when there was no session).' } },
});

const devLogin = defineRoute('public', {
  operationId: 'devSignIn',
  method: 'post',
  path: '/auth/dev/login',
  tags: ['Auth'],
  summary: 'Local sign-in by email (only with DEV_LOGIN=true, only from loopback)',
  request: { body: jsonBody(z.strictObject({ email: z.email() })) },
  responses: {
    200: jsonResponse(Me, 'Signed in; the session cookie is set.'),
    404: jsonResponse(z.object({}), 'Local sign-in is not enabled here.'),
  },
});

/** Local sign-in exists only when explicitly enabled and only for this machine. */
export function devLoginEnabled(env: Env): boolean {
  return envValue(env, 'DEV_LOGIN') === 'true';
}

export const authRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

authRoutes.openapi(getMe, (c) => c.json(c.get('user'), 200));

authRoutes.openapi(listProviders, (c) =>
  c.json(
    {
      providers: configuredProviders(c.env).map((p) => ({
        id: p.id,
        name: p.name,
        loginUrl: `/auth/${p.id}/login`,
      })),
      devLogin: devLoginEnabled(c.env),
    },
    200,
  ),
);

authRoutes.openapi(logout, async (c) => {
  await endSession(c, secretOrFail(c.env));
  return c.body(null, 204);
});

// The loopback check runs before validation so that, off loopback, the route does not exist.
authRoutes.use('/auth/dev/login', async (c, next) => {
  if (!devLoginEnabled(c.env) || !isLoopbackRequest(c)) {
    throw new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}.`);
  }
  await next();
});

authRoutes.openapi(devLogin, async (c) => {
  const secret = secretOrFail(c.env);
  const { email } = c.req.valid('json');
  return c.json(await signIn(c, secret, email, 'dev'), 200);
});
