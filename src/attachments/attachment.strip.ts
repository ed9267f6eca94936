/**
 * Removing hidden metadata from evidence files: EXIF, GPS, XMP, IPTC and text comments from images
 * (re-encoded by sharp with nothing carried over, after applying the EXIF orientation), and the
 * document information, XMP streams, document ID and orphaned old revisions from PDFs (pdf-lib).
 * Buffer in, buffer out: the caller decides where the bytes come from and go to.
 */
import exifr from 'exifr';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFStream, PDFString, type PDFObject } from 'pdf-lib';
import sharp, { type Metadata } from 'sharp';
import { AttachmentNotProcessable, isLosslessWebp, stripMethod, type AttachmentType } from './attachment.rules.js';

export interface StripResult {
  data: Buffer;
  /** What was present and removed, in words a reporter understands; empty when there was nothing. */
  removed: string[];
}

/** Strips what Candor knows how to strip; other types are returned unchanged. */
export async function stripMetadata(data: Buffer, type: AttachmentType): Promise<StripResult> {
  const method = stripMethod(type);
  if (method === 'image') return stripImage(data, type);
  if (method === 'pdf') return stripPdf(data);
  return { data, removed: [] };
}

// ---------------------------------------------------------------------------------------------
// Images

const has = (record: Record<string, unknown> | undefined, keys: string[]) =>
  record !== undefined && keys.some((key) => record[key] !== undefined && record[key] !== null && record[key] !== '');

/** Names what an image's EXIF block holds, beyond "EXIF" itself. */
async function describeExif(exif: Buffer): Promise<string[]> {
  // sharp hands the EXIF block over as it sits in the file: "Exif\0\0" then a TIFF structure.
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  let parsed: Record<string, Record<string, unknown> | undefined> | undefined;
  try {
    parsed = await exifr.parse(tiff, {
      tiff: true,
      ifd0: {},
      exif: true,
      gps: true,
      ifd1: true,
      interop: false,
      xmp: false,
      iptc: false,
      icc: false,
      jfif: false,
      ihdr: false,
      mergeOutput: false,
      translateKeys: true,
      translateValues: false,
      reviveValues: false,
      sanitize: false,
    });
  } catch {
    return [];
  }
  if (!parsed) return [];
  const all = { ...parsed.ifd0, ...parsed.exif };
  const found: string[] = [];
  if (parsed.gps && Object.keys(parsed.gps).length > 0) found.push('GPS location');
  if (has(all, ['Make', 'Model', 'LensMake', 'LensModel'])) found.push('camera model');
  if (has(all, ['BodySerialNumber', 'SerialNumber', 'LensSerialNumber', 'InternalSerialNumber'])) found.push('camera serial number');
  if (has(all, ['DateTimeOriginal', 'CreateDate', 'DateTimeDigitized', 'DateTime', 'ModifyDate'])) found.push('date and time');
  if (has(all, ['Artist', 'Copyright', 'XPAuthor', 'OwnerName', 'CameraOwnerName'])) found.push('author or owner');
  if (has(all, ['Software', 'HostComputer'])) found.push('software');
  if (has(all, ['ImageDescription', 'UserComment', 'XPComment', 'XPTitle', 'XPSubject', 'XPKeywords'])) found.push('description or comment');
  if (parsed.ifd1 && Object.keys(parsed.ifd1).length > 0) found.push('embedded thumbnail');
  return found;
}

async function describeImage(meta: Metadata): Promise<string[]> {
  const removed: string[] = [];
  if (meta.exif && meta.exif.length > 0) removed.push('EXIF', ...(await describeExif(meta.exif)));
  if (meta.xmp && meta.xmp.length > 0) {
    removed.push('XMP');
    if (/GPS(Latitude|Longitude)/.test(meta.xmpAsString ?? meta.xmp.toString('latin1')) && !removed.includes('GPS location')) removed.push('GPS location');
  }
  if (meta.iptc && meta.iptc.length > 0) removed.push('IPTC');
  if (meta.comments && meta.comments.length > 0) removed.push('text comments');
  if (meta.icc && meta.icc.length > 0) removed.push('colour profile');
  return removed;
}

