/**
 * Server-held keys kept in files beside the database (never in it): read the file, or make it on
 * first use for Candor's user only. Several processes may start at once: whoever writes first
 * wins and the others read that key.
 */
import fs from 'node:fs';
import path from 'node:path';

export function readOrCreateKeyFile(file: string, make: () => Uint8Array): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': if another process made the file a moment ago, keep theirs.
    fs.writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fs.readFileSync(file);
}
