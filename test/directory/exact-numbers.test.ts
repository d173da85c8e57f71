/**
 * Custom session and member properties keep every JSON number exactly as sent: bodies are sent as
 * raw text (a JavaScript client would round the numbers before they left), and the answers are
 * checked as raw text too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  call,
  directoryWithPlayer,
  expectSessionDocument,
  player,
  sessionUrl,
} from './directory-test-client';

const { url: base, someone } = (() => {
  const setup = directoryWithPlayer('Number Keeper');
  return { url: () => setup.url, someone: () => setup.someone };
})();

const json = { 'content-type': 'application/json' };
let counter = 0;

/** A join body as text, with `custom` text spliced in as the member's and session's custom bags. */
function joinText(xuid: string, custom: string): string {
  return (
    `{"properties":{"custom":${custom}},"constants":{"custom":${custom}},` +
    `"members":{"me":{"constants":{"system":{"xuid":"${xuid}","initialize":true},"custom":${custom}},` +
    `"properties":{"system":{"active":true},"custom":${custom}}}}}`
  );
}

describe('numbers in custom properties', () => {
  it('answer a uint64, 1.0, 1e3, -0 and 1E400 exactly as sent, in every bag and every answer', async () => {
    const custom =
      '{"uint64":7698569263756403830,"max":18446744073709551615,"float":1.0,"exp":1e3,' +
      '"negZero":-0,"huge":1E400,"nested":[{"id":12345678901234567890}],"plain":42,"small":0.5}';
    const path = sessionUrl(`numbers-${++counter}`);
    const created = await call(base(), 'PUT', path, {
      as: someone(),
      rawBody: joinText(someone().xuid, custom),
      headers: json,
    });
    expect(created.status, created.text).toBe(201);
    expectSessionDocument(created);
    // Four bags (session/member constants and properties) each carry the text verbatim.
    expect(created.text.split(custom).length - 1).toBe(4);
    const read = await call(base(), 'GET', path, { as: someone() });
    expect(read.text.split(custom).length - 1).toBe(4);
    // A 412 answer carries the stored document too.
    const stale = await call(base(), 'PUT', path, {
      as: someone(),
      body: {},
      headers: { 'if-match': '"not-the-etag"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.text.split(custom).length - 1).toBe(4);
  });

  it('re-sending the same inexact number is no change; a different one is', async () => {
    const path = sessionUrl(`numbers-${++counter}`);
    const first = await call(base(), 'PUT', path, {
      as: someone(),
      rawBody: joinText(someone().xuid, '{"id":7698569263756403830}'),
      headers: json,
    });
    expect(first.status).toBe(201);
    const same = await call(base(), 'PUT', path, {
      as: someone(),
      rawBody: '{"properties":{"custom":{"id":7698569263756403830}}}',
      headers: json,
    });
    expect(same.headers.get('etag')).toBe(first.headers.get('etag'));
    const other = await call(base(), 'PUT', path, {
      as: someone(),
      rawBody: '{"properties":{"custom":{"id":7698569263756403831}}}',
      headers: json,
    });
    expect(other.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(other.text).toContain('"properties":{"system":{},"custom":{"id":7698569263756403831}}');
  });

  it('reads numbers the directory computes with as numbers, whatever their spelling', async () => {
    const path = sessionUrl(`numbers-${++counter}`);
    const created = await call(base(), 'PUT', path, {
      as: someone(),
      rawBody:
        '{"constants":{"system":{"maxMembersCount":4.0,"reservedRemovalTimeout":3e4}},' +
        `"members":{"me":{"constants":{"system":{"xuid":"${someone().xuid}"}},` +
        '"properties":{"system":{"active":true}}}}}',
      headers: json,
    });
    expect(created.status, created.text).toBe(201);
    const doc = expectSessionDocument(created);
    expect(doc.constants?.system).toMatchObject({
      maxMembersCount: 4,
      reservedRemovalTimeout: 30000,
    });
    const tooBig = await call(base(), 'PUT', sessionUrl(`numbers-${++counter}`), {
      as: someone(),
      rawBody: '{"constants":{"system":{"maxMembersCount":18446744073709551615}}}',
      headers: json,
    });
    expect(tooBig.status).toBe(400);
  });

  it('takes hostile numbers (60 000 digits, 1e999999999, thousands of 1.0) without a 500', async () => {
    const path = sessionUrl(`numbers-${++counter}`);
    expect(
      (
        await call(base(), 'PUT', path, {
          as: someone(),
          rawBody: joinText(someone().xuid, '{}'),
          headers: json,
        })
      ).status,
    ).toBe(201);
    for (const custom of [
      `{"long":${'9'.repeat(60_000)}}`,
      '{"exp":1e999999999,"neg":-1e-999999999}',
      `{"many":[${Array.from({ length: 8000 }, () => '1.0').join(',')}]}`,
    ]) {
      const written = await call(base(), 'PUT', path, {
        as: someone(),
        rawBody: `{"properties":{"custom":${custom}}}`,
        headers: json,
      });
      expect(written.status).toBe(200);
      expect(written.text).toContain(custom.slice(1, -1));
    }
  });

  it('keeps any integer of up to 20 digits and any decimal digit for digit', async () => {
    const member = await player(base(), 'Property Tester');
    const path = sessionUrl(`numbers-${++counter}`);
    expect(
      (
        await call(base(), 'PUT', path, {
          as: member,
          rawBody: joinText(member.xuid, '{}'),
          headers: json,
        })
      ).status,
    ).toBe(201);
    const integer = fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String);
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.stringMatching(/^[0-9]{1,19}$/))
      .map(([whole, fraction]) => `${whole}.${fraction}`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(integer, decimal), { minLength: 1, maxLength: 5 }),
        async (numbers) => {
          const custom = `{"values":[${numbers.join(',')}]}`;
          const written = await call(base(), 'PUT', path, {
            as: member,
            rawBody: `{"members":{"me":{"properties":{"custom":${custom}}}}}`,
            headers: json,
          });
          expect(written.status, written.text).toBe(200);
          expect(written.text).toContain(`"custom":${custom}`);
        },
      ),
      { numRuns: 40 },
    );
  });
});
