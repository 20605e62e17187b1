// Renders media/icon.svg to media/icon.png (256 x 256), the icon the Marketplace and Open VSX show: they take no SVG.
// The PNG is committed, so packaging needs no renderer; it names the SVG it was made from (a sha256 in a tEXt chunk),
// and a test fails when the SVG changed without `node scripts/icon.mjs` being run again.
// Usage: node scripts/icon.mjs          (installs Debian's librsvg2-bin for rsvg-convert when it can)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { ensurePackages } from './system-packages.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SVG = join(root, 'media', 'icon.svg');
export const PNG = join(root, 'media', 'icon.png');
export const SIZE = 256;
const KEYWORD = 'Source';

/** The text the PNG carries for an SVG: which file, and its sha256. */
export function sourceTag(svg) {
  return `media/icon.svg sha256:${createHash('sha256').update(svg).digest('hex')}`;
}

/** `png` with a tEXt chunk `keyword`=`text` right after its IHDR chunk. */
function withText(png, keyword, text) {
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const type = Buffer.from('tEXt', 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

function main() {
  const stop = ensurePackages(['icon'], { who: 'node scripts/icon.mjs' });
  if (stop) {
    console.error(stop);
    process.exit(1);
  }
  const svg = readFileSync(SVG);
  const tmp = mkdtempSync(join(tmpdir(), 'ai-provenance-icon-'));
  try {
    const out = join(tmp, 'icon.png');
    const r = spawnSync('rsvg-convert', ['--width', String(SIZE), '--height', String(SIZE), '--output', out, SVG], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.error || r.status !== 0) throw new Error(`rsvg-convert failed (${r.error?.message ?? `exit ${r.status}`})`);
    writeFileSync(PNG, withText(readFileSync(out), KEYWORD, sourceTag(svg)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`icon: wrote ${PNG} (${SIZE} x ${SIZE}) from ${SVG}`);
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) main();
