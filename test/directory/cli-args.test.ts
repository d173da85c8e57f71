import { describe, expect, it } from 'vitest';
import { parseDirectoryArgs } from '../../src/directory/cli-args';

describe('parseDirectoryArgs', () => {
  it('turns --strict-templates on, and leaves it off by default', () => {
    const strict = parseDirectoryArgs(['--strict-templates']);
    expect(strict.ok && strict.value.kind === 'start' && strict.value.options.strictTemplates).toBe(
      true,
    );
    const lenient = parseDirectoryArgs([]);
    expect(
      lenient.ok && lenient.value.kind === 'start' && lenient.value.options.strictTemplates,
    ).toBeFalsy();
  });

  it('maps every flag onto startDirectory options', () => {
    const parsed = parseDirectoryArgs([
      '--port=8123',
      '--host',
      '0.0.0.0',
      '--templates',
      't.json',
      '--seed',
      'demo',
      '--handle-lifetime-ms',
      '1000',
      '--rate-burst',
      '5',
      '--rate-sustained-period-ms',
      '60000',
      '--fault-seed',
      '9',
      '--fault-503',
      '0.1',
      '--fault-reset-after',
      '0.25',
      '--fault-latency-ms',
      '20',
      '--log-requests',
    ]);
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'start',
        logRequests: true,
        options: expect.objectContaining({
          port: 8123,
          host: '0.0.0.0',
          templatesFile: 't.json',
          seed: 'demo',
          handleLifetimeMs: 1000,
          rateLimits: { burstRequests: 5, sustainedPeriodMs: 60000 },
          faults: expect.objectContaining({
            seed: 9,
            fraction503: 0.1,
            fractionResetAfterApply: 0.25,
            latencyMs: 20,
          }),
        }),
      },
    });
  });

  it('has no faults unless asked, and --no-rate-limits turns limits off', () => {
    const parsed = parseDirectoryArgs(['--no-rate-limits']);
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.options).toMatchObject({
      rateLimits: false,
      faults: undefined,
    });
  });

  it.each([
    [['--port=-1'], /--port must be between/],
    [['--port', '1.5'], /--port needs an integer/],
    [['--fault-500', '2'], /--fault-500 must be between 0 and 1/],
    [['--fault-500', 'half'], /needs a number/],
    [['--seed', 'prod'], /--seed only knows "demo"/],
    [['--title-id', 'abc'], /--title-id/],
    [['--what'], /Unknown option/],
    [['positional'], /positional/i],
  ])('refuses %j', (args, message) => {
    const parsed = parseDirectoryArgs(args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('recognises --help', () => {
    expect(parseDirectoryArgs(['--help'])).toEqual({ ok: true, value: { kind: 'help' } });
  });
});
