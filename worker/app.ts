import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { FEED_FOLLOWERS } from '../durable-objects/followers';
import { resealRoutes } from './agents/reseal-routes';
import { revisionRoutes } from './agents/revision-routes';
import { agentRoutes } from './agents/routes';
import { auditRoutes } from './audit/routes';
import { apiTokenRoutes } from './auth/api-tokens/routes';
import { requireRole } from './auth/guard';
import { oauthRoutes } from './auth/oauth/routes';
import { authRoutes } from './auth/routes';
import { ceoRoutes } from './ceo/routes';
import { chatRoutes } from './chat/routes';
import { demoCompany } from './demo/seed';
import type { HonoEnv } from './env';
import { eventRoutes } from './events/routes';
import { pokeFollowersAfterWrites } from './events/subscribers';
import { healthRoutes } from './health/routes';
import { SESSION_COOKIE } from './http/credentials';
import { csrfProtection } from './http/csrf';
import { ApiError, handleError, handleNotFound } from './http/errors';
import { provideGuards } from './http/guards';
import { securityHeaders } from './http/security-headers';
import { serverTiming } from './http/server-timing';
import { validationHook } from './http/validation';
import { requireRunToken } from './mcp/guard';
import { mcpRoutes } from './mcp/routes';
import { memoryRoutes } from './memory/routes';
import { missionEditRoutes } from './missions/edit-routes';
import { missionEstimateRoutes } from './missions/estimate-routes';
import { missionReplaceRoutes } from './missions/replace';
import { missionRoutes } from './missions/routes';
import { notificationRoutes } from './notifications/routes';
import { officeRoutes } from './office/routes';
import { recheckOfficeAfterSignOut } from './office/sign-out';
import { mountOpenApi } from './openapi/routes';
import { patchRoutes } from './patches/routes';
import { planningJobRoutes } from './planning/routes';
import { priceRoutes } from './prices/routes';
import { commentRoutes } from './reviews/comments/routes';
import { reviewJobRoutes } from './reviews/jobs/routes';
import { roleRoutes } from './roles/routes';
import { fireRoutes } from './routines/fire-routes';
import { routineRevisionRoutes } from './routines/revision-routes';
import { routineRoutes } from './routines/routes';
import { routineHookRoutes } from './routines/webhook';
import { runLogRoutes } from './run-logs/routes';
import { runnerAdminRoutes } from './runners/admin-routes';
import { runnerApiRoutes } from './runners/api-routes';
import { requireRunner, runnerTokenOnly } from './runners/guard';
import { runnerPlanningRoutes } from './runners/planning-routes';
import { repositoryRoutes } from './runners/repositories';
import { runnerReviewRoutes } from './runners/review-routes';
import { snapshotRoutes } from './runners/snapshot-routes';
import { settingsRoutes } from './settings/routes';
import { spendRoutes } from './spend/routes';
import { taskRecoveryRoutes } from './tasks/recover-routes';
import { taskRoutes } from './tasks/routes';
import { whyRoutes } from './tasks/why/routes';
import { requireTelegram } from './telegram/guard';
import { telegramRoutes } from './telegram/routes';

export const MAX_BODY_BYTES = 1024 * 1024;
const HOOKS = '/api/hooks/';

/** Builds the HQ application: shared middleware, every feature's routes, the API document. */
export function createApp(): OpenAPIHono<HonoEnv> {
  // The guards of every route's minimum role live with their features; routes find them here.
  provideGuards({
    role: requireRole,
    runner: requireRunner,
    runnerInBatch: runnerTokenOnly,
    telegram: requireTelegram,
    run: requireRunToken,
  });
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  app.use(serverTiming());
  app.use(securityHeaders());
  app.use(requestId({ generator: () => crypto.randomUUID() }));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError('payload_too_large', 'The request body is over 1 MiB.');
      },
    }),
  );
  const csrf = csrfProtection(SESSION_COOKIE);
  // Routine webhooks are signed (HMAC of the body), not cookie-authenticated: a cookie a
  // browser happens to send along neither helps nor blocks a delivery.
  app.use((c, next) => (c.req.path.startsWith(HOOKS) ? next() : csrf(c, next)));
  app.use(demoCompany());
  app.use(pokeFollowersAfterWrites(FEED_FOLLOWERS));
  app.use(recheckOfficeAfterSignOut());

  app.route('/', healthRoutes);
  app.route('/', authRoutes);
  app.route('/', oauthRoutes);
  app.route('/', roleRoutes);
  app.route('/', auditRoutes);
  app.route('/', agentRoutes);
  app.route('/', revisionRoutes);
  app.route('/', resealRoutes);
  app.route('/', settingsRoutes);
  app.route('/', missionRoutes);
  app.route('/', missionReplaceRoutes);
  app.route('/', missionEditRoutes);
  app.route('/', missionEstimateRoutes);
  app.route('/', routineRoutes);
  app.route('/', fireRoutes);
  app.route('/', routineRevisionRoutes);
  app.route('/', routineHookRoutes);
  app.route('/', runnerAdminRoutes);
  app.route('/', apiTokenRoutes);
  app.route('/', runnerApiRoutes);
  app.route('/', runnerReviewRoutes);
  app.route('/', runnerPlanningRoutes);
  app.route('/', repositoryRoutes);
  app.route('/', snapshotRoutes);
  app.route('/', runLogRoutes);
  app.route('/', patchRoutes);
  app.route('/', reviewJobRoutes);
  app.route('/', planningJobRoutes);
  app.route('/', commentRoutes);
  app.route('/', whyRoutes);
  app.route('/', taskRoutes);
  app.route('/', taskRecoveryRoutes);
  app.route('/', spendRoutes);
  app.route('/', priceRoutes);
  app.route('/', eventRoutes);
  app.route('/', ceoRoutes);
  app.route('/', notificationRoutes);
  app.route('/', memoryRoutes);
  app.route('/', chatRoutes);
  app.route('/', officeRoutes);
  app.route('/', telegramRoutes);
  app.route('/', mcpRoutes);
  mountOpenApi(app);

  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}
