/**
 * The server-held key for reporters' notification addresses: CANDOR_NOTIFY_KEY, or a key file
 * (created on first use, mode 0600). It lives outside the database on purpose, so that a database
 * dump or backup alone does not reveal who left an address.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../kernel/config.js';
import { newNotifyAddressKey, notifyAddressKeyFrom, type NotifyAddressKey } from '../kernel/crypto.js';

const loaded = new Map<string, NotifyAddressKey>();

export function notifyAddressKey(config: Pick<Config, 'mail'>): NotifyAddressKey {
  const source = config.mail.notifyKey;
  if ('base64' in source) return notifyAddressKeyFrom(Buffer.from(source.base64, 'base64'));
  const cached = loaded.get(source.file);
  if (cached) return cached;
  let raw: Buffer;
  try {
    raw = fs.readFileSync(source.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(source.file), { recursive: true, mode: 0o700 });
    try {
      // 'wx': if another process made the file a moment ago, keep theirs.
      fs.writeFileSync(source.file, newNotifyAddressKey(), { mode: 0o600, flag: 'wx' });
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
    }
    raw = fs.readFileSync(source.file);
  }
  const key = notifyAddressKeyFrom(raw);
  loaded.set(source.file, key);
  return key;
}
