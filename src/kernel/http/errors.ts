import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError, ValidationFailed } from '../errors.js';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.array(z.string())).optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

/** Turns a zod failure into field messages. Never echoes the input back. */
export function validationError(error: z.ZodError, prefix?: string): ValidationFailed {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    let key = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') key = [key, ...issue.keys].filter(Boolean).join('.');
    key = [prefix, key].filter(Boolean).join('.') || '_';
    const message = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
    (fields[key] ??= []).push(message);
  }
  return new ValidationFailed(fields);
}

const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send JSON (application/json).' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', message: 'The Content-Length does not match the body.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
};

/** Maps every error to a JSON body with a stable code; unknown errors become 500 without details. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const requestId = request.id;
    if (error instanceof DomainError) {
      const body = { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}), requestId };
      return reply.code(error.status).send({ error: body });
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (known) return reply.code(known.status).send({ error: { code: known.code, message: known.message, requestId } });
    if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
      const invalid = FRAMEWORK_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY!;
      return reply.code(400).send({ error: { code: invalid.code, message: invalid.message, requestId } });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: { code: 'bad_request', message: 'The request could not be understood.', requestId } });
    }
    // Log the kind and where, never the error's own properties (a database error can quote values).
    request.log.error({ errType: error.name, errCode: error.code, stack: error.stack?.split('\n').slice(0, 8).join('\n') }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again in a moment.', requestId } });
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({ error: { code: 'not_found', message: 'Not found.', requestId: request.id } });
  });
}
