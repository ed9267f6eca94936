/**
 * The server-held key of the retaliation watch: CANDOR_PROTECTION_KEY, or a key file (created on
 * first use, mode 0600). Kept outside the database so that a dump alone cannot test an employee id
 * against the protected-persons table, nor read which case a row stands for.
 */
import type { Config } from '../kernel/config.js';
import { newProtectionKey, protectionKeyFrom, type ProtectionKey } from '../kernel/crypto.js';
import { readOrCreateKeyFile } from '../kernel/key-file.js';

const loaded = new Map<string, ProtectionKey>();

export function protectionKey(config: Pick<Config, 'protection'>): ProtectionKey {
  const source = config.protection.key;
  if ('base64' in source) return protectionKeyFrom(Buffer.from(source.base64, 'base64'));
  const cached = loaded.get(source.file);
  if (cached) return cached;
  const key = protectionKeyFrom(readOrCreateKeyFile(source.file, newProtectionKey));
  loaded.set(source.file, key);
  return key;
}
