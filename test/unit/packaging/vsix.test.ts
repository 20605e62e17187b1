// The .vsix users install: exactly the allow-listed files, a size that stays small, and a manifest the Marketplace
// and Open VSX accept (PNG icon, repository, walkthrough media that exist). Made by scripts/package.mjs (@vscode/vsce).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as yauzl from 'yauzl';
import { builtDist, REPO_ROOT } from '../cliBuild';
import { cleanupTemp, tempDir } from '../git/helpers';

/** The most the .vsix may weigh (about twice its size today, bundles unminified). */
const MAX_BYTES = 640 * 1024;

const ALLOWED = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/cli.js',
  'extension/dist/cli-main.js',
  'extension/dist/cli-hook.js',
  'extension/dist/cli-git-hook.js',
  'extension/media/icon.png',
  'extension/media/critical.svg',
  'extension/media/walkthrough/git-hooks.md',
  'extension/media/walkthrough/config.md',
  'extension/media/walkthrough/agent-hooks.md',
  'extension/media/walkthrough/gutter.md',
  'extension/schemas/ai-provenance.schema.json',
].sort();

/** Every entry of a zip file, by name. */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (d: Buffer) => parts.push(d));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** The width, height and tEXt chunks of a PNG. */
function png(data: Buffer): { width: number; height: number; text: Map<string, string> } {
  assert.deepEqual([...data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  const text = new Map<string, string>();
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (type === 'tEXt') {
      const body = data.subarray(at + 8, at + 8 + length);
      const nul = body.indexOf(0);
      text.set(body.toString('latin1', 0, nul), body.toString('latin1', nul + 1));
    }
    at += 12 + length;
  }
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), text };
}

describe('the .vsix', () => {
  let vsix: string;
  let files: Map<string, Buffer>;

  before(async () => {
    // scripts/test.mjs packages once per run for this test and the real VS Code tests; by hand, package here.
    vsix = process.env['AI_PROVENANCE_TEST_VSIX'] ?? '';
    if (!vsix) {
      builtDist();
      const { packageVsix } = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'package.mjs')).href)) as {
        packageVsix(opts: { out: string; build: boolean; quiet: boolean }): string;
      };
      vsix = packageVsix({ out: path.join(tempDir('aip-vsix-'), 'ai-provenance.vsix'), build: false, quiet: true });
    }
    files = await unzip(vsix);
  });
  after(cleanupTemp);

  it('holds exactly the allow-listed files', () => {
    assert.deepEqual([...files.keys()].sort(), ALLOWED);
  });

  it(`weighs less than ${MAX_BYTES / 1024} KB`, () => {
    const size = statSync(vsix).size;
    assert.ok(size < MAX_BYTES, `${vsix} is ${Math.round(size / 1024)} KB`);
  });

  it('ships the bundles of this build, unchanged', () => {
    for (const f of ['extension.js', 'cli.js', 'cli-main.js', 'cli-hook.js', 'cli-git-hook.js']) {
      assert.ok(files.get(`extension/dist/${f}`)?.equals(readFileSync(path.join(REPO_ROOT, 'dist', f))), `dist/${f}`);
    }
  });

  it('has the manifest fields the Marketplace and Open VSX need, and every file the manifest names', () => {
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    assert.equal(`${manifest.publisher}.${manifest.name}`, 'ai-provenance.ai-provenance');
    assert.equal(manifest.license, 'MIT');
    assert.equal(manifest.icon, 'media/icon.png');
    assert.match(manifest.repository.url, /^https:\/\//);
    assert.match(manifest.bugs.url, /^https:\/\//);
    assert.match(manifest.homepage, /^https:\/\//);
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(manifest.categories.length > 0 && manifest.keywords.length > 0);
    const named = [manifest.main, manifest.icon, ...manifest.contributes.jsonValidation.map((v: { url: string }) => v.url)];
    for (const w of manifest.contributes.walkthroughs) for (const s of w.steps) named.push(s.media.markdown ?? s.media.image ?? s.media.svg);
    for (const f of named) assert.ok(files.has(`extension/${path.posix.normalize(f)}`), `${f} is in the .vsix`);
    // The vsixmanifest says where the icon is, for the gallery.
    assert.match(files.get('extension.vsixmanifest')!.toString('utf8'), /Path="extension\/media\/icon\.png"/);
  });

  it('has a 256 x 256 PNG icon rendered from the current media/icon.svg (node scripts/icon.mjs)', () => {
    const icon = png(files.get('extension/media/icon.png')!);
    assert.deepEqual([icon.width, icon.height], [256, 256]);
    const svg = readFileSync(path.join(REPO_ROOT, 'media', 'icon.svg'));
    assert.equal(icon.text.get('Source'), `media/icon.svg sha256:${createHash('sha256').update(svg).digest('hex')}`);
  });
});
