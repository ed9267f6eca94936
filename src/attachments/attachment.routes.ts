import type { FastifyMultipartBaseOptions } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { CaseIdParams } from '../cases/case.schema.js';
import type { Config } from '../kernel/config.js';
import { DomainError, ValidationFailed } from '../kernel/errors.js';
import { route } from '../kernel/http/route.js';
import { contentDisposition, MAX_FILES_PER_UPLOAD } from './attachment.rules.js';
import { AttachmentParams, AttachmentUploadForm, AttachmentUploadResult } from './attachment.schema.js';
import { openAttachmentForStaff, uploadHandlerAttachments, uploadReporterAttachments, type UploadPart } from './attachment.service.js';

/**
 * Options for @fastify/multipart (registered once, in server.ts). Busboy stops a file one byte past
 * the per-file limit, so an oversized upload is never read further than that; Candor's own
 * check then answers attachment_too_large. Text fields may be as large as a JSON body.
 */
export function multipartOptions(config: Config): FastifyMultipartBaseOptions {
  return {
    throwFileSizeLimit: false,
    limits: {
      fileSize: config.attachments.maxFileBytes + 1,
      files: MAX_FILES_PER_UPLOAD,
      fieldSize: config.http.bodyLimitBytes,
      fields: 500,
      parts: 1000,
      headerPairs: 100,
    },
  };
}

class NotMultipart extends DomainError {
  constructor() {
    super('unsupported_media_type', 'Send the files as multipart/form-data.', 415);
  }
}

/** The request's multipart form as UploadParts, so the service never sees HTTP types. */
async function* formParts(request: FastifyRequest): AsyncIterable<UploadPart> {
  if (!request.isMultipart()) throw new NotMultipart();
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') yield { kind: 'file', filename: part.filename, stream: part.file };
      else yield { kind: 'field', name: part.fieldname, value: typeof part.value === 'string' ? part.value : String(part.value) };
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') throw new ValidationFailed({ files: [`at most ${MAX_FILES_PER_UPLOAD} files at a time`] });
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw new ValidationFailed({ _: ['the form has too many fields'] });
    throw error;
  }
}

const uploadErrors = [
  { status: 413, code: 'attachment_too_large' },
  { status: 415, code: 'unsupported_media_type' },
  { status: 422, code: 'attachment_unreadable' },
] as const;

export const attachmentRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/reporter/attachments',
    summary: 'Add evidence files to the case (multipart/form-data); metadata is removed unless keepOriginal=true',
    tags: ['reporter'],
    auth: 'reporter',
    multipart: AttachmentUploadForm,
    status: 201,
    response: AttachmentUploadResult,
    errors: uploadErrors,
    handler: ({ ctx, principal, request }) => uploadReporterAttachments(ctx, principal, formParts(request)),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/attachments',
    summary: 'Add files to a case as its handler (multipart/form-data); metadata is removed unless keepOriginal=true',
    tags: ['cases'],
    auth: 'staff',
    params: CaseIdParams,
    multipart: AttachmentUploadForm,
    status: 201,
    response: AttachmentUploadResult,
    errors: [{ status: 404, code: 'case_not_found' }, ...uploadErrors],
    handler: ({ ctx, principal, params, request }) => uploadHandlerAttachments(ctx, principal, params.id, formParts(request)),
  }),
  route({
    method: 'GET',
    url: '/api/v1/cases/:id/attachments/:attachmentId',
    summary: 'Download one attachment, decrypted (audited); X-Content-SHA256 carries its SHA-256',
    tags: ['cases'],
    auth: 'staff',
    params: AttachmentParams,
    responseType: 'application/octet-stream',
    errors: [
      { status: 404, code: 'case_not_found' },
      { status: 404, code: 'attachment_not_found' },
    ],
    handler: async ({ ctx, principal, params, reply }) => {
      const opened = await openAttachmentForStaff(ctx, principal, params.id, params.attachmentId);
      reply.header('content-type', opened.contentType);
      reply.header('content-length', String(opened.sizeBytes));
      reply.header('content-disposition', contentDisposition(opened.filename));
      reply.header('x-content-sha256', opened.sha256);
      return opened.stream;
    },
  }),
];
