/**
 * The app scheme responder on its own: what it serves, and every way a crafted URL might try to
 * read outside the renderer folder.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serveRendererAsset } from '../../src/main/security/renderer-assets';

let root: string;
let outside: string;

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'rallypoint-assets-'));
  root = join(base, 'renderer');
  outside = join(base, 'secret');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'token.json'), '{"token":"s3cret"}');
  writeFileSync(join(outside, 'app.js'), 'stolen');
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'app.js'), 'export {}');
  writeFileSync(join(root, 'app.js.map'), '{}');
  writeFileSync(join(root, 'notes.txt'), 'plain');
  mkdirSync(join(root, 'img'));
  writeFileSync(join(root, 'img', 'logo.svg'), '<svg/>');
  symlinkSync(join(outside, 'app.js'), join(root, 'linked.js'));
  symlinkSync(outside, join(root, 'linkdir'));
});

/** A plain request-shaped object: `new Request` itself refuses URLs with credentials. */
const get = (url: string, options: { serveSourceMaps?: boolean; method?: string } = {}) =>
  serveRendererAsset({ url, method: options.method ?? 'GET' } as Request, {
    root,
    ...(options.serveSourceMaps === undefined ? {} : { serveSourceMaps: options.serveSourceMaps }),
  });

describe('serveRendererAsset', () => {
  it('serves the page, scripts and nested assets with their types', async () => {
    for (const [url, type] of [
      ['app://rallypoint/', 'text/html; charset=utf-8'],
      ['app://rallypoint/index.html?x=1#y', 'text/html; charset=utf-8'],
      ['app://rallypoint/app.js', 'text/javascript; charset=utf-8'],
      ['app://rallypoint/img/logo.svg', 'image/svg+xml'],
    ] as const) {
      const outcome = await get(url);
      expect(outcome.served, url).toBe(true);
      expect(outcome.response.headers.get('content-type')).toBe(type);
    }
  });

  it('answers HEAD without a body', async () => {
    const outcome = await get('app://rallypoint/app.js', { method: 'HEAD' });
    expect(outcome.served).toBe(true);
    expect(await outcome.response.text()).toBe('');
  });

  it('serves source maps only when asked (development)', async () => {
    expect((await get('app://rallypoint/app.js.map')).served).toBe(false);
    expect((await get('app://rallypoint/app.js.map', { serveSourceMaps: true })).served).toBe(true);
  });

  it('refuses unknown file types', async () => {
    const outcome = await get('app://rallypoint/notes.txt');
    expect(outcome).toMatchObject({ served: false, refusal: 'type-not-served' });
  });

  const escapes = [
    'app://rallypoint/../secret/token.json',
    'app://rallypoint/%2e%2e/secret/app.js',
    'app://rallypoint/..%2fsecret/app.js',
    'app://rallypoint/..%5csecret/app.js',
    'app://rallypoint/img/%2e%2e/%2e%2e/secret/app.js',
    'app://rallypoint/app.js%00.html',
    'app://rallypoint/%E0%A4%A',
    'app://rallypoint/linked.js',
    'app://rallypoint/linkdir/app.js',
    'app://rallypoint//etc/passwd.js',
    'app://rallypoint/img',
    'app://RALLYPOINT.evil/app.js',
    'app://user:pw@rallypoint/app.js',
    'app://rallypoint:8080/app.js',
    'https://rallypoint/app.js',
  ];
  for (const url of escapes) {
    it(`never serves anything outside the folder: ${url}`, async () => {
      const outcome = await get(url);
      expect(outcome.served).toBe(false);
      expect(outcome.response.status).toBeGreaterThanOrEqual(400);
      expect(await outcome.response.text()).not.toMatch(/stolen|s3cret/);
    });
  }

  it('refuses writes', async () => {
    expect(await get('app://rallypoint/index.html', { method: 'POST' })).toMatchObject({
      served: false,
      refusal: 'method-not-allowed',
    });
  });

  it('never answers with a file outside the folder, whatever the path', async () => {
    const segment = fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2e',
      'secret',
      'app.js',
      'img',
      '',
      '%2f',
      'linkdir',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (segments) => {
        const outcome = await get(`app://rallypoint/${segments.join('/')}`);
        if (!outcome.served) return true;
        return outcome.path.startsWith(root) && !(await outcome.response.text()).includes('stolen');
      }),
      { numRuns: 200 },
    );
  });
});
