import fc from 'fast-check';

/** The part of JSON Schema (as @hono/zod-openapi writes it) that shapes a request body. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** Named schemas of the document, for `$ref`. */
export type Components = Record<string, Schema>;

/** Any JSON at all: what a field gets when the fuzzer ignores its declared type. */
const wild = fc.jsonValue({ maxDepth: 2 });

/** Strings that tend to pass a field's own checks, so the handler behind them runs. */
const plausible = fc.constantFrom('main', 'probe', 'a@b.co', 'CEO', 'src/**', '0 9 * * *');

function resolve(schema: Schema, components: Components): Schema {
  const name = schema.$ref?.replace('#/components/schemas/', '');
  return name ? (components[name] ?? {}) : schema;
}

function text(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 60, 60);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  const loose = fc.oneof(fc.string({ minLength, maxLength }), plausible);
  let exact: fc.Arbitrary<string> | undefined;
  if (schema.format === 'email') exact = fc.emailAddress();
  if (schema.format === 'uri' || schema.format === 'url') exact = fc.webUrl();
  if (schema.pattern) {
    try {
      exact = fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // A pattern fast-check cannot generate from (a lookahead, say): loose strings only.
    }
  }
  return exact ? fc.oneof({ weight: 4, arbitrary: exact }, { weight: 1, arbitrary: loose }) : loose;
}

function typed(schema: Schema, components: Components, depth: number): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (depth > 3) return wild;
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const branches = s.oneOf ?? s.anyOf ?? s.allOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => shaped(b, components, depth + 1)));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1)
    return fc.oneof(...types.map((type) => typed({ ...s, type }, components, depth)));
  switch (types[0] ?? (s.properties ? 'object' : undefined)) {
    case 'string':
      return text(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? shaped(s.items, components, depth + 1) : wild, {
        minLength: Math.min(s.minItems ?? 0, 3),
        maxLength: Math.max(Math.min(s.maxItems ?? 3, 3), Math.min(s.minItems ?? 0, 3)),
      });
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      const fields = Object.fromEntries(
        props.map(([name, prop]) => [name, shaped(prop, components, depth + 1)]),
      );
      // Mostly every required field present, so the body gets past the shape check.
      return fc.oneof(
        { weight: 3, arbitrary: fc.record(fields, { requiredKeys: s.required ?? [] }) },
        { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      );
    }
    default:
      return wild;
  }
}

/**
 * Values shaped like `schema`: its property names, filled mostly with values of each field's
 * declared type and range, sometimes with any JSON at all.
 */
export function shaped(schema: Schema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  // Rarely wild below the top: a body of fifteen fields should often be valid throughout.
  return fc.oneof(
    { weight: depth === 0 ? 4 : 19, arbitrary: typed(schema, components, depth) },
    { weight: 1, arbitrary: wild },
  );
}
