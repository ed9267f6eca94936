/**
 * Reading a portal form that may carry files: fields are collected, files are sealed to disk as
 * they stream in (never held whole in memory), under a case key made before the first file arrives.
 */
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { discardAttachments, receiveAttachment, type PreparedAttachment } from '../attachments/attachment.service.js';
import type { AppContext } from '../kernel/context.js';
import type { CaseKey } from '../kernel/crypto.js';

export interface MultipartForm {
  fields: Record<string, string>;
  files: PreparedAttachment[];
}

/**
 * Reads the parts in order. `beforeFirstFile` runs once the fields before the files are known (the
 * form puts its token and choices first) and answers where files go, or null to refuse them.
 */
export async function readMultipartForm(
  ctx: AppContext,
  request: FastifyRequest,
  beforeFirstFile: (fields: Record<string, string>) => Promise<{ caseId: string; caseKey: CaseKey; remainingCaseBytes: number } | null>,
): Promise<MultipartForm> {
  const fields: Record<string, string> = {};
  const files: PreparedAttachment[] = [];
  let target: Awaited<ReturnType<typeof beforeFirstFile>> | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      const file = part as MultipartFile;
      if (!file.filename) {
        file.file.resume(); // an empty file input
        continue;
      }
      if (target === undefined) target = await beforeFirstFile(fields);
      if (target === null) {
        file.file.resume();
        continue;
      }
      const prepared = await receiveAttachment(ctx, {
        caseId: target.caseId,
        caseKey: target.caseKey,
        filename: file.filename,
        declaredType: file.mimetype,
        stream: file.file,
        keepOriginal: fields.keep_original === 'yes',
        remainingCaseBytes: target.remainingCaseBytes - files.reduce((sum, each) => sum + each.sizeBytes, 0),
      });
      files.push(prepared);
    }
  } catch (error) {
    await discardAttachments(ctx, files);
    throw error;
  }
  return { fields, files };
}
