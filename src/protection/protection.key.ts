/**
 * The server-held key of the retaliation watch: CANDOR_PROTECTION_KEY, or a key file (created on
 * first use, mode 0600). Kept outside the database so that a dump alone cannot test an employee id
 * against the protected-persons table, nor read which case a row stands for.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../kernel/config.js';
import { newProtectionKey, protectionKeyFrom, type ProtectionKey } from '../kernel/crypto.js';

const loaded = new Map<string, ProtectionKey>();

export function protectionKey(config: Pick<Config, 'protection'>): ProtectionKey {
  const source = config.protection.key;
  if ('base64' in source) return protectionKeyFrom(Buffer.from(source.base64, 'base64'));
  const cached = loaded.get(source.file);
  if (cached) return cached;
  let raw: Buffer;
  try {
    raw = fs.readFileSync(source.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(source.file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(source.file, newProtectionKey(), { mode: 0o600, flag: 'wx' });
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
    }
    raw = fs.readFileSync(source.file);
  }
  const key = protectionKeyFrom(raw);
  loaded.set(source.file, key);
  return key;
}
