/** Pure rules for evidence attachments: what a file is, what may be stripped, and the limits. */
import { DomainError, NotFound, ValidationFailed } from '../kernel/errors.js';

/** The coarse types Candor records. Anything it does not recognise is application/octet-stream. */
export type AttachmentType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf' | 'application/octet-stream';

/** How many leading bytes `detectContentType` needs to see. */
export const SNIFF_BYTES = 16;

/** Files in one upload request (the HTTP routes and the portal share it). */
export const MAX_FILES_PER_UPLOAD = 20;

/** File names are content: they are sealed, and kept to a sane length. */
export const FILENAME_MAX_CHARS = 200;

/** Recognises a file by its first bytes; the type a client declares is never trusted. */
export function detectContentType(head: Uint8Array): AttachmentType {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return 'application/octet-stream';
}

/** How metadata is removed from a type, if Candor knows how. */
export function stripMethod(type: AttachmentType): 'image' | 'pdf' | null {
  if (type === 'image/jpeg' || type === 'image/png' || type === 'image/webp') return 'image';
  if (type === 'application/pdf') return 'pdf';
  return null;
}

/** Whether a WebP file's (first) frame is coded losslessly, so that a re-encode can stay lossless. */
export function isLosslessWebp(data: Uint8Array): boolean {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const kind = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (kind === 'VP8L') return true;
    if (kind === 'VP8 ') return false;
    // An animation frame holds its image as a sub-chunk after 16 bytes of frame header.
    if (kind === 'ANMF' && offset + 28 <= bytes.length) return bytes.toString('latin1', offset + 24, offset + 28) === 'VP8L';
    offset += 8 + size + (size % 2);
  }
  return false;
}

export interface UploadLimit {
  bytes: number;
  /** Which limit binds: the per-file one, or what is left of the case's budget. */
  reason: 'file' | 'case';
}

/** The most one more file may hold, given the per-file limit and what the case has left. */
export function uploadLimit(maxFileBytes: number, remainingCaseBytes: number): UploadLimit {
  const remaining = Math.max(0, Math.floor(remainingCaseBytes));
  return remaining < maxFileBytes ? { bytes: remaining, reason: 'case' } : { bytes: maxFileBytes, reason: 'file' };
}

/** What is left of a case's budget. */
export function remainingCaseBytes(maxCaseBytes: number, usedBytes: number): number {
  return Math.max(0, maxCaseBytes - usedBytes);
}

/** "50 MB", "1.5 MB", "200 KB": for messages people read (1 MB = 1,048,576 bytes). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[unit]}`;
}

/**
 * A file name as given by a browser or client, made safe to keep and to show: no directories, no
 * control characters, at most FILENAME_MAX_CHARS characters; "attachment" when nothing is left.
 */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const visible = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const cut = [...visible].slice(0, FILENAME_MAX_CHARS).join('').trim();
  return cut === '' || cut === '.' || cut === '..' ? 'attachment' : cut;
}

/** A Content-Disposition value that downloads the file under its name, safely in any browser. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Reads the keepOriginal form field: true, on, 1 / false, off, 0 or empty. */
export function parseKeepOriginal(value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (['true', 'on', '1', 'yes'].includes(normalized)) return true;
  if (['false', 'off', '0', 'no', ''].includes(normalized)) return false;
  throw new ValidationFailed({ keepOriginal: ['must be true or false'] });
}

export class AttachmentTooLarge extends DomainError {
  constructor(limit: UploadLimit, maxCaseBytes: number) {
    super(
      'attachment_too_large',
      limit.reason === 'file'
        ? `A file can be at most ${formatBytes(limit.bytes)}. This one is larger, so it was not kept.`
        : `A report can hold at most ${formatBytes(maxCaseBytes)} of files, and this one would go past that, so it was not kept.`,
      413,
    );
  }
}

/** A file that claims a type Candor strips (by its bytes) but cannot be read as that type. */
export class AttachmentNotProcessable extends DomainError {
  constructor() {
    super(
      'attachment_unreadable',
      'This file could not be read to remove its hidden details (such as location), so it was not kept. ' +
        'Send it again with "keep the original" chosen to store it exactly as it is.',
      422,
    );
  }
}

export class AttachmentNotFound extends NotFound {
  constructor() {
    super('attachment_not_found', 'No such attachment.');
  }
}
