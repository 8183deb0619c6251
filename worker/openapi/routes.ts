import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { SECURITY_SCHEMES } from '../http/credentials';
import { defineRoute, jsonResponse } from '../http/route';

const document = defineRoute('public', {
  operationId: 'getOpenApiDocument',
  method: 'get',
  path: '/api/openapi.json',
  tags: ['Meta'],
  summary: 'This document: every route, each with its minimum role in x-min-role',
  responses: { 200: jsonResponse(z.record(z.string(), z.unknown()), 'OpenAPI 3.1 document.') },
});

const reference = defineRoute('public', {
  operationId: 'getApiReference',
  method: 'get',
  path: '/api/docs',
  tags: ['Meta'],
  summary: 'The interactive API reference (a page of the web app)',
  responses: { 302: { description: 'Redirect to /docs/api/.' } },
});

/** Serves the OpenAPI 3.1 document of `app` and a link to its interactive reference. */
export function mountOpenApi(app: OpenAPIHono<HonoEnv>): void {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) {
    app.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
  }
  app.openapi(document, (c) =>
    c.json(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'HQ API',
          version: '0.1.0',
          description:
            'Control plane for a company of AI agents. Browsers authenticate with the session cookie; scripts send an API token (Authorization: Bearer hq_api_…, created by an admin, viewer or operator, never on admin routes). x-min-role on each operation is the least role that may call it.',
        },
        // Relative: the document is the same wherever HQ runs, so it can be committed and
        // diffed; clients resolve it against the origin they fetched it from.
        servers: [{ url: '/' }],
      }),
      200,
    ),
  );
  app.openapi(reference, (c) => c.redirect('/docs/api/', 302));
}
