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
    [['--dev-identities', '--no-dev-identities'], /contradict/],
    [['--allow-origin', 'http://x.test/path'], /--allow-origin needs an origin/],
    [['--allow-host', 'no-port'], /--allow-host needs NAME:PORT/],
    [['--headers-timeout-ms', '5000', '--request-timeout-ms', '1000'], /must not exceed/],
    [['--dev-identities-max', '0'], /--dev-identities-max must be between/],
    [['positional'], /positional/i],
    [['--store', 'redis://x'], /--store takes memory, postgres:/],
    [['--store', 'postgres://u:secret@'], /^(?!.*secret)/],
    [['--workers', '2'], /--workers above 1 needs a shared store/],
    [['--workers', '2', '--store', 'memory'], /--workers above 1 needs a shared store/],
    [['--workers', '0', '--store', 'embedded-postgres'], /--workers must be between 1 and 64/],
    [['--access-token-ms', '500'], /--access-token-ms must be between 1000 and/],
    [['--xsts-token-ms', '1h'], /--xsts-token-ms needs an integer, got "1h"/],
    [['--device-poll-interval-s', '0'], /--device-poll-interval-s must be between 1 and 600/],
    [
      ['--refresh-token-ms', '60000', '--access-token-ms', '120000'],
      /--refresh-token-ms \(60000\) must not be shorter than --access-token-ms \(120000\)/,
    ],
    // The default access token lives an hour: a one-minute refresh token alone is refused too.
    [['--refresh-token-ms', '60000'], /must not be shorter than --access-token-ms \(3600000\)/],
    [
      ['--device-code-ms', '5000', '--device-poll-interval-s', '5'],
      /--device-code-ms \(5000\) must be longer than --device-poll-interval-s \(5 s\)/,
    ],
    [['--no-listen-notify'], /apply to a PostgreSQL store only/],
    [['--no-advisory-locks', '--store', 'memory'], /apply to a PostgreSQL store only/],
    [['--store-pool', '4'], /--store-pool applies to a PostgreSQL store only/],
    [['--store', 'embedded-postgres', '--store-pool', '0'], /--store-pool must be between 1/],
  ])('refuses %j', (args, message) => {
    const parsed = parseDirectoryArgs(args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('takes a PostgreSQL store and a worker count', () => {
    const parsed = parseDirectoryArgs([
      '--store',
      'postgres://directory:pw@db.example:5432/rallypoint',
      '--workers',
      '4',
    ]);
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.workers).toBe(4);
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.options.store).toBe(
      'postgres://directory:pw@db.example:5432/rallypoint',
    );
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.options.storeFeatures).toBe(
      undefined,
    );
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.options.storePoolSize).toBe(
      undefined,
    );
    const pooled = parseDirectoryArgs(['--store', 'embedded-postgres', '--store-pool', '4']);
    expect(pooled.ok && pooled.value.kind === 'start' && pooled.value.options.storePoolSize).toBe(
      4,
    );
    const embedded = parseDirectoryArgs(['--store', 'embedded-postgres=/var/lib/rp']);
    expect(embedded.ok && embedded.value.kind === 'start' && embedded.value.options.store).toBe(
      'embedded-postgres=/var/lib/rp',
    );
  });

  it('turns LISTEN/NOTIFY and advisory locks off for engines that lack them', () => {
    const parsed = parseDirectoryArgs([
      '--store',
      'postgres://directory@crdb.example:26257/rallypoint',
      '--no-listen-notify',
      '--no-advisory-locks',
    ]);
    expect(
      parsed.ok && parsed.value.kind === 'start' && parsed.value.options.storeFeatures,
    ).toEqual({ listenNotify: false, advisoryLocks: false });
    const one = parseDirectoryArgs(['--store', 'embedded-postgres', '--no-advisory-locks']);
    expect(one.ok && one.value.kind === 'start' && one.value.options.storeFeatures).toEqual({
      advisoryLocks: false,
    });
  });

  it('maps the safety flags onto startDirectory options', () => {
    const parsed = parseDirectoryArgs([
      '--dev-identities',
      '--dev-identities-max',
      '200000',
      '--dev-identity-lifetime-ms',
      '60000',
      '--allow-origin',
      'http://127.0.0.1:5173',
      '--allow-origin',
      'https://tool.example',
      '--allow-host',
      'dir.lan:7000',
      '--max-connections',
      '64',
      '--headers-timeout-ms',
      '2000',
      '--request-timeout-ms',
      '4000',
      '--presence-ping-ms',
      '500',
    ]);
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.options).toMatchObject({
      devIdentities: { enabled: true, max: 200000, lifetimeMs: 60000 },
      allowedOrigins: ['http://127.0.0.1:5173', 'https://tool.example'],
      allowedHosts: ['dir.lan:7000'],
      connectionLimits: { maxConnections: 64, headersTimeoutMs: 2000, requestTimeoutMs: 4000 },
      presence: { pingIntervalMs: 500 },
    });
    const off = parseDirectoryArgs(['--no-dev-identities']);
    expect(off.ok && off.value.kind === 'start' && off.value.options.devIdentities).toMatchObject({
      enabled: false,
    });
  });

  it('maps the identity lifetime flags onto the identity options, and leaves them out unless given', () => {
    const parsed = parseDirectoryArgs([
      '--access-token-ms',
      '60000',
      '--refresh-token-ms',
      '600000',
      '--user-token-ms',
      '120000',
      '--xsts-token-ms',
      '90000',
      '--device-code-ms',
      '30000',
      '--device-poll-interval-s',
      '2',
    ]);
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.options.identity).toEqual({
      accessTokenMs: 60000,
      refreshTokenMs: 600000,
      userTokenMs: 120000,
      xstsTokenMs: 90000,
      deviceCodeMs: 30000,
      devicePollIntervalS: 2,
    });
    const one = parseDirectoryArgs(['--xsts-token-ms', '90000']);
    expect(one.ok && one.value.kind === 'start' && one.value.options.identity).toEqual({
      xstsTokenMs: 90000,
    });
    const none = parseDirectoryArgs([]);
    expect(none.ok && none.value.kind === 'start' && 'identity' in none.value.options).toBe(false);
  });

  it('maps the web invite page flags, and refuses an installer URL that is not https', () => {
    const parsed = parseDirectoryArgs([
      '--game-name',
      'Harbor Raid',
      '--download-windows',
      'https://downloads.example.com/Setup.exe',
      '--download-linux',
      'https://downloads.example.com/Rallypoint.AppImage',
    ]);
    expect(parsed.ok && parsed.value.kind === 'start' && parsed.value.options.invitePage).toEqual({
      gameName: 'Harbor Raid',
      downloads: {
        windows: 'https://downloads.example.com/Setup.exe',
        linux: 'https://downloads.example.com/Rallypoint.AppImage',
      },
    });
    for (const bad of ['http://x.example/a.dmg', 'https://u:p@x.example/a.dmg', 'a.dmg']) {
      const refused = parseDirectoryArgs(['--download-macos', bad]);
      expect(refused.ok ? '' : refused.error).toContain('--download-macos needs an https:// URL');
    }
    expect(parseDirectoryArgs(['--game-name', ' ']).ok).toBe(false);
  });

  it('recognises --help', () => {
    expect(parseDirectoryArgs(['--help'])).toEqual({ ok: true, value: { kind: 'help' } });
  });
});
