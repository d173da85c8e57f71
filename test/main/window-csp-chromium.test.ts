/**
 * The app scheme's responder and its Content-Security-Policy header in real Chromium. The same
 * function main registers with `protocol.handle` answers here behind a loopback HTTP server (Chromium
 * refuses module scripts from file://, and the Electron binary is not available everywhere), so
 * what is proven is the header the launcher really sends and what Chromium does with it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../renderer/browser-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRendererAsset } from '../../src/main/security/renderer-assets';

const repoRoot = resolve(import.meta.dirname, '..', '..');

interface Served {
  readonly origin: string;
  readonly server: Server;
}

/** Serves `root` exactly as the app scheme would, on 127.0.0.1 with a free port. */
async function serve(root: string): Promise<Served> {
  let host = '';
  const server = createServer((req, res) => {
    const request = new Request(`http://${host}${req.url ?? '/'}`, { method: req.method ?? 'GET' });
    void serveRendererAsset(request, { root, expectScheme: 'http', expectHost: host }).then(
      async (outcome) => {
        res.writeHead(outcome.response.status, Object.fromEntries(outcome.response.headers));
        res.end(Buffer.from(await outcome.response.arrayBuffer()));
      },
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin: `http://${host}`, server };
}

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
});

async function open(url: string): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(url);
  return { page, violations };
}

describe('app scheme CSP in Chromium', () => {
  it('runs the module script and blocks inline script, inline style, eval, remote images and network', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rallypoint-csp-'));
    writeFileSync(
      join(root, 'index.html'),
      [
        '<!doctype html><html><head>',
        '<script type="module" src="app.js"></script>',
        '<script>document.documentElement.dataset.inline = "ran"</script>',
        '</head><body><p id="p" style="color: red">x</p>',
        '<img id="remote" src="https://example.invalid/pixel.png">',
        '</body></html>',
      ].join(''),
    );
    writeFileSync(
      join(root, 'app.js'),
      [
        'document.documentElement.dataset.module = "ran";',
        'try { eval("1"); document.documentElement.dataset.eval = "ran"; } catch {}',
        'fetch("/index.html").then(() => { document.documentElement.dataset.fetch = "ran"; }, () => { document.documentElement.dataset.fetch = "blocked"; });',
      ].join('\n'),
    );
    const served = await serve(root);
    servers.push(served.server);
    const { page, violations } = await open(`${served.origin}/index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.fetch !== undefined);
    const data = await page.evaluate(() => ({ ...document.documentElement.dataset }));
    expect(data.module).toBe('ran');
    expect(data.inline).toBeUndefined();
    expect(data.eval).toBeUndefined();
    expect(data.fetch).toBe('blocked');
    const color = await page.evaluate(() => getComputedStyle(document.getElementById('p')!).color);
    expect(color).not.toBe('rgb(255, 0, 0)');
    expect(violations.join('\n')).toMatch(/script-src/);
    expect(violations.join('\n')).toMatch(/connect-src/);
    expect(violations.join('\n')).toMatch(/img-src/);
    await page.close();
  });

  it('serves the real launcher page with no violation of its own resources', async () => {
    const served = await serve(join(repoRoot, 'dist', 'renderer'));
    servers.push(served.server);
    const response = await fetch(`${served.origin}/index.html`);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https://images-eds-ssl.xboxlive.com http://127.0.0.1:* http://localhost:*; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const { page, violations } = await open(`${served.origin}/index.html`);
    await page.waitForLoadState('load');
    const stylesApplied = await page.evaluate(() => document.styleSheets.length > 0);
    expect(stylesApplied).toBe(true);
    expect(violations.filter((line) => /script-src|style-src/.test(line))).toEqual([]);
    await page.close();
  });

  it('lets a sender picture load from a loopback directory and from nowhere else', async () => {
    // A second loopback server on its own port plays the local directory's picture service.
    const pictures = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
      );
    });
    await new Promise<void>((done) => pictures.listen(0, '127.0.0.1', done));
    servers.push(pictures);
    const picturePort = (pictures.address() as AddressInfo).port;
    const root = mkdtempSync(join(tmpdir(), 'rallypoint-csp-pictures-'));
    writeFileSync(
      join(root, 'index.html'),
      [
        '<!doctype html><html><head><script type="module" src="app.js"></script></head><body>',
        `<img id="loopback" src="http://127.0.0.1:${picturePort}/people/pictures/1.svg">`,
        `<img id="lan" src="http://192.0.2.1:${picturePort}/p.svg">`,
        '<img id="other-https" src="https://images.example.invalid/p.png">',
        '</body></html>',
      ].join(''),
    );
    writeFileSync(
      join(root, 'app.js'),
      'addEventListener("load", () => { document.documentElement.dataset.loaded = "yes"; });',
    );
    const served = await serve(root);
    servers.push(served.server);
    const { page, violations } = await open(`${served.origin}/index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.loaded === 'yes');
    const widths = await page.evaluate(() =>
      Object.fromEntries([...document.images].map((image) => [image.id, image.naturalWidth])),
    );
    expect(widths).toEqual({ loopback: 8, lan: 0, 'other-https': 0 });
    const refused = violations.filter((line) => /img-src/.test(line)).join('\n');
    expect(refused).toContain('192.0.2.1');
    expect(refused).toContain('images.example.invalid');
    expect(refused).not.toContain(`127.0.0.1:${picturePort}`);
    await page.close();
  });
});
