/**
 * What the listening address decides (src/directory/binding-policy.ts): which names count as
 * loopback, the exact `Host` values a directory answers (DNS-rebinding defence), and whether
 * development identities are on. web-pages.test.ts proves the Host check over HTTP; these pin
 * each spelling on its own (mutation testing, docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import {
  allowedHostHeaders,
  bindingWarnings,
  devIdentitiesEnabled,
} from '../../src/directory/binding-policy';

/** Loopback decides the default of development identities, so it is read through that. */
const isLoopback = (host: string) => devIdentitiesEnabled(host, undefined);

describe('loopback addresses', () => {
  it('are localhost, 127.0.0.0/8 and ::1 in its spellings, bracketed or not, in any case', () => {
    for (const host of [
      'localhost',
      'LocalHost',
      '127.0.0.1',
      '127.255.3.4',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '[0:0:0:0:0:0:0:1]',
      '::ffff:127.0.0.1',
      '::FFFF:127.9.9.9',
      '[::ffff:127.0.0.1]',
    ]) {
      expect(isLoopback(host), host).toBe(true);
    }
  });

  it('are not other addresses, nor names that only start or end like one', () => {
    for (const host of [
      '0.0.0.0',
      '10.0.0.127',
      '128.0.0.1',
      '1.127.0.0',
      '::',
      '::2',
      '::ffff:10.0.0.1',
      '127.example.com',
      '127.0.0.1.nip.io',
      'localhost.example.com',
      '::ffff:127.example',
      '[127.0.0.11',
      'x127.0.0.1]',
      '[::11',
      '::1]',
      '[::1',
      '',
    ]) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});

describe('allowedHostHeaders', () => {
  it('answers the loopback names with the port, the listening spelling first', () => {
    expect([...(allowedHostHeaders('127.0.0.1', 5000) ?? [])]).toEqual([
      '127.0.0.1:5000',
      'localhost:5000',
      '[::1]:5000',
    ]);
    expect([...(allowedHostHeaders('::1', 80) ?? [])]).toEqual([
      '[::1]:80',
      'localhost:80',
      '127.0.0.1:80',
    ]);
    expect([...(allowedHostHeaders('[::1]', 80) ?? [])][0]).toBe('[::1]:80');
    expect([...(allowedHostHeaders('0:0:0:0:0:0:0:1', 80) ?? [])][0]).toBe('[0:0:0:0:0:0:0:1]:80');
    expect([...(allowedHostHeaders('LOCALHOST', 1) ?? [])]).toEqual([
      'localhost:1',
      '127.0.0.1:1',
      '[::1]:1',
    ]);
    expect([...(allowedHostHeaders('127.0.0.2', 9) ?? [])][0]).toBe('127.0.0.2:9');
    expect([...(allowedHostHeaders('::FFFF:127.0.0.1', 9) ?? [])][0]).toBe('[::ffff:127.0.0.1]:9');
  });

  it('adds the extra names lower-cased, and answers any host only without a name at all', () => {
    expect([...(allowedHostHeaders('127.0.0.1', 80, ['Game.Example:80']) ?? [])]).toEqual([
      '127.0.0.1:80',
      'localhost:80',
      '[::1]:80',
      'game.example:80',
    ]);
    expect([...(allowedHostHeaders('0.0.0.0', 80, ['LAN.Box:80']) ?? [])]).toEqual(['lan.box:80']);
    expect(allowedHostHeaders('0.0.0.0', 80)).toBeUndefined();
    expect(allowedHostHeaders('192.168.1.20', 80, [])).toBeUndefined();
  });
});

describe('development identities', () => {
  it('follow an explicit choice on any address, else are on only on loopback', () => {
    expect(devIdentitiesEnabled('127.0.0.1', false)).toBe(false);
    expect(devIdentitiesEnabled('0.0.0.0', true)).toBe(true);
    expect(devIdentitiesEnabled('0.0.0.0', undefined)).toBe(false);
  });

  it('warn off loopback: what is off and how to turn it on, or what turning it on exposes', () => {
    expect(bindingWarnings('::1', true)).toEqual([]);
    expect(bindingWarnings('localhost', false)).toEqual([]);
    expect(bindingWarnings('0.0.0.0', undefined)).toEqual([
      'listening on 0.0.0.0, which is not a loopback address: development identities (POST /dev/tokens) are off; start with --dev-identities to turn them on (anyone who can reach the port could then act as any player)',
    ]);
    expect(bindingWarnings('10.1.2.3', false)).toEqual(bindingWarnings('10.1.2.3', undefined));
    expect(bindingWarnings('10.1.2.3', true)).toEqual([
      'listening on 10.1.2.3 with --dev-identities: anyone who can reach this port can get a token for any player; use it only on a trusted network',
    ]);
  });
});
