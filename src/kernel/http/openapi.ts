import { z } from 'zod';
import { ErrorBody } from './errors.js';
import type { AnyRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

function schemaFor(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersFor(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that serve requests. */
export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routes) {
    const path = spec.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, JsonSchema> = {
      [String(spec.status ?? 200)]: {
        description: 'Success',
        ...(spec.response ? { content: { 'application/json': { schema: schemaFor(spec.response, 'output') } } } : {}),
        ...(spec.responseType ? { content: { [spec.responseType]: { schema: { type: 'string', format: 'binary' } } } } : {}),
      },
    };
    const errorStatuses = new Map<number, string[]>();
    if (spec.body || spec.multipart || spec.query || spec.params) errorStatuses.set(400, ['invalid_request']);
    if (spec.auth !== 'public') errorStatuses.set(401, ['unauthenticated']);
    for (const error of spec.errors ?? []) errorStatuses.set(error.status, [...(errorStatuses.get(error.status) ?? []), error.code]);
    for (const [status, codes] of errorStatuses) {
      responses[String(status)] = {
        description: `Error: ${codes.join(', ')}`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    (paths[path] ??= {})[spec.method.toLowerCase()] = {
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.auth === 'public' ? { security: [] } : { security: [{ [spec.auth === 'staff' ? 'staffSession' : spec.auth === 'hr-system' ? 'hrSystemToken' : 'reporterSession']: [] }] }),
      parameters: [...parametersFor(spec.params, 'path'), ...parametersFor(spec.query, 'query')],
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaFor(spec.body, 'input') } } } } : {}),
      ...(spec.multipart ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: schemaFor(spec.multipart, 'input') } } } } : {}),
      responses,
    };
  }
  // Registered schemas (those with a `.meta({ id })`) become components.
  void ErrorBody;
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) delete schema.$schema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Candor API',
      version,
      description: 'The Candor speak-up platform. All bodies are JSON; errors answer `{ error: { code, message, fields?, requestId } }`.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        staffSession: { type: 'apiKey', in: 'cookie', name: 'candor_staff' },
        reporterSession: { type: 'apiKey', in: 'cookie', name: 'candor_reporter' },
        hrSystemToken: { type: 'http', scheme: 'bearer', description: 'An API token of the hr-system role (candor token create)' },
      },
    },
  };
}
