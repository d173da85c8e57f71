/**
 * Fault injection: seeded, counted, limited to the handle and session API, and a reset after apply
 * really commits the write whose answer was lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { FaultOptions, RunningDirectory } from '../../src/directory/directory-options';
import { call, expectSessionDocument, joinBody, player, sessionUrl } from './directory-test-client';

let directory: RunningDirectory | undefined;
afterEach(() => directory?.close());

async function statuses(faults: FaultOptions, count: number): Promise<string[]> {
  directory = await startDirectory({ rateLimits: false, faults });
  const someone = await player(directory.url, 'Faulty');
  const seen: string[] = [];
  for (let i = 0; i < count; i += 1) {
    try {
      const answer = await call(directory.url, 'GET', sessionUrl('faulty'), { as: someone });
      seen.push(String(answer.status));
    } catch {
      seen.push('reset');
    }
  }
  return seen;
}

describe('fault injection', () => {
  it('answers the configured fractions with 503, 500 and 429, each logged', async () => {
    const seen = await statuses(
      { seed: 7, fraction503: 0.2, fraction500: 0.2, fraction429: 0.2 },
      200,
    );
    const log = directory?.faultLog;
    expect(log?.count('503')).toBe(seen.filter((s) => s === '503').length);
    expect(log?.count('500')).toBe(seen.filter((s) => s === '500').length);
    expect(log?.count('429')).toBe(seen.filter((s) => s === '429').length);
    expect(log?.count()).toBe(seen.filter((s) => s !== '204').length);
    for (const kind of ['503', '500', '429'] as const) {
      expect(log?.count(kind)).toBeGreaterThan(20);
      expect(log?.count(kind)).toBeLessThan(65);
    }
    expect(log?.entries[0]).toMatchObject({ method: 'GET', path: sessionUrl('faulty') });
  });

  it('is reproducible: the same seed gives the same sequence', async () => {
    const options = { seed: 42, fraction503: 0.3, fraction500: 0.1 };
    const first = await statuses(options, 50);
    await directory?.close();
    const second = await statuses(options, 50);
    expect(second).toEqual(first);
    await directory?.close();
    expect(await statuses({ ...options, seed: 43 }, 50)).not.toEqual(first);
  });

  it('sends Retry-After on injected 503 and 429', async () => {
    directory = await startDirectory({ faults: { fraction503: 1, retryAfterSeconds: 3 } });
    const someone = await player(directory.url, 'Retry');
    const answer = await call(directory.url, 'GET', sessionUrl('x'), { as: someone });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('3');
  });

  it('never faults POST /dev/tokens', async () => {
    directory = await startDirectory({ faults: { fraction503: 1, fractionResetBeforeApply: 0 } });
    for (let i = 0; i < 10; i += 1) await player(directory.url, `Token ${i}`);
    expect(directory.faultLog.count()).toBe(0);
  });

  it('a reset before apply loses the write; a reset after apply commits it', async () => {
    directory = await startDirectory({
      rateLimits: false,
      faults: { fractionResetBeforeApply: 1 },
    });
    const first = await player(directory.url, 'Before');
    await expect(
      call(directory.url, 'PUT', sessionUrl('reset'), { as: first, body: joinBody(first) }),
    ).rejects.toThrow();
    expect(directory.faultLog.count('reset-before-apply')).toBe(1);
    await directory.close();

    directory = await startDirectory({
      rateLimits: false,
      faults: { seed: 3, fractionResetAfterApply: 0.5 },
    });
    const second = await player(directory.url, 'After');
    let lost: number | undefined;
    for (let i = 0; i < 30 && lost === undefined; i += 1) {
      await call(directory.url, 'PUT', sessionUrl(`committed-${i}`), {
        as: second,
        body: joinBody(second),
      }).catch(() => {
        lost = i;
      });
    }
    expect(lost).toBeDefined();
    expect(directory.faultLog.count('reset-after-apply')).toBe(1);
    let read: Awaited<ReturnType<typeof call>> | undefined;
    for (let attempt = 0; attempt < 50 && read === undefined; attempt += 1) {
      read = await call(directory.url, 'GET', sessionUrl(`committed-${lost}`), {
        as: second,
      }).catch(() => undefined);
    }
    expect(read?.status).toBe(200);
    expect(expectSessionDocument(read!).membersInfo?.count).toBe(1);
  });

  it('adds latency to API requests', async () => {
    directory = await startDirectory({ faults: { latencyMs: 150 } });
    const someone = await player(directory.url, 'Slow');
    const started = performance.now();
    await call(directory.url, 'GET', sessionUrl('slow'), { as: someone });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
