/**
 * Evidence attachments: taking files in (sealed as they stream, metadata stripped unless the
 * uploader keeps the original), recording them with their hashes, listing and reading them.
 *
 * Taking a file in is two steps, so that a form with files and other fields can be checked whole
 * before anything is recorded: receiveAttachment writes the sealed file and returns a
 * PreparedAttachment; recordAttachments writes its row and audit entry inside the caller's
 * transaction. A prepared file that will not be recorded must be given to discardAttachments.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { findReadableCase, touchCase } from '../cases/case.repository.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import {
  openAttachmentName,
  sealAttachmentName,
  unwrapCaseKeyForUser,
  unwrapFileKey,
  wrapFileKey,
  type CaseKey,
  type Sealed,
  type WrappedKey,
} from '../kernel/crypto.js';
import type { Queryable, Tx } from '../kernel/database.js';
import { CaseNotFound, ValidationFailed } from '../kernel/errors.js';
import type { ReporterPrincipal } from '../reporter/reporter.service.js';
import { findAttachment, insertAttachments, listAttachments, sumAttachmentBytes } from './attachment.repository.js';
import {
  AttachmentNotFound,
  AttachmentTooLarge,
  cleanFilename,
  MAX_FILES_PER_UPLOAD,
  parseKeepOriginal,
  remainingCaseBytes,
  stripMethod,
  uploadLimit,
  type AttachmentType,
} from './attachment.rules.js';
import type { AttachmentSummary, UploadedAttachment } from './attachment.schema.js';
import { FileLimitExceeded, openSealedFile, receiveSealedFile, removeSealedFile, stripSealedFile, type StoredFile } from './attachment.store.js';

export type { AttachmentSummary } from './attachment.schema.js';

/** A file sealed on disk and ready to be recorded against its case. */
export interface PreparedAttachment {
  id: string;
  caseId: string;
  /** The cleaned file name, in plain form: for telling the uploader what happened. Never stored. */
  filename: string;
  filenameSealed: Sealed;
  contentType: AttachmentType;
  /** Size of what is stored (after stripping). */
  sizeBytes: number;
  /** Size of what was received. */
  receivedBytes: number;
  sha256Received: string;
  sha256Stored: string;
  /** What was found and removed, e.g. ['EXIF', 'GPS location', 'camera model']; empty if nothing. */
  removedMetadata: string[];
  /** The stored bytes are exactly the received bytes (kept on request, or a type Candor does not strip). */
  originalKept: boolean;
  wrappedFileKey: WrappedKey;
  storageName: string;
}

/** One part of an upload form, independent of the HTTP library that parsed it. */
export type UploadPart = { kind: 'field'; name: string; value: string } | { kind: 'file'; filename: string; stream: Readable };

interface ReceivedFile {
  id: string;
  caseId: string;
  filename: string;
  contentType: AttachmentType;
  file: StoredFile;
}

async function receiveRaw(ctx: AppContext, caseId: string, filename: string, stream: Readable, remaining: number): Promise<ReceivedFile> {
  const { maxFileBytes, maxCaseBytes, dir } = ctx.config.attachments;
  const limit = uploadLimit(maxFileBytes, remaining);
  const id = randomUUID();
  try {
    const { contentType, ...file } = await receiveSealedFile(dir, id, stream, limit.bytes);
    return { id, caseId, filename: cleanFilename(filename), contentType, file };
  } catch (error) {
    if (error instanceof FileLimitExceeded) throw new AttachmentTooLarge(limit, maxCaseBytes);
    throw error;
  }
}