async function stripImage(input: Buffer, type: AttachmentType): Promise<StripResult> {
  let meta: Metadata;
  try {
    meta = await sharp(input).metadata();
  } catch {
    throw new AttachmentNotProcessable();
  }
  const removed = await describeImage(meta);
  const animated = (meta.pages ?? 1) > 1;
  try {
    // Without keepMetadata()/withMetadata() sharp writes no EXIF, XMP, IPTC or ICC profile at all.
    let image = sharp(input, { animated, failOn: 'error' });
    if (!animated) image = image.rotate(); // bake the EXIF orientation into the pixels before it goes
    if (type === 'image/jpeg') {
      image = image.jpeg({ quality: 95, chromaSubsampling: meta.chromaSubsampling === '4:4:4' ? '4:4:4' : '4:2:0' });
    } else if (type === 'image/png') {
      image = image.png();
    } else {
      image = image.webp(isLosslessWebp(input) ? { lossless: true } : { quality: 95 });
    }
    return { data: await image.toBuffer(), removed };
  } catch {
    throw new AttachmentNotProcessable();
  }
}

// ---------------------------------------------------------------------------------------------
// PDFs

const INFO_LABELS: Record<string, string> = {
  Title: 'title',
  Author: 'author',
  Subject: 'subject',
  Keywords: 'keywords',
  Creator: 'creator',
  Producer: 'producer',
  CreationDate: 'creation date',
  ModDate: 'modification date',
};

function infoValuePresent(value: PDFObject | undefined): boolean {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.decodeText().trim() !== '';
  return value !== undefined;
}

async function stripPdf(input: Buffer): Promise<StripResult> {
  let document: PDFDocument;
  let pages: number;
  try {
    // updateMetadata: false, or pdf-lib would write its own producer and dates into the file.
    // Strict parsing: a file pdf-lib only half understands is refused, not quietly damaged.
    document = await PDFDocument.load(input, { updateMetadata: false, throwOnInvalidObject: true });
    pages = document.getPageCount();
  } catch {
    throw new AttachmentNotProcessable();
  }
  if (pages === 0) throw new AttachmentNotProcessable();
  const context = document.context;
  const found = new Set<string>();

  const info = context.lookup(context.trailerInfo.Info);
  if (info instanceof PDFDict) {
    for (const [key, value] of info.entries()) {
      if (!infoValuePresent(context.lookup(value) ?? value)) continue;
      const name = key.decodeText();
      if (name === 'Trapped') continue; // a printing flag, not about anyone
      found.add(INFO_LABELS[name] ?? 'other document properties');
    }
  }
  context.trailerInfo.Info = undefined;
  if (context.trailerInfo.ID !== undefined) {
    found.add('document ID');
    context.trailerInfo.ID = undefined;
  }

  // Walk everything reachable from the catalogue, dropping XMP streams on the way; then delete
  // every object the walk did not reach, which removes earlier revisions' document information
  // kept in the file by incremental saves.
  const metadataKey = PDFName.of('Metadata');
  const reached = new Set<string>();
  const stack: PDFObject[] = context.trailerInfo.Root ? [context.trailerInfo.Root] : [];
  while (stack.length > 0) {
    const object = stack.pop()!;
    if (object instanceof PDFRef) {
      if (reached.has(object.tag)) continue;
      reached.add(object.tag);
      const target = context.lookup(object);
      if (target) stack.push(target);
    } else if (object instanceof PDFDict) {
      if (object.has(metadataKey)) {
        found.add('XMP metadata');
        object.delete(metadataKey);
      }
      for (const [, value] of object.entries()) stack.push(value);
    } else if (object instanceof PDFArray) {
      stack.push(...object.asArray());
    } else if (object instanceof PDFStream) {
      stack.push(object.dict);
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!reached.has(ref.tag)) context.delete(ref);
  }

  try {
    const saved = await document.save({ addDefaultPage: false, updateFieldAppearances: false });
    // Evidence must survive the pass whole: the result has to open, with every page.
    if ((await PDFDocument.load(saved, { updateMetadata: false })).getPageCount() !== pages) throw new AttachmentNotProcessable();
    const order = ['title', 'author', 'subject', 'keywords', 'creator', 'producer', 'creation date', 'modification date', 'other document properties', 'XMP metadata', 'document ID'];
    return { data: Buffer.from(saved), removed: order.filter((label) => found.has(label)) };
  } catch {
    throw new AttachmentNotProcessable();
  }
}
