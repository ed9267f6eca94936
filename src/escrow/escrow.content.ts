/** What is sealed inside an escrow entry, and sealing/opening it with the entry key. */
import { openEntryContent, sealEntryContent, type EntryKey, type Sealed } from '../kernel/crypto.js';
import type { IdentifierKind } from './identifier.rules.js';

export interface EntryContent {
  /** The reporter's account, in their words. */
  account: string;
  /** The identifiers as the reporter typed them (the canonical forms are never stored). */
  identifiers: { kind: IdentifierKind; value: string }[];
  /** Where to send a content-free notice of a match; null when none was left. */
  contactEmail: string | null;
}

export function sealEntry(key: EntryKey, entryId: string, content: EntryContent): Sealed {
  return sealEntryContent(key, entryId, 'entry', JSON.stringify(content));
}

export function openEntry(key: EntryKey, entryId: string, sealed: Uint8Array): EntryContent {
  return JSON.parse(openEntryContent(key, entryId, 'entry', sealed)) as EntryContent;
}

/** The receipt of a report a counselor opened from the entry, for the reporter's next visit. */
export function sealCaseReceipt(key: EntryKey, entryId: string, receipt: string): Sealed {
  return sealEntryContent(key, entryId, 'case-receipt', receipt);
}

export function openCaseReceipt(key: EntryKey, entryId: string, sealed: Uint8Array): string {
  return openEntryContent(key, entryId, 'case-receipt', sealed);
}
