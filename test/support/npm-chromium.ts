import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** A browser binary to launch and what its process needs in its environment. */
export interface ChromiumBinary {
  executablePath: string;
  env?: Record<string, string | undefined>;
}

const brotliDecompress = promisify(zlib.brotliDecompress);

/**
 * The Chromium that `npm install` brings: @sparticuz/chromium ships it brotli-compressed with the few
 * libraries it needs beyond glibc (NSS, NSPR, expat: from its Amazon Linux 2023 bundle), SwiftShader and
 * a font. Unpacked once per machine and version under the temporary directory, into a folder of its
 * own (the package's own unpacker writes to /tmp/chromium, which parallel test workers would race on):
 * each worker unpacks beside it and renames into place, and the first one there wins.
 */
export async function npmChromium(): Promise<ChromiumBinary> {
  const { dir: packageDir, version } = npmChromiumPackage();
  const dir = path.join(os.tmpdir(), `cairn-chromium-${version}`);
  if (!fs.existsSync(path.join(dir, 'chromium'))) await unpackInto(dir, path.join(packageDir, 'bin'));
  const libraryPath = [path.join(dir, 'lib'), dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  // A machine with no fontconfig of its own gets the bundled font; one with it keeps its fonts.
  const fonts = fs.existsSync('/etc/fonts/fonts.conf') ? {} : { FONTCONFIG_FILE: path.join(dir, 'cairn-fonts.conf') };
  return { executablePath: path.join(dir, 'chromium'), env: { ...process.env, LD_LIBRARY_PATH: libraryPath, ...fonts } };
}

/** Where @sparticuz/chromium is installed, and its version (its `exports` hide its package.json). */
export function npmChromiumPackage(): { dir: string; version: string } {
  const dir = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '../..');
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return { dir, version };
}

async function unpackInto(dir: string, bin: string): Promise<void> {
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  fs.mkdirSync(partial, { recursive: true });
  try {
    fs.writeFileSync(path.join(partial, 'chromium'), await brotliDecompress(fs.readFileSync(path.join(bin, 'chromium.br'))), { mode: 0o755 });
    for (const archive of ['swiftshader.tar.br', 'fonts.tar.br', 'al2023.tar.br']) {
      extractTar(await brotliDecompress(fs.readFileSync(path.join(bin, archive))), partial);
    }
    fs.writeFileSync(
      path.join(partial, 'cairn-fonts.conf'),
      `<?xml version="1.0"?>\n<fontconfig><dir>${path.join(dir, 'fonts')}</dir><cachedir>${path.join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`,
    );
    fs.renameSync(partial, dir);
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    // Another worker unpacked the same version first: use that one.
    if (fs.existsSync(path.join(dir, 'chromium'))) return;
    throw e;
  }
}

/** Plain files and folders of a ustar archive (all these archives hold), written under `into`. */
function extractTar(archive: Buffer, into: string): void {
  const field = (offset: number, length: number) => archive.subarray(offset, offset + length).toString('utf8').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= archive.length; ) {
    const name = field(at, 100);
    if (!name) break; // the two empty blocks that end an archive
    const size = parseInt(field(at + 124, 12).trim() || '0', 8);
    const type = field(at + 156, 1) || '0';
    const prefix = field(at + 345, 155);
    const target = path.join(into, prefix ? `${prefix}/${name}` : name);
    if (!target.startsWith(into + path.sep)) throw new Error(`Refusing to write outside ${into}: ${name}`);
    if (type === '5') fs.mkdirSync(target, { recursive: true });
    else if (type === '0') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, archive.subarray(at + 512, at + 512 + size), { mode: parseInt(field(at + 100, 8).trim() || '644', 8) });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