/** Strips the received file (unless the original is kept) and seals its name and key under the case key. */
async function prepare(ctx: AppContext, received: ReceivedFile, caseKey: CaseKey, keepOriginal: boolean, remaining: number): Promise<PreparedAttachment> {
  const { dir, maxCaseBytes } = ctx.config.attachments;
  let stored = received.file;
  let removed: string[] = [];
  try {
    if (!keepOriginal && stripMethod(received.contentType)) {
      ({ file: stored, removed } = await stripSealedFile(dir, received.id, received.file, received.contentType));
    }
    // A re-encoded file can come out larger than it went in; the case's budget still holds.
    if (stored.bytes > remaining) throw new AttachmentTooLarge({ bytes: remaining, reason: 'case' }, maxCaseBytes);
  } catch (error) {
    await removeSealedFile(dir, received.file.name);
    if (stored !== received.file) await removeSealedFile(dir, stored.name);
    throw error;
  }
  return {
    id: received.id,
    caseId: received.caseId,
    filename: received.filename,
    filenameSealed: sealAttachmentName(caseKey, received.caseId, received.id, received.filename),
    contentType: received.contentType,
    sizeBytes: stored.bytes,
    receivedBytes: received.file.bytes,
    sha256Received: received.file.sha256,
    sha256Stored: stored.sha256,
    removedMetadata: removed,
    originalKept: stored === received.file,
    wrappedFileKey: wrapFileKey(stored.fileKey, caseKey, received.caseId, received.id),
    storageName: stored.name,
  };
}

/**
 * Streams one upload to disk, sealed; enforces the per-file limit and the remaining per-case
 * budget (AttachmentTooLarge, 413, with nothing of the file left on disk); then, unless
 * `keepOriginal`, strips its metadata in a second pass. `declaredType` is not trusted: the type is
 * recognised from the bytes.
 */
export async function receiveAttachment(
  ctx: AppContext,
  input: { caseId: string; caseKey: CaseKey; filename: string; declaredType: string; stream: Readable; keepOriginal: boolean; remainingCaseBytes: number },
): Promise<PreparedAttachment> {
  const received = await receiveRaw(ctx, input.caseId, input.filename, input.stream, input.remainingCaseBytes);
  return prepare(ctx, received, input.caseKey, input.keepOriginal, input.remainingCaseBytes);
}

/**
 * Writes the rows and one audit entry per file, inside the caller's transaction. Checks the case's
 * budget once more (two uploads may have raced) and throws AttachmentTooLarge if it is exceeded;
 * the caller then discards the prepared files.
 */
export async function recordAttachments(
  tx: Tx,
  ctx: AppContext,
  input: { caseId: string; uploadedBy: { type: 'reporter' } | { type: 'handler'; userId: string }; attachments: PreparedAttachment[]; messageId?: string | null },
): Promise<void> {
  const { caseId, uploadedBy, attachments } = input;
  if (attachments.length === 0) return;
  if (attachments.some((attachment) => attachment.caseId !== caseId)) throw new Error('an attachment was prepared for another case');
  const { maxFileBytes, maxCaseBytes } = ctx.config.attachments;
  const used = await sumAttachmentBytes(tx, caseId);
  const adding = attachments.reduce((total, attachment) => total + attachment.sizeBytes, 0);
  if (used + adding > maxCaseBytes) {
    throw new AttachmentTooLarge(uploadLimit(maxFileBytes, remainingCaseBytes(maxCaseBytes, used)), maxCaseBytes);
  }
  const now = ctx.clock.now();
  const at = now.toISOString();
  await insertAttachments(
    tx,
    attachments.map((attachment) => ({
      id: attachment.id,
      case_id: caseId,
      message_id: input.messageId ?? null,
      uploaded_by: uploadedBy.type,
      uploaded_by_user_id: uploadedBy.type === 'handler' ? uploadedBy.userId : null,
      filename_sealed: attachment.filenameSealed,
      content_type: attachment.contentType,
      size_bytes: attachment.sizeBytes,
      received_bytes: attachment.receivedBytes,
      sha256_received: attachment.sha256Received,
      sha256_stored: attachment.sha256Stored,
      metadata_removed: JSON.stringify(attachment.removedMetadata),
      original_kept: attachment.originalKept ? 1 : 0,
      wrapped_file_key: attachment.wrappedFileKey,
      storage_name: attachment.storageName,
      created_at: at,
    })),
  );
  const actor: AuditActor = uploadedBy.type === 'reporter' ? { type: 'reporter', caseId } : { type: 'staff', id: uploadedBy.userId };
  for (const attachment of attachments) {
    // Hashes and sizes only: the file name is content.
    await recordAudit(tx, ctx.dialect, now, {
      actor,
      action: 'attachment.create',
      caseId,
      targetId: attachment.id,
      details: {
        sizeBytes: attachment.sizeBytes,
        receivedBytes: attachment.receivedBytes,
        sha256Received: attachment.sha256Received,
        sha256Stored: attachment.sha256Stored,
        originalKept: attachment.originalKept,
      },
    });
  }
}

