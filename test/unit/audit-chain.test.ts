import { describe, expect, test } from 'vitest';
import { decodeCopyRows } from '../../src/audit/audit-chain.reader.js';
import { canonicalAuditEntry, ChainVerifier, GENESIS_HASH, hashAuditEntry, type AuditFields, type AuditRow, type ChainBreak, type ChainedAuditEntry } from '../../src/audit/audit.chain.js';

/** A chain of `length` entries, each hashed onto the one before it, as recordAudit writes them. */
function buildChain(length: number): ChainedAuditEntry[] {
  const chain: ChainedAuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const fields: AuditFields = {
      seq,
      at: new Date(Date.UTC(2026, 0, 5, 9, seq)).toISOString(),
      actorType: seq % 2 ? 'staff' : 'reporter',
      actorId: seq % 2 ? `user-${seq}` : null,
      action: seq % 2 ? 'case.read' : 'message.send',
      caseId: `case-${seq % 3}`,
      targetId: null,
      details: JSON.stringify({ n: seq }),
    };
    const hash = hashAuditEntry(fields, prevHash);
    chain.push({ ...fields, prevHash, hash });
    prevHash = hash;
  }
  return chain;
}

/** Walks the entries in the order given; answers the first break, or null and the verifier. */
function verify(entries: ChainedAuditEntry[]): { break: ChainBreak | null; verifier: ChainVerifier } {
  const verifier = new ChainVerifier();
  for (const entry of entries) {
    const broken = verifier.check(entry);
    if (broken) return { break: broken, verifier };
  }
  return { break: null, verifier };
}

describe('hashAuditEntry', () => {
  test('is a SHA-256 hex digest that depends on every field and on the previous hash', () => {
    const [entry] = buildChain(1);
    const { prevHash, hash, ...fields } = entry!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditEntry(fields, prevHash)).toBe(hash);

    const variants: AuditFields[] = [
      { ...fields, seq: 2 },
      { ...fields, at: '2026-01-05T09:01:00.001Z' },
      { ...fields, actorType: 'system' },
      { ...fields, actorId: null },
      { ...fields, action: 'case.export' },
      { ...fields, caseId: null },
      { ...fields, targetId: 'user-9' },
      { ...fields, details: '{"n":2}' },
    ];
    for (const variant of variants) expect(hashAuditEntry(variant, prevHash), JSON.stringify(variant)).not.toBe(hash);
    expect(hashAuditEntry(fields, 'f'.repeat(64))).not.toBe(hash);
  });

  test('null and the text "null" hash differently (no field can pass for another)', () => {
    const [entry] = buildChain(1);
    const { prevHash, hash: _hash, ...fields } = entry!;
    expect(hashAuditEntry({ ...fields, targetId: null }, prevHash)).not.toBe(hashAuditEntry({ ...fields, targetId: 'null' }, prevHash));
  });
});

describe('ChainVerifier', () => {
  test('accepts a whole chain and reports its length and head hash', () => {
    const chain = buildChain(6);
    const { break: broken, verifier } = verify(chain);
    expect(broken).toBeNull();
    expect(verifier.count).toBe(6);
    expect(verifier.headHash).toBe(chain[5]!.hash);
  });

  test('an empty chain is whole, with the genesis hash as its head', () => {
    const verifier = new ChainVerifier();
    expect(verifier.count).toBe(0);
    expect(verifier.headHash).toBe(GENESIS_HASH);
  });

  test('a field changed after writing: hash_mismatch at that entry', () => {
    const chain = buildChain(6);
    chain[3] = { ...chain[3]!, details: JSON.stringify({ n: 999 }) };
    const { break: broken, verifier } = verify(chain);
    expect(broken).toMatchObject({ seq: 4, reason: 'hash_mismatch' });
    expect(broken!.message).toContain('#4');
    expect(verifier.count).toBe(3);
  });

  test('a field changed and its hash recomputed: the next entry no longer follows it', () => {
    const chain = buildChain(6);
    const { prevHash, hash: _hash, ...fields } = { ...chain[2]!, action: 'case.nothing_to_see' };
    chain[2] = { ...fields, prevHash, hash: hashAuditEntry(fields, prevHash) };
    expect(verify(chain).break).toMatchObject({ seq: 4, reason: 'previous_hash_mismatch' });
  });

  test('two entries swapped, their seq numbers swapped with them to keep the order: previous_hash_mismatch at the first', () => {
    const chain = buildChain(6);
    const second = chain[1]!;
    const third = chain[2]!;
    chain[1] = { ...third, seq: 2 };
    chain[2] = { ...second, seq: 3 };
    const { break: broken } = verify(chain);
    expect(broken).toMatchObject({ seq: 2, reason: 'previous_hash_mismatch' });
    expect(broken!.message).toContain('#2');
  });

  test('two entries swapped in place, keeping their own seq numbers: sequence_gap at the first', () => {
    const chain = buildChain(6);
    [chain[1], chain[2]] = [chain[2]!, chain[1]!];
    expect(verify(chain).break).toMatchObject({ seq: 3, reason: 'sequence_gap' });
  });

  test('an entry deleted in the middle: sequence_gap at the entry after the hole', () => {
    const chain = buildChain(6);
    chain.splice(2, 1); // remove #3
    const { break: broken, verifier } = verify(chain);
    expect(broken).toMatchObject({ seq: 4, reason: 'sequence_gap' });
    expect(broken!.message).toContain('expected entry #3 but found #4');
    expect(verifier.count).toBe(2);
  });

  test('an entry deleted and the later ones renumbered: previous_hash_mismatch where the hole was', () => {
    const chain = buildChain(6);
    chain.splice(2, 1);
    const renumbered = chain.map((entry, index) => ({ ...entry, seq: index + 1 }));
    expect(verify(renumbered).break).toMatchObject({ seq: 3, reason: 'previous_hash_mismatch' });
  });

  test('the first entry replaced by one that does not start from genesis: previous_hash_mismatch at #1', () => {
    const chain = buildChain(3);
    chain[0] = { ...chain[0]!, prevHash: 'a'.repeat(64) };
    expect(verify(chain).break).toMatchObject({ seq: 1, reason: 'previous_hash_mismatch' });
  });

  test('a chain that does not start at #1 is a sequence_gap', () => {
    expect(verify(buildChain(4).slice(1)).break).toMatchObject({ seq: 2, reason: 'sequence_gap' });
  });
});

