/**
 * The checks that keep web pages out of the directory (src/directory/request-guard.ts), each
 * header rule on its own: which Host values pass before and after the port is known, when an
 * Origin passes, which Content-Type counts as JSON, and the exact refusal each gets.
 * web-pages.test.ts proves them over real HTTP; a request here is only the headers the guard reads
 * (mutation testing, docs/quality.md).
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RequestGuard } from '../../src/directory/request-guard';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

const badHost = {
  kind: 'text',
  status: 421,
  message:
    'The Host header does not name this directory. It answers only its own address (a web page whose name points here is refused).',
};
const badOrigin = {
  kind: 'text',
  status: 403,
  message:
    'Requests from web pages are refused: this Origin is not allowed (see the directory --allow-origin flag).',
};
const notJson = {
  kind: 'text',
  status: 415,
  message: 'The request body must be sent with Content-Type: application/json.',
};

function loopbackGuard(origins: string[] = []): RequestGuard {
  const guard = new RequestGuard({ origins: new Set(origins) });
  guard.allowHosts(new Set(['127.0.0.1:4000', 'localhost:4000', '[::1]:4000']));
  return guard;
}

describe('Host', () => {
  it('refuses every request until the port is known', () => {
    const guard = new RequestGuard({ origins: new Set() });
    expect(guard.check(request({ host: '127.0.0.1:4000' }))).toEqual(badHost);
    expect(guard.check(request({}))).toEqual(badHost);
  });

  it('answers its own names in any letter case, and refuses others or none', () => {
    const guard = loopbackGuard();
    for (const host of ['127.0.0.1:4000', 'localhost:4000', 'LocalHost:4000', '[::1]:4000']) {
      expect(guard.check(request({ host })), host).toBeUndefined();
    }
    for (const host of ['127.0.0.1:4001', 'attacker.example:4000', 'localhost', '']) {
      expect(guard.check(request({ host })), host).toEqual(badHost);
    }
    expect(guard.check(request({}))).toEqual(badHost);
  });

  it('answers any Host, or none, once told every name is allowed', () => {
    const guard = new RequestGuard({ origins: new Set() });
    guard.allowHosts(undefined);
    expect(guard.check(request({ host: 'lan-box:4000' }))).toBeUndefined();
    expect(guard.check(request({}))).toBeUndefined();
  });
});

describe('Origin', () => {
  it('passes a request without one, and an allowed one exactly as sent', () => {
    const guard = loopbackGuard(['http://127.0.0.1:5173']);
    expect(guard.check(request({ host: '127.0.0.1:4000' }))).toBeUndefined();
    expect(
      guard.check(request({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:5173' })),
    ).toBeUndefined();
    for (const origin of ['http://127.0.0.1:5174', 'HTTP://127.0.0.1:5173', 'null', '']) {
      expect(guard.check(request({ host: '127.0.0.1:4000', origin })), origin).toEqual(badOrigin);
    }
  });

  it("passes the directory's own pages: the origin of the Host it has accepted", () => {
    const guard = loopbackGuard();
    expect(
      guard.check(request({ host: 'localhost:4000', origin: 'http://localhost:4000' })),
    ).toBeUndefined();
    for (const origin of [
      'http://127.0.0.1:4000',
      'https://localhost:4000',
      'http://localhost:4001',
    ]) {
      expect(guard.check(request({ host: 'localhost:4000', origin })), origin).toEqual(badOrigin);
    }
  });

  it('never counts a page as its own when any Host is answered', () => {
    const guard = new RequestGuard({ origins: new Set() });
    guard.allowHosts(undefined);
    expect(guard.check(request({ host: 'evil.example', origin: 'http://evil.example' }))).toEqual(
      badOrigin,
    );
  });
});

describe('Content-Type', () => {
  // A guard per call, not one built while the file is collected: StrykerJS counts code run then as
  // static, and does not count a collection that throws as a kill.
  const bodyType = (type?: string) =>
    loopbackGuard().checkBodyType(request(type === undefined ? {} : { 'content-type': type }));

  it('accepts application/json in any letter case, with parameters and spaces', () => {
    for (const type of [
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      ' application/json ;charset=utf-8',
      'application/json;',
    ]) {
      expect(bodyType(type), type).toBeUndefined();
    }
  });

  it('refuses any other type, a type of the same length, and none', () => {
    for (const type of [
      undefined,
      '',
      'text/plain',
      'application/jsox',
      'application/jsonp',
      'xapplication/json',
      ';application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      expect(bodyType(type), String(type)).toEqual(notJson);
    }
  });
});
