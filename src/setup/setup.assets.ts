/** The setup pages' small stylesheet (beside the portal's), read once; its URL carries a content hash. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

const CSS = fs.readFileSync(new URL('../../src/setup/assets/setup.css', import.meta.url));
const HASH = createHash('sha256').update(CSS).digest('hex').slice(0, 12);

export const SETUP_CSS_PATH = '/setup/assets/setup.css';

export function setupAssetUrl(): string {
  return `${SETUP_CSS_PATH}?v=${HASH}`;
}

export function setupCss(): Buffer {
  return CSS;
}
