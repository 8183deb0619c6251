import { createApp } from '../../worker/app';

/**
 * The OpenAPI document exactly as HQ serves it: the app itself answers GET /api/openapi.json,
 * in this process. The route is public and reads no binding, so an empty env serves it; no
 * workerd is needed, and nothing here can differ from what a deployed HQ returns.
 */
export async function servedDocument(): Promise<unknown> {
  const response = await createApp().request('/api/openapi.json', {}, {} as Env);
  if (!response.ok) {
    throw new Error(`GET /api/openapi.json answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}
