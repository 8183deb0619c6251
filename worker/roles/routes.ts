import { OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { ROLES, roleGrants, sessions } from '../../drizzle/schema';
import { auditInsert } from '../audit/record';
import { effectiveRole } from '../auth/roles';
import { database } from '../db/client';
import { envEmails, type HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';

const RoleName = z.enum(ROLES);
const EmailParam = z.object({ email: z.email().transform((e) => e.toLowerCase()) });

const RoleEntry = z
  .object({
    email: z.string(),
    role: RoleName.nullable(),
    source: z.enum(['env', 'granted', 'revoked']),
    grantedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('RoleEntry');

const listRoles = defineRoute('admin', {
  operationId: 'listRoles',
  method: 'get',
  path: '/api/roles',
  tags: ['Roles'],
  summary: 'Everyone with a role, from the env bootstrap lists and grants made in the app',
  responses: { 200: jsonResponse(z.object({ roles: z.array(RoleEntry) }), 'The role table.') },
});

const grantRole = defineRoute('admin', {
  operationId: 'grantRole',
  method: 'put',
  path: '/api/roles/{email}',
  tags: ['Roles'],
  summary: 'Grant a role (replaces any earlier grant); audited',
  request: { params: EmailParam, body: jsonBody(z.strictObject({ role: RoleName })) },
  responses: {
    200: jsonResponse(z.object({ email: z.string(), role: RoleName }), 'Granted.'),
    409: jsonResponse(z.object({}), 'An admin cannot lower their own role.'),
  },
});

const revokeRole = defineRoute('admin', {
  operationId: 'revokeRole',
  method: 'delete',
  path: '/api/roles/{email}',
  tags: ['Roles'],
  summary: 'Revoke a role (also overrides the env lists); ends their sessions; audited',
  request: { params: EmailParam },
  responses: {
    200: jsonResponse(z.object({ email: z.string(), role: z.null() }), 'Revoked.'),
    404: jsonResponse(z.object({}), 'That email has no role.'),
    409: jsonResponse(z.object({}), 'An admin cannot revoke their own role.'),
  },
});

export const roleRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

roleRoutes.openapi(listRoles, async (c) => {
  const grants = await database(c.env).select().from(roleGrants).all();
  const granted = new Map(grants.map((g) => [g.email, g]));
  const roles: z.infer<typeof RoleEntry>[] = grants.map((g) => ({
    email: g.email,
    role: g.role,
    source: g.role ? 'granted' : 'revoked',
    grantedBy: g.grantedBy,
    updatedAt: new Date(g.updatedAt).toISOString(),
  }));
  for (const role of ['admin', 'operator', 'viewer'] as const) {
    const key = `${role.toUpperCase() as Uppercase<typeof role>}_EMAILS` as const;
    for (const email of envEmails(c.env, key)) {
      if (granted.has(email) || roles.some((r) => r.email === email)) continue;
      roles.push({ email, role, source: 'env', grantedBy: null, updatedAt: null });
    }
  }
  roles.sort((a, b) => a.email.localeCompare(b.email));
  return c.json({ roles }, 200);
});

function refuseSelfDemotion(c: Context<HonoEnv>, email: string, role: string | null) {
  if (email === c.get('user').email && role !== 'admin') {
    throw new ApiError('conflict', 'You cannot lower or revoke your own admin role.');
  }
}

roleRoutes.openapi(grantRole, async (c) => {
  const { email } = c.req.valid('param');
  const { role } = c.req.valid('json');
  refuseSelfDemotion(c, email, role);
  const db = database(c.env);
  const previous = (await effectiveRole(db, c.env, email)) ?? null;
  const grant = { role, grantedBy: c.get('user').email, updatedAt: Date.now() };
  await db.batch([
    db
      .insert(roleGrants)
      .values({ email, ...grant })
      .onConflictDoUpdate({ target: roleGrants.email, set: grant }),
    auditInsert(db, c, {
      action: 'role.grant',
      entityType: 'user',
      entityId: email,
      summary: { from: previous, to: role },
    }),
  ]);
  return c.json({ email, role }, 200);
});

roleRoutes.openapi(revokeRole, async (c) => {
  const { email } = c.req.valid('param');
  refuseSelfDemotion(c, email, null);
  const db = database(c.env);
  const previous = await effectiveRole(db, c.env, email);
  if (!previous) throw new ApiError('not_found', `${email} has no role.`);
  const grant = { role: null, grantedBy: c.get('user').email, updatedAt: Date.now() };
  await db.batch([
    db
      .insert(roleGrants)
      .values({ email, ...grant })
      .onConflictDoUpdate({ target: roleGrants.email, set: grant }),
    db.delete(sessions).where(eq(sessions.email, email)),
    auditInsert(db, c, {
      action: 'role.revoke',
      entityType: 'user',
      entityId: email,
      summary: { from: previous, to: null },
    }),
  ]);
  return c.json({ email, role: null }, 200);
});