/** Removes prepared files that will not be recorded (e.g. the rest of the form was invalid). */
export async function discardAttachments(ctx: AppContext, attachments: PreparedAttachment[]): Promise<void> {
  await Promise.all(attachments.map((attachment) => removeSealedFile(ctx.config.attachments.dir, attachment.storageName)));
}

/** How many bytes a case already holds (for the per-case budget). */
export async function caseAttachmentBytes(db: Queryable, caseId: string): Promise<number> {
  return sumAttachmentBytes(db, caseId);
}

/** For display: the case's attachments with file names opened. */
export async function listCaseAttachments(db: Queryable, caseId: string, caseKey: CaseKey): Promise<AttachmentSummary[]> {
  const rows = await listAttachments(db, caseId);
  return rows.map((row) => ({
    id: row.id,
    filename: openAttachmentName(caseKey, caseId, row.id, row.filename_sealed),
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256_stored,
    metadataRemoved: JSON.parse(row.metadata_removed) as string[],
    originalKept: row.original_kept === 1,
    uploadedBy: row.uploaded_by,
    at: row.created_at,
  }));
}

/** Drains the rest of a form after a failure, so the client's request is read to its end and gets the answer. */
async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // discard
  }
}

/**
 * Takes the files of an upload form: each is received as it arrives, then (once the whole form
 * has been read, so that keepOriginal may come before or after the files) stripped, then recorded
 * with its audit entries in one transaction. On any failure nothing is recorded and no file is left.
 */
async function takeUpload(
  ctx: AppContext,
  target: { caseId: string; caseKey: CaseKey; uploadedBy: { type: 'reporter' } | { type: 'handler'; userId: string } },
  parts: AsyncIterable<UploadPart>,
  afterRecord: (tx: Tx) => Promise<void>,
): Promise<{ attachments: UploadedAttachment[] }> {
  const { caseId, caseKey } = target;
  const { maxCaseBytes, dir } = ctx.config.attachments;
  const budget = remainingCaseBytes(maxCaseBytes, await caseAttachmentBytes(ctx.db, caseId));
  const received: ReceivedFile[] = [];
  const prepared: PreparedAttachment[] = [];
  let keepOriginal = false;
  let failure: unknown = null;
  const usedBy = (files: { file: StoredFile }[]) => files.reduce((total, entry) => total + entry.file.bytes, 0);
  try {
    for await (const part of parts) {
      if (failure !== null) {
        if (part.kind === 'file') await drain(part.stream);
        continue;
      }
      try {
        if (part.kind === 'field') {
          if (part.name !== 'keepOriginal') throw new ValidationFailed({ [part.name]: ['is not a known field'] });
          keepOriginal = parseKeepOriginal(part.value);
        } else if (part.filename === '') {
          await drain(part.stream); // a file input left empty
        } else if (received.length >= MAX_FILES_PER_UPLOAD) {
          await drain(part.stream);
          throw new ValidationFailed({ files: [`at most ${MAX_FILES_PER_UPLOAD} files at a time`] });
        } else {
          received.push(await receiveRaw(ctx, caseId, part.filename, part.stream, budget - usedBy(received)));
        }
      } catch (error) {
        failure = error;
      }
    }
    if (failure !== null) throw failure;
    if (received.length === 0) throw new ValidationFailed({ files: ['attach at least one file'] });
    let stored = 0;
    while (received.length > 0) {
      const next = received[0]!;
      const attachment = await prepare(ctx, next, caseKey, keepOriginal, budget - stored - usedBy(received.slice(1)));
      received.shift();
      prepared.push(attachment);
      stored += attachment.sizeBytes;
    }
    await inTransaction(ctx, async (tx) => {
      await recordAttachments(tx, ctx, { caseId, uploadedBy: target.uploadedBy, attachments: prepared });
      await afterRecord(tx);
    });
  } catch (error) {
    await Promise.all(received.map((entry) => removeSealedFile(dir, entry.file.name)));
    await discardAttachments(ctx, prepared);
    throw error;
  }
  return {
    attachments: prepared.map((attachment) => ({
      id: attachment.id,
      filename: attachment.filename,
      sizeBytes: attachment.sizeBytes,
      sha256: attachment.sha256Stored,
      metadataRemoved: attachment.removedMetadata,
    })),
  };
}

