/**
 * SHA-256 digests, on their own so that a thread which only hashes (the audit verifier's workers)
 * does not load the key and password code of crypto.ts, which re-exports them.
 */
import { hash } from 'node:crypto';

export function sha256Hex(text: string | Uint8Array): string {
  // The one-shot digest: several times faster per short message than a Hash object (audit verify hashes millions).
  return hash('sha256', text, 'hex');
}
