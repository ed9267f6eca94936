import { z } from 'zod';

export const AttachmentParams = z.strictObject({ id: z.uuid(), attachmentId: z.uuid() });

/** The multipart form of an upload (documented in OpenAPI; read as a stream, not through zod). */
export const AttachmentUploadForm = z
  .object({
    keepOriginal: z
      .enum(['true', 'false'])
      .optional()
      .describe('true: store the files exactly as sent, metadata included. Send it before the files or after; it applies to all of them.'),
    files: z.array(z.file()).min(1).describe('One or more files (any field name).'),
  })
  .meta({ id: 'AttachmentUploadForm' });

export const UploadedAttachment = z
  .object({
    id: z.string(),
    filename: z.string(),
    sizeBytes: z.number(),
    /** SHA-256 (hex) of the file as stored, which is what a download returns. */
    sha256: z.string(),
    /** What hidden metadata was found and removed, e.g. ["EXIF", "GPS location", "camera model"]. */
    metadataRemoved: z.array(z.string()),
  })
  .meta({ id: 'UploadedAttachment' });

export const AttachmentUploadResult = z.object({ attachments: z.array(UploadedAttachment) }).meta({ id: 'AttachmentUploadResult' });

export const AttachmentSummary = z
  .object({
    id: z.string(),
    filename: z.string(),
    contentType: z.string(),
    sizeBytes: z.number(),
    sha256: z.string(),
    metadataRemoved: z.array(z.string()),
    originalKept: z.boolean(),
    uploadedBy: z.enum(['reporter', 'handler']),
    at: z.string(),
  })
  .meta({ id: 'AttachmentSummary' });

export type AttachmentSummary = z.infer<typeof AttachmentSummary>;
export type UploadedAttachment = z.infer<typeof UploadedAttachment>;