describe('ChainVerifier.checkPage (the fast check of database-built lines)', () => {
  const line = (entry: ChainedAuditEntry, canonical = canonicalAuditEntry(entry, entry.prevHash)) => entry.hash + canonical;
  const page = (lines: string[], lastSeq: number) => ({ text: lines.join('\n'), count: lines.length, lastSeq });

  test('passes a whole page and advances over it', () => {
    const chain = buildChain(5);
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page(chain.map((entry) => line(entry)), 5))).toBe(5);
    expect(verifier.count).toBe(5);
    expect(verifier.headHash).toBe(chain[4]!.hash);
  });

  test('stops at a line written another way, without advancing, so checkRow can give the verdict', () => {
    const chain = buildChain(4);
    chain[2] = { ...chain[2]!, details: JSON.stringify({ name: 'é' }) };
    const { prevHash, hash: _hash, ...fields } = chain[2]!;
    chain[2] = { ...fields, prevHash, hash: hashAuditEntry(fields, prevHash) };
    chain[3] = { ...chain[3]!, prevHash: chain[2]!.hash, hash: hashAuditEntry(chain[3]!, chain[2]!.hash) };
    // A database that escapes é as \u00e9 writes valid JSON, but not the text that was hashed.
    const written = chain.map((entry, index) => (index === 2 ? line(entry, canonicalAuditEntry(entry, entry.prevHash).replace('é', '\\u00e9')) : line(entry)));
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page(written, 4))).toBe(2);
    expect(verifier.count).toBe(2);
    const rest = chain.slice(2).map((entry): AuditRow => [entry.seq, entry.at, entry.actorType, entry.actorId, entry.action, entry.caseId, entry.targetId, entry.details, entry.prevHash, entry.hash]);
    for (const row of rest) expect(verifier.checkRow(row)).toBeNull();
    expect(verifier.headHash).toBe(chain[3]!.hash);
  });

  test('an open start takes the first entry it sees, and reports it for joining', () => {
    const chain = buildChain(6);
    const verifier = new ChainVerifier({ openStart: true });
    expect(verifier.checkPage(page(chain.slice(3).map((entry) => line(entry)), 6))).toBe(3);
    expect(verifier.first).toEqual({ seq: 4, prevHash: chain[2]!.hash });
  });

  test('a line whose sequence number is not the next one does not pass', () => {
    const chain = buildChain(3);
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page([line(chain[0]!), line(chain[2]!)], 3))).toBe(1);
  });
});

describe('decodeCopyRows (PostgreSQL COPY text)', () => {
  test('reads NULL, escapes and tabs inside values exactly', () => {
    const rows: AuditRow[] = [];
    decodeCopyRows(['7\t2026-01-01T00:00:00.000Z\tstaff\t\\N\tcase.read\tc-1\t\\N\t{}\tp\th', '8\tat\tsystem\ta\\\\b\tx\\ty\t\\\\N\tline\\nbreak\t{"q":"\\\\\\""}\tp\th', ''].join('\n'), rows);
    expect(rows).toEqual([
      [7, '2026-01-01T00:00:00.000Z', 'staff', null, 'case.read', 'c-1', null, '{}', 'p', 'h'],
      [8, 'at', 'system', 'a\\b', 'x\ty', '\\N', 'line\nbreak', '{"q":"\\""}', 'p', 'h'],
    ]);
  });
});