/** A reporter adds evidence to their own case. */
export async function uploadReporterAttachments(ctx: AppContext, principal: ReporterPrincipal, parts: AsyncIterable<UploadPart>) {
  const at = ctx.clock.now().toISOString();
  return takeUpload(ctx, { caseId: principal.caseId, caseKey: principal.caseKey, uploadedBy: { type: 'reporter' } }, parts, (tx) =>
    touchCase(tx, principal.caseId, at),
  );
}

/** A handler with an active grant adds a file to a case; anyone else gets case_not_found before the body is read. */
export async function uploadHandlerAttachments(ctx: AppContext, principal: StaffPrincipal, caseId: string, parts: AsyncIterable<UploadPart>) {
  const row = await findReadableCase(ctx.db, caseId, principal.userId);
  if (!row) throw new CaseNotFound();
  const caseKey = unwrapCaseKeyForUser(row.wrapped_key, principal.privateKey, caseId);
  const at = ctx.clock.now().toISOString();
  return takeUpload(ctx, { caseId, caseKey, uploadedBy: { type: 'handler', userId: principal.userId } }, parts, async (tx) => {
    // The grant may have gone while the files arrived.
    if (!(await findReadableCase(tx, caseId, principal.userId))) throw new CaseNotFound();
    await touchCase(tx, caseId, at);
  });
}

export interface OpenedAttachment {
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** The plaintext; errors with DecryptionFailed (never ends early and quietly) if the stored file was changed. */
  stream: Readable;
}

/**
 * Opens one attachment for a person holding an active key for its case. The read is audited in a
 * transaction before any byte is sent; for anyone else the case does not exist.
 */
export async function openAttachmentForStaff(ctx: AppContext, principal: StaffPrincipal, caseId: string, attachmentId: string): Promise<OpenedAttachment> {
  const loaded = await inTransaction(ctx, async (tx) => {
    const row = await findReadableCase(tx, caseId, principal.userId);
    if (!row) return null;
    const attachment = await findAttachment(tx, caseId, attachmentId);
    if (!attachment) throw new AttachmentNotFound();
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), {
      actor: { type: 'staff', id: principal.userId },
      action: 'attachment.read',
      caseId,
      targetId: attachmentId,
      details: { sha256: attachment.sha256_stored },
    });
    return { wrappedKey: row.wrapped_key, attachment };
  });
  if (!loaded) throw new CaseNotFound();
  const { attachment } = loaded;
  const caseKey = unwrapCaseKeyForUser(loaded.wrappedKey, principal.privateKey, caseId);
  const fileKey = unwrapFileKey(attachment.wrapped_file_key, caseKey, caseId, attachmentId);
  return {
    filename: openAttachmentName(caseKey, caseId, attachmentId, attachment.filename_sealed),
    contentType: attachment.content_type,
    sizeBytes: Number(attachment.size_bytes),
    sha256: attachment.sha256_stored,
    stream: await openSealedFile(ctx.config.attachments.dir, attachment.storage_name, fileKey, attachmentId),
  };
}
