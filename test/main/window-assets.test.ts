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

  it('refuses each escape for its own reason, with the status that goes with it', async () => {
    const expected: [string, string, number][] = [
      ['app://rallypoint/../secret/token.json', 'not-found', 404],
      ['app://rallypoint/%2e%2e/secret/app.js', 'not-found', 404],
      ['app://rallypoint/..%2fsecret/app.js', 'bad-path', 404],
      ['app://rallypoint/..%5csecret/app.js', 'bad-path', 404],
      ['app://rallypoint/app.js%00.html', 'bad-path', 404],
      ['app://rallypoint/%E0%A4%A', 'bad-path', 404],
      ['app://rallypoint/a%5Cb.js', 'bad-path', 404],
      ['app://rallypoint/linked.js', 'not-found', 404],
      ['app://rallypoint/linkdir/app.js', 'not-found', 404],
      ['app://rallypoint/img', 'type-not-served', 404],
      ['app://rallypoint/img.js', 'not-found', 404],
      ['app://RALLYPOINT.evil/app.js', 'wrong-origin', 404],
      ['app://user:pw@rallypoint/app.js', 'wrong-origin', 404],
      ['app://user@rallypoint/app.js', 'wrong-origin', 404],
      ['app://:pw@rallypoint/app.js', 'wrong-origin', 404],
      ['app://rallypoint:8080/app.js', 'wrong-origin', 404],
      ['https://rallypoint/app.js', 'wrong-origin', 404],
      ['not a url', 'wrong-origin', 404],
    ];
    for (const [url, refusal, status] of expected) {
      const outcome = await get(url);
      expect({ url, refusal: !outcome.served && outcome.refusal }).toEqual({ url, refusal });
      expect(outcome.response.status, url).toBe(status);
      expect(await outcome.response.text(), url).toBe('');
    }
  });

  it('sends the strict headers with every answer, served or refused', async () => {
    const csp =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https://images-eds-ssl.xboxlive.com http://127.0.0.1:* http://localhost:*; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    const strict = (type: string) => ({
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'content-type': type,
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
    const served = await get('app://rallypoint/app.js');
    expect(Object.fromEntries(served.response.headers)).toEqual(
      strict('text/javascript; charset=utf-8'),
    );
    expect(served.response.status).toBe(200);
    expect(await served.response.text()).toBe('export {}');
    const refused = await get('app://rallypoint/notes.txt');
    expect(Object.fromEntries(refused.response.headers)).toEqual(
      strict('text/plain; charset=utf-8'),
    );
    const map = await get('app://rallypoint/app.js.map', { serveSourceMaps: true });
    expect(map.response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await map.response.text()).toBe('{}');
    const head = await get('app://rallypoint/index.html', { method: 'HEAD' });
    expect(head.response.status).toBe(200);
    expect(head.response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('serves every known file type with its type, and nothing else', async () => {
    const types: Record<string, string | undefined> = {
      '.html': 'text/html; charset=utf-8',
      '.js': 'text/javascript; charset=utf-8',
      '.css': 'text/css; charset=utf-8',
      '.svg': 'image/svg+xml',
      '.png': 'image/png',
      '.ico': 'image/x-icon',
      '.woff2': 'font/woff2',
      '.json': 'application/json; charset=utf-8',
      '.txt': undefined,
      '.map': undefined,
      '.exe': undefined,
    };
    for (const [extension, type] of Object.entries(types)) {
      // Upper-case on disk and in the URL: the extension is compared without case.
      const name = `file${extension.toUpperCase()}`;
      writeFileSync(join(root, name), extension);
      const outcome = await get(`app://rallypoint/${name}`);
      if (type === undefined) {
        expect(outcome, extension).toMatchObject({ served: false, refusal: 'type-not-served' });
      } else {
        expect(outcome.served, extension).toBe(true);
        expect(outcome.response.headers.get('content-type'), extension).toBe(type);
      }
    }
  });

  it('answers for another scheme and host when told to (the same responder over HTTP)', async () => {
    const options = { root, expectScheme: 'http', expectHost: '127.0.0.1:4000' };
    const served = await serveRendererAsset(
      { url: 'http://127.0.0.1:4000/app.js', method: 'GET' } as Request,
      options,
    );
    expect(served.served).toBe(true);
    const refused = await serveRendererAsset(
      { url: 'app://rallypoint/app.js', method: 'GET' } as Request,
      options,
    );
    expect(refused).toMatchObject({ served: false, refusal: 'wrong-origin' });
  });

  it('refuses writes', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const outcome = await get('app://rallypoint/index.html', { method });
      expect(outcome).toMatchObject({ served: false, refusal: 'method-not-allowed' });
      expect(outcome.response.status).toBe(405);
    }
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
