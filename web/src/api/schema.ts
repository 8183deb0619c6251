import type { components, paths } from '../../../worker/openapi/schema.gen';

/**
 * Server types as the OpenAPI document declares them, so the web app never re-declares a
 * shape the worker already owns (worker/openapi/schema.gen.ts is generated from it).
 */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

type Json<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body a path's GET answers with on 200. */
export type GetOk<Path extends keyof paths> = paths[Path] extends {
  get: { responses: { 200: infer R } };
}
  ? Json<R>
  : never;

/** The JSON body a path's `method` answers with on `status` (200 unless given). */
export type Answered<
  Path extends keyof paths,
  Method extends 'get' | 'post' | 'put' | 'patch' | 'delete',
  Status extends number = 200,
> = paths[Path][Method] extends { responses: infer Rs }
  ? Status extends keyof Rs
    ? Json<Rs[Status]>
    : never
  : never;

/** The JSON body a path's `method` accepts. */
export type Sent<
  Path extends keyof paths,
  Method extends 'post' | 'put' | 'patch',
> = paths[Path][Method] extends { requestBody?: { content: { 'application/json': infer B } } }
  ? B
  : never;

/** The query parameters a path's GET takes. */
export type Query<Path extends keyof paths> = NonNullable<
  paths[Path] extends { get: { parameters: { query?: infer Q } } } ? Q : never
>;

/** A URL's filters (`a=1&b=2`, as the page's address holds them) as a GET's query. */
export const queryOf = <Path extends keyof paths>(search: string) =>
  Object.fromEntries(new URLSearchParams(search)) as Query<Path>;
