/**
 * The portal's own stylesheet and script, served by Candor (no third-party resource of any kind).
 * Read once at start; the URL carries a content hash so browsers may cache them for good.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

const ASSET_DIR = new URL('../../src/portal/assets/', import.meta.url);
const TYPES: Record<string, string> = { 'portal.css': 'text/css; charset=utf-8', 'portal.js': 'text/javascript; charset=utf-8' };

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

const assets = new Map<string, Asset>();
for (const name of Object.keys(TYPES)) {
  const body = fs.readFileSync(new URL(name, ASSET_DIR));
  assets.set(name, { body, type: TYPES[name]!, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
}

export function assetUrl(name: string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`unknown asset ${name}`);
  return `/assets/${name}?v=${asset.hash}`;
}

export function findAsset(name: string): Asset | undefined {
  return assets.get(name);
}
