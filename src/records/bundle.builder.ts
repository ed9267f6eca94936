/**
 * A referral bundle: a ZIP a lawyer, regulator or the police can check without Candor.
 *
 *   README.txt           how to check the bundle
 *   report.json          the report exactly as received (its SHA-256 is in the audit entry of its receipt)
 *   answers.json         the questionnaire answers with their questions
 *   reporter.json        the reporter's identity (confidential and named reports only)
 *   messages.json        every message: who, when, its SHA-256 and its file
 *   messages/NNNN.txt    each message exactly as received (SHA-256 as in the audit chain)
 *   attachments/...      each file as stored (the original when it was kept; else with metadata removed)
 *   timeline.pdf         the case timeline
 *   audit.jsonl          the audit entries of the case, with their chain hashes, and the chain's head
 *   manifest.json        every file's path, size and SHA-256, the case, the export and the signing key
 *   manifest.sig         Ed25519 signature of manifest.json (base64)
 */
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { evidenceSha256, signDetached } from '../kernel/crypto.js';
import type { PlatformSigningKey } from './signing-key.js';

export const BUNDLE_FORMAT = 'candor-referral-bundle-v1';

export interface BundleFile {
  path: string;
  bytes: number;
  sha256: string;
  /** Small files are held in memory; attachments are streamed when the ZIP reaches them. */
  content: Buffer | (() => Promise<Readable>);
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  generatedAt: string;
  export: { id: string; purpose: string; requestedBy: string; approvedBy: string | null };
  case: { id: string; ref: string; channel: string; category: string; anonymity: string; status: string; receivedAt: string; closedAt: string | null };
  auditHead: { seq: number; hash: string; at: string } | null;
  files: { path: string; bytes: number; sha256: string }[];
  signing: { algorithm: 'Ed25519'; publicKey: string; fingerprint: string };
}

export function fileFromText(path: string, text: string | Buffer): BundleFile {
  const content = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return { path, bytes: content.length, sha256: evidenceSha256(content), content };
}

export const BUNDLE_README = `Candor referral bundle

This ZIP was exported from Candor. manifest.json lists every other file with its size and SHA-256,
and manifest.sig is the Ed25519 signature of manifest.json by the installation's signing key, whose
public key and fingerprint are in manifest.json.

To check it with Candor:   candor bundle verify THIS-FILE.zip --fingerprint FINGERPRINT
Without Candor: compute the SHA-256 of each file and compare with manifest.json, and check
manifest.sig (base64) against manifest.json with the Ed25519 public key (base64, 32 bytes). Compare
the fingerprint with the one the installation published (candor bundle key), not with the one in
the bundle alone.

The SHA-256 of report.json and of each message and attachment is also in the audit entry that
recorded its receipt (audit.jsonl), and those entries are hash-chained.
`;

/** The manifest as signed: canonical JSON text, and its signature. */
export function signManifest(manifest: BundleManifest, key: PlatformSigningKey): { text: Buffer; signature: string } {
  const text = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  return { text, signature: signDetached(key.key, text).toString('base64') + '\n' };
}

/** Writes the ZIP as a stream: small files first, attachments as they are opened, manifest and signature last. */
export function zipBundle(files: readonly BundleFile[], manifest: { text: Buffer; signature: string }, mtime: Date): Readable {
  const zip = new yazl.ZipFile();
  (async () => {
    for (const file of files) {
      if (Buffer.isBuffer(file.content)) zip.addBuffer(file.content, file.path, { mtime, mode: 0o100644 });
      else zip.addReadStream(await file.content(), file.path, { mtime, mode: 0o100644, size: file.bytes });
    }
    zip.addBuffer(manifest.text, 'manifest.json', { mtime, mode: 0o100644 });
    zip.addBuffer(Buffer.from(manifest.signature, 'utf8'), 'manifest.sig', { mtime, mode: 0o100644 });
    zip.end();
  })().catch((error: unknown) => (zip.outputStream as unknown as Readable).destroy(error as Error));
  return zip.outputStream as unknown as Readable;
}
