/**
 * The server-held key for reporters' notification addresses: CANDOR_NOTIFY_KEY, or a key file
 * (created on first use, mode 0600). It lives outside the database on purpose, so that a database
 * dump or backup alone does not reveal who left an address.
 */
import type { Config } from '../kernel/config.js';
import { newNotifyAddressKey, notifyAddressKeyFrom, type NotifyAddressKey } from '../kernel/crypto.js';
import { readOrCreateKeyFile } from '../kernel/key-file.js';

const loaded = new Map<string, NotifyAddressKey>();

export function notifyAddressKey(config: Pick<Config, 'mail'>): NotifyAddressKey {
  const source = config.mail.notifyKey;
  if ('base64' in source) return notifyAddressKeyFrom(Buffer.from(source.base64, 'base64'));
  const cached = loaded.get(source.file);
  if (cached) return cached;
  const key = notifyAddressKeyFrom(readOrCreateKeyFile(source.file, newNotifyAddressKey));
  loaded.set(source.file, key);
  return key;
}
