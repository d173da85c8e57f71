/**
 * Which titles may use which service configs (src/directory/service-config-access.ts): the check
 * itself and the `serviceConfigs` section of a templates file, read from real files.
 * title-scids.test.ts proves the 403 over HTTP on every route; these pin the rule and every
 * refusal of a bad section (mutation testing, docs/quality.md).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadServiceConfigAccess,
  ServiceConfigAccess,
} from '../../src/directory/service-config-access';

const bound = '7e1a2b3c-4d5e-4f60-8a1b-9c8d7e6f5a4b';
const other = '0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b';
const refused = {
  kind: 'text',
  status: 403,
  message:
    'The requested service config cannot be accessed: it belongs to another title than the one of the Authorization token.',
};

function templatesFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rp-scid-access-')), 'templates.json');
  writeFileSync(file, content);
  return file;
}

describe('ServiceConfigAccess', () => {
  // Built in each test, not while the file is collected: a constructor that throws then fails the
  // tests instead of the collection, which StrykerJS's vitest runner does not count as a kill.
  const boundAccess = () =>
    new ServiceConfigAccess({ [bound.toUpperCase()]: { titleIds: ['1111', '3333'] } });

  it('lets the titles of a bound SCID in, in any letter case of the SCID, and refuses others', () => {
    const access = boundAccess();
    expect(access.open).toBe(false);
    expect(access.check(bound, '1111')).toBeUndefined();
    expect(access.check(bound.toUpperCase(), '3333')).toBeUndefined();
    expect(access.check(bound, '2222')).toEqual(refused);
    expect(access.check(bound, '11110')).toEqual(refused);
  });

  it('leaves SCIDs it does not bind, and anything that is not a SCID, open to every title', () => {
    const access = boundAccess();
    expect(access.check(other, '2222')).toBeUndefined();
    expect(access.check(undefined, '2222')).toBeUndefined();
    expect(access.check(42, '2222')).toBeUndefined();
  });

  it('is open with no binding at all', () => {
    expect(new ServiceConfigAccess().open).toBe(true);
    expect(new ServiceConfigAccess({}).check(bound, '2222')).toBeUndefined();
  });
});

describe('loadServiceConfigAccess', () => {
  it('reads the shipped templates, which bind nothing', () => {
    const shipped = loadServiceConfigAccess();
    expect(shipped.ok && shipped.value.open).toBe(true);
  });

  it('reads the bindings of a templates file', () => {
    const loaded = loadServiceConfigAccess(
      templatesFile(JSON.stringify({ serviceConfigs: { [bound]: { titleIds: ['1111'] } } })),
    );
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.value.open).toBe(false);
    expect(loaded.value.check(bound, '1111')).toBeUndefined();
    expect(loaded.value.check(bound, '2222')).toEqual(refused);
    const without = loadServiceConfigAccess(templatesFile('{"templates": {}}'));
    expect(without.ok && without.value.open).toBe(true);
  });

  it('says which file it cannot read and why', () => {
    const missing = join(tmpdir(), 'rp-no-such-dir', 'templates.json');
    expect(loadServiceConfigAccess(missing)).toEqual({
      ok: false,
      error: expect.stringMatching(/^cannot read service configs from .*templates\.json: ENOENT/),
    });
    const broken = templatesFile('{ not json');
    const answer = loadServiceConfigAccess(broken);
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error).toContain(`cannot read service configs from ${broken}: `);
  });

  it('refuses a section whose SCIDs are not GUIDs, whose titles are not decimal, or that is empty, saying which rule', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { 'not-a-guid': { titleIds: ['1'] } },
        /service config ids are GUIDs\n.*serviceConfigs\["not-a-guid"\]/,
      ],
      [{ [`${bound}0`]: { titleIds: ['1'] } }, /service config ids are GUIDs/],
      [{ [`x${bound}`]: { titleIds: ['1'] } }, /service config ids are GUIDs/],
      [42, /expected record/],
      [{ [bound]: ['1'] }, /expected object/],
      [{ [bound]: { titleIds: ['0x1F'] } }, /title ids are decimal/],
      [{ [bound]: { titleIds: ['12345678901'] } }, /title ids are decimal/],
      [{ [bound]: { titleIds: ['1 '] } }, /title ids are decimal/],
      [{ [bound]: { titleIds: [''] } }, /title ids are decimal/],
      [{ [bound]: { titleIds: [] } }, /titleIds/],
      [{ [bound]: { titleIds: ['1'], extra: true } }, /extra/],
    ];
    for (const [section, message] of cases) {
      const answer = loadServiceConfigAccess(
        templatesFile(JSON.stringify({ serviceConfigs: section })),
      );
      expect(answer.ok, JSON.stringify(section)).toBe(false);
      expect(!answer.ok && answer.error, JSON.stringify(section)).toMatch(
        /^invalid serviceConfigs: /,
      );
      expect(!answer.ok && answer.error, JSON.stringify(section)).toMatch(message);
    }
    const upper = loadServiceConfigAccess(
      templatesFile(
        JSON.stringify({ serviceConfigs: { [bound.toUpperCase()]: { titleIds: ['9999999999'] } } }),
      ),
    );
    expect(upper.ok).toBe(true);
  });
});
