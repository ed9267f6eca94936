import { describe, expect, test } from 'vitest';
import { sha256Hex } from '../../src/kernel/digest.js';
import { canonicalAuditEntry, ChainVerifier, csvLineSeq, GENESIS_HASH, hashAuditEntry, type AuditFields, type AuditRow, type ChainBreak, type ChainedAuditEntry, type LinesPage } from '../../src/audit/audit.chain.js';

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
  const canonical = (entry: ChainedAuditEntry) => canonicalAuditEntry(entry, entry.prevHash);
  /** SQLite's line: the stored hash, then the canonical form. */
  const joined = (entry: ChainedAuditEntry, form = canonical(entry)) => entry.hash + form;
  /** PostgreSQL's CSV line: the quoted hash, then the canonical form without its tag and brackets (what its CSV writer gives for text without control characters). */
  const csv = (entry: ChainedAuditEntry, form = canonical(entry)) => `"${entry.hash}",${form.slice('["candor-audit-v1",'.length, -1)}`;
  /** A page of lines: joined by line breaks, or in the CSV form each ending in one. */
  const page = (lines: string[], form: LinesPage['form'] = 'joined'): LinesPage => ({ data: Buffer.from(form === 'csv' ? lines.map((line) => `${line}\n`).join('') : lines.join('\n')), count: lines.length, lastSeq: lines.length, form });
  const row = (entry: ChainedAuditEntry): AuditRow => [entry.seq, entry.at, entry.actorType, entry.actorId, entry.action, entry.caseId, entry.targetId, entry.details, entry.prevHash, entry.hash];

  /** The chain's last entry given new details and hashed again, as one who rewrote it would (it has no entry after it to keep in step). */
  function rewriteLast(chain: ChainedAuditEntry[], details: string, hashOver: (form: string) => string): ChainedAuditEntry[] {
    const last = { ...chain[chain.length - 1]!, details };
    return [...chain.slice(0, -1), { ...last, hash: sha256Hex(hashOver(canonicalAuditEntry(last, last.prevHash))) }];
  }

  test.each(['joined', 'csv'] as const)('passes a whole %s page and advances over it', (form) => {
    const chain = buildChain(5);
    chain[2] = { ...chain[2]!, details: JSON.stringify({ quote: '"', backslash: '\\', text: 'é 中文 😀 \u2028' }) };
    const rehashed = chain.reduce<ChainedAuditEntry[]>((done, entry) => {
      const prevHash = done.at(-1)?.hash ?? GENESIS_HASH;
      return [...done, { ...entry, prevHash, hash: hashAuditEntry(entry, prevHash) }];
    }, []);
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page(rehashed.map((entry) => (form === 'csv' ? csv(entry) : joined(entry))), form))).toBe(5);
    expect(verifier.count).toBe(5);
    expect(verifier.headHash).toBe(rehashed[4]!.hash);
  });

  test('stops at a line written another way, without advancing, so checkRow can give the verdict', () => {
    const chain = buildChain(4);
    chain[2] = { ...chain[2]!, details: JSON.stringify({ name: 'é' }) };
    const { prevHash, hash: _hash, ...fields } = chain[2]!;
    chain[2] = { ...fields, prevHash, hash: hashAuditEntry(fields, prevHash) };
    chain[3] = { ...chain[3]!, prevHash: chain[2]!.hash, hash: hashAuditEntry(chain[3]!, chain[2]!.hash) };
    // A database that escapes é as \u00e9 writes valid JSON, but not the text that was hashed.
    const written = chain.map((entry, index) => (index === 2 ? joined(entry, canonical(entry).replace('é', '\\u00e9')) : joined(entry)));
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page(written))).toBe(2);
    expect(verifier.count).toBe(2);
    for (const entry of chain.slice(2)) expect(verifier.checkRow(row(entry))).toBeNull();
    expect(verifier.headHash).toBe(chain[3]!.hash);
  });

  test.each(['joined', 'csv'] as const)('an open start takes the first entry it sees (%s), and reports it for joining', (form) => {
    const chain = buildChain(6);
    const verifier = new ChainVerifier({ openStart: true });
    expect(verifier.checkPage(page(chain.slice(3).map((entry) => (form === 'csv' ? csv(entry) : joined(entry))), form))).toBe(3);
    expect(verifier.first).toEqual({ seq: 4, prevHash: chain[2]!.hash });
  });

  test('an open start whose first line fails takes nothing from it', () => {
    const chain = buildChain(3);
    const verifier = new ChainVerifier({ openStart: true });
    expect(verifier.checkPage(page([joined({ ...chain[1]!, hash: 'f'.repeat(64) })]))).toBe(0);
    expect(verifier.first).toBeNull();
    expect(verifier.checkRow(row(chain[1]!))).toBeNull();
    expect(verifier.first).toEqual({ seq: 2, prevHash: chain[0]!.hash });
  });

  test('a line whose sequence number is not the next one does not pass', () => {
    const chain = buildChain(3);
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page([joined(chain[0]!), joined(chain[2]!)]))).toBe(1);
  });

  test('a stored hash holding a line break (a forged line inside it) lets no line of the page pass', () => {
    const chain = buildChain(3);
    // The forged line would pass on its own: its hash is right for its canonical form, and it follows entry #1.
    const forged = { ...chain[1]!, details: '{"forged":true}' };
    const smuggled = { ...chain[1]!, hash: `${hashAuditEntry(forged, forged.prevHash)}${canonical(forged)}\n${'0'.repeat(64)}` };
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page([joined(chain[0]!), joined(smuggled, canonical(chain[1]!)), joined(chain[2]!)]))).toBe(0);
    expect(verifier.count).toBe(0);
  });

  test('CSV: a line passes only in the shape the CSV writer gives it: the hash in quotes, then a comma', () => {
    const chain = buildChain(2);
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page([csv(chain[0]!), `'${csv(chain[1]!).slice(1)}`], 'csv'))).toBe(1);
    expect(verifier.checkPage(page([csv(chain[1]!).replace(/^("[0-9a-f]{64}"),/, '$1;')], 'csv'))).toBe(0);
    expect(verifier.checkPage(page([csv(chain[1]!)], 'csv'))).toBe(1);
  });

  test('CSV: every line must end in a line break, the last one too', () => {
    const chain = buildChain(2);
    const lines = page(chain.map((entry) => csv(entry)), 'csv');
    expect(new ChainVerifier().checkPage({ ...lines, data: Buffer.from(lines.data.subarray(0, -1)) })).toBe(0);
    expect(new ChainVerifier().checkPage(lines)).toBe(2);
  });

  test('CSV: the sequence number of a line is its third field, whatever the quoted fields before it hold', () => {
    const [entry] = buildChain(1);
    const data = Buffer.from(`x\n${csv(entry!)}\n`);
    expect(csvLineSeq(data, 2)).toBe(1);
    // A stored hash forged to hold escaped quotes, commas and a line break still leaves the third field where CSV puts it.
    const forged = Buffer.from(`"ab\\"c,\n,d","${entry!.prevHash}",42,"2026"\n`);
    expect(csvLineSeq(forged, 0)).toBe(42);
    expect(csvLineSeq(Buffer.from(`"${entry!.hash}",null,1,"x"\n`), 0)).toBeNaN();
  });

  test('CSV: a raw control character anywhere in the page (JSON escapes them) lets no line pass, even under a hash made for it', () => {
    const chain = rewriteLast(buildChain(3), '{"bell":"\u0007"}', (form) => form.replace('\\u0007', '\u0007'));
    const lines = chain.map((entry) => csv(entry, canonical(entry).replace('\\u0007', '\u0007')));
    expect(new ChainVerifier().checkPage(page(lines, 'csv'))).toBe(0);
    // Written as JSON writes it, the same entry passes the fast check only under the honest hash: and that is not the one stored.
    const verifier = new ChainVerifier();
    expect(verifier.checkPage(page(chain.map((entry) => csv(entry)), 'csv'))).toBe(2);
    expect(verifier.checkRow(row(chain[2]!))).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });

  test('bytes that are not UTF-8 let no line pass', () => {
    const chain = buildChain(2);
    const data = Buffer.concat([Buffer.from(`${joined(chain[0]!)}\n`), Buffer.from(joined(chain[1]!)), Buffer.from([0xff])]);
    expect(new ChainVerifier().checkPage({ data, count: 2, lastSeq: 2, form: 'joined' })).toBe(0);
  });
});
