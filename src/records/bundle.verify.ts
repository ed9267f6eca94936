/**
 * Checks a referral bundle on any machine: the manifest's Ed25519 signature, every listed file's
 * size and SHA-256, and that the ZIP holds no file the manifest does not list. Reads the ZIP with
 * yauzl, entry by entry, hashing as it streams.
 */
import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import { signatureValid, signingKeyFingerprint } from '../kernel/crypto.js';
import { BUNDLE_FORMAT, type BundleManifest } from './bundle.builder.js';

export interface BundleProblem {
  path: string;
  problem: 'missing' | 'hash_mismatch' | 'size_mismatch' | 'unlisted' | 'bad_signature' | 'bad_manifest' | 'fingerprint_mismatch' | 'not_a_bundle';
}

export interface BundleCheck {
  ok: boolean;
  problems: BundleProblem[];
  manifest: BundleManifest | null;
  fingerprint: string | null;
  files: number;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => (error ? reject(error) : resolve(zip!))));
}

/** Walks every entry, handing each one's SHA-256, size and (for the manifest and its signature) bytes. */
async function readEntries(zip: yauzl.ZipFile): Promise<Map<string, { sha256: string; bytes: number; body?: Buffer }>> {
  const entries = new Map<string, { sha256: string; bytes: number; body?: Buffer }>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error ?? new Error('unreadable entry'));
        const hash = createHash('sha256');
        const keep = entry.fileName === 'manifest.json' || entry.fileName === 'manifest.sig';
        const parts: Buffer[] = [];
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
          if (keep) parts.push(chunk);
        });
        stream.on('error', reject);
        stream.on('end', () => {
          entries.set(entry.fileName, { sha256: hash.digest('hex'), bytes, ...(keep ? { body: Buffer.concat(parts) } : {}) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/** Checks a bundle file; with `expectedFingerprint`, also that it was signed by that installation's key. */
export async function verifyBundle(file: string, expectedFingerprint?: string): Promise<BundleCheck> {
  let entries: Map<string, { sha256: string; bytes: number; body?: Buffer }>;
  try {
    const zip = await openZip(file);
    try {
      entries = await readEntries(zip);
    } finally {
      zip.close();
    }
  } catch {
    return { ok: false, problems: [{ path: file, problem: 'not_a_bundle' }], manifest: null, fingerprint: null, files: 0 };
  }
  const manifestEntry = entries.get('manifest.json');
  const signatureEntry = entries.get('manifest.sig');
  if (!manifestEntry?.body || !signatureEntry?.body) {
    return { ok: false, problems: [{ path: 'manifest.json', problem: 'missing' }], manifest: null, fingerprint: null, files: 0 };
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(manifestEntry.body.toString('utf8')) as BundleManifest;
    if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.files) || typeof manifest.signing?.publicKey !== 'string') throw new Error('format');
  } catch {
    return { ok: false, problems: [{ path: 'manifest.json', problem: 'bad_manifest' }], manifest: null, fingerprint: null, files: 0 };
  }
  const problems: BundleProblem[] = [];
  const publicKey = Buffer.from(manifest.signing.publicKey, 'base64');
  const fingerprint = signingKeyFingerprint(publicKey);
  const signature = Buffer.from(signatureEntry.body.toString('utf8').trim(), 'base64');
  if (!signatureValid(publicKey, manifestEntry.body, signature)) problems.push({ path: 'manifest.sig', problem: 'bad_signature' });
  if (fingerprint !== manifest.signing.fingerprint) problems.push({ path: 'manifest.json', problem: 'bad_manifest' });
  if (expectedFingerprint && expectedFingerprint.toLowerCase().replace(/[^0-9a-f]/g, '') !== fingerprint.replace(/:/g, '')) {
    problems.push({ path: 'manifest.json', problem: 'fingerprint_mismatch' });
  }
  const listed = new Set<string>();
  for (const item of manifest.files) {
    listed.add(item.path);
    const found = entries.get(item.path);
    if (!found) problems.push({ path: item.path, problem: 'missing' });
    else if (found.sha256 !== item.sha256) problems.push({ path: item.path, problem: 'hash_mismatch' });
    else if (found.bytes !== item.bytes) problems.push({ path: item.path, problem: 'size_mismatch' });
  }
  for (const name of entries.keys()) {
    if (name !== 'manifest.json' && name !== 'manifest.sig' && !listed.has(name)) problems.push({ path: name, problem: 'unlisted' });
  }
  return { ok: problems.length === 0, problems, manifest, fingerprint, files: manifest.files.length };
}
