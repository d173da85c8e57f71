/**
 * The app scheme responder's path layers, each on its own. The URL parser in front of them resolves
 * dot segments and the later layers catch what an earlier one misses, so a request alone cannot show
 * that one layer stopped working; these tests can (found by mutation testing, docs/quality.md).
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAssetPath,
  isInside,
  serveRendererAsset,
} from '../../src/main/security/renderer-assets';

let root: string;

beforeAll(() => {
  root = join(mkdtempSync(join(tmpdir(), 'rallypoint-asset-paths-')), 'renderer');
  mkdirSync(join(root, 'img'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'app.js'), 'export {}');
  writeFileSync(join(root, 'img', 'logo.svg'), '<svg/>');
  // A file whose name holds a backslash: on Windows that is a separator, so it is never served.
  writeFileSync(join(root, 'img\\logo.svg'), '<svg/>');
  symlinkSync(root, join(root, 'self.js'));
});

const get = (url: string, serveSourceMaps?: boolean) =>
  serveRendererAsset({ url, method: 'GET' } as Request, {
    root,
    ...(serveSourceMaps === undefined ? {} : { serveSourceMaps }),
  });

describe('serveRendererAsset, paths the URL parser leaves alone', () => {
  it('serves the page for the bare origin, which has an empty path', async () => {
    const outcome = await get('app://rallypoint');
    expect(outcome.served).toBe(true);
    expect(await outcome.response.text()).toBe('<!doctype html>');
  });

  it('does not let an encoded slash reach into a folder, even to a file that exists', async () => {
    expect(await get('app://rallypoint/img%2flogo.svg')).toMatchObject({
      served: false,
      refusal: 'bad-path',
    });
    expect(await get('app://rallypoint/img%2Flogo.svg')).toMatchObject({ refusal: 'bad-path' });
    expect((await get('app://rallypoint/img/logo.svg')).served).toBe(true);
  });

  it('refuses a literal backslash, which Node keeps in the path of a non-web scheme', async () => {
    expect(new URL('app://rallypoint/img\\logo.svg').pathname).toBe('/img\\logo.svg');
    expect(await get('app://rallypoint/img\\logo.svg')).toMatchObject({
      served: false,
      refusal: 'bad-path',
    });
  });

  it('refuses a path made only of slashes as a bad path', async () => {
    expect(await get('app://rallypoint//')).toMatchObject({ served: false, refusal: 'bad-path' });
  });

  it('keeps each file type when source maps are served too', async () => {
    const script = await get('app://rallypoint/app.js', true);
    expect(script.response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const page = await get('app://rallypoint/index.html', true);
    expect(page.response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('does not serve a link back to the folder itself', async () => {
    expect(await get('app://rallypoint/self.js')).toMatchObject({
      served: false,
      refusal: 'not-found',
    });
  });
});

describe('decodeAssetPath', () => {
  it('turns a clean path into a relative file path, the root into index.html', () => {
    expect(decodeAssetPath('/')).toBe('index.html');
    expect(decodeAssetPath('')).toBe('index.html');
    expect(decodeAssetPath('/img/logo.svg')).toBe(['img', 'logo.svg'].join(sep));
    expect(decodeAssetPath('/img//logo%20big.svg')).toBe(['img', 'logo big.svg'].join(sep));
  });

  it('refuses dot segments, however few, wherever they are', () => {
    for (const path of ['/..', '/.', '/../secret/app.js', '/img/../../app.js', '/img/./app.js']) {
      expect(decodeAssetPath(path), path).toBeUndefined();
    }
    // Names that only start or end with dots are ordinary names.
    expect(decodeAssetPath('/.well.js')).toBe('.well.js');
    expect(decodeAssetPath('/app..js')).toBe('app..js');
  });

  it('refuses encoded separators and NUL, in either case, and broken encoding', () => {
    for (const path of [
      '/a%2fb.js',
      '/a%2Fb.js',
      '/a%5cb.js',
      '/a%5Cb.js',
      '/a%00.js',
      '/%E0%A4%A',
    ]) {
      expect(decodeAssetPath(path), path).toBeUndefined();
    }
  });

  it('refuses a backslash or a NUL that arrives already decoded', () => {
    expect(decodeAssetPath('/a\\b.js')).toBeUndefined();
    expect(decodeAssetPath('/..\\secret.js')).toBeUndefined();
    expect(decodeAssetPath('/a\0.js')).toBeUndefined();
  });

  it('refuses a path with no name in it', () => {
    expect(decodeAssetPath('//')).toBeUndefined();
    expect(decodeAssetPath('///')).toBeUndefined();
  });
});

describe('isInside', () => {
  const base = join(sep, 'srv', 'renderer');

  it('accepts normalised paths strictly inside the folder', () => {
    expect(isInside(base, join(base, 'app.js'))).toBe(true);
    expect(isInside(base, join(base, 'img', 'logo.svg'))).toBe(true);
  });

  it('refuses the folder itself, its parents and its siblings', () => {
    expect(isInside(base, base)).toBe(false);
    expect(isInside(base, join(sep, 'srv'))).toBe(false);
    expect(isInside(base, join(sep, 'srv', 'secret', 'app.js'))).toBe(false);
    expect(isInside(base, join(sep, 'srv', 'renderer-old', 'app.js'))).toBe(false);
  });

  it('refuses a path that is not normalised, whatever it would resolve to', () => {
    expect(isInside(base, `${base}${sep}img${sep}..${sep}app.js`)).toBe(false);
    expect(isInside(base, `${base}${sep}app.js${sep}`)).toBe(false);
  });
});
