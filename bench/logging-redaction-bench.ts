/**
 * What the log redaction hook costs, as ratios measured in this process:
 * - per line: a real electron-log instance writing typical launcher lines with the hook, against
 *   the same instance without it (console transport writes into a no-op, no file), so the ratio is
 *   the hook's share of a log call;
 * - scaling: redaction time per KB on hostile text (long dotted runs, base64 runs, quote runs,
 *   repeated links) at 4 KB and at 64 KB; a ratio near 1 means linear, a growing one means a regex
 *   backtracks quadratically (an unbounded scheme quantifier once did: 32 KB took over a second).
 */
import log from 'electron-log/node';
import { performance } from 'node:perf_hooks';
import { configureLogging } from '../src/main/logging/configure-logging';
import { isRedactionHook } from '../src/main/logging/redaction-hook';
import { redactText } from '../src/main/logging/redact';

const link =
  'rallypoint://inviteHandleAccept?handle=0f3c12ab-9d4e-4b7a-8c11-5e2f90a1b2c3&invitedXuid=2814613569642996&senderXuid=2533274790412345';

/** A mix like the launcher's own: a decision line, a request dump, an error. */
function writeTypicalLines(logger: {
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
}): void {
  logger.info('join: writing session handle=0f3c12ab… (attempt 1)');
  logger.info('PUT', {
    url: 'http://127.0.0.1:4000/handles/0f3c12ab-9d4e-4b7a-8c11-5e2f90a1b2c3/session',
    headers: {
      Authorization: 'XBL3.0 x=1844674407370955;eyJ0eXAi.payload.sig',
      'x-xbl-contract-version': '107',
    },
    body: {
      members: { me: { constants: { system: { xuid: '2814613569642996', initialize: true } } } },
    },
  });
  logger.warn(new Error(`directory refused ${link}`));
}

/** Median microseconds per call over several rounds, after a warm-up. */
function measure(work: () => void, calls: number): number {
  for (let index = 0; index < calls; index++) work();
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = performance.now();
    for (let index = 0; index < calls; index++) work();
    rounds.push(((performance.now() - start) * 1e3) / calls);
  }
  rounds.sort((a, b) => a - b);
  return rounds[3] ?? Number.NaN;
}

function loggerWithHook(withHook: boolean) {
  const instance = log.create({ logId: `bench-${withHook ? 'hook' : 'plain'}` });
  const loggers = configureLogging(instance, { file: false, consoleLevel: 'info' });
  instance.transports.console.writeFn = () => undefined;
  if (!withHook)
    instance.hooks.splice(
      0,
      instance.hooks.length,
      ...instance.hooks.filter((h) => !isRedactionHook(h)),
    );
  return loggers.join;
}

const hostile: Record<string, (bytes: number) => string> = {
  'dotted run a.a.a.': (bytes) => 'a.'.repeat(bytes / 2),
  'base64 run Ab+': (bytes) => 'Ab+'.repeat(Math.floor(bytes / 3)),
  'quote runs "aaa': (bytes) => ('"' + 'a'.repeat(63)).repeat(bytes / 64),
  'repeated links': (bytes) => `${link} `.repeat(Math.floor(bytes / (link.length + 1))),
  'token fields': (bytes) => '{"xblToken":"abc","x":1}'.repeat(Math.floor(bytes / 24)),
};

export default async function bench(): Promise<void> {
  const plain = loggerWithHook(false);
  const hooked = loggerWithHook(true);
  const without = measure(() => writeTypicalLines(plain), 2_000);
  const withHook = measure(() => writeTypicalLines(hooked), 2_000);
  console.log(
    'electron-log, 3 typical lines, console transport into a no-op (median µs per batch)',
  );
  console.log(
    `  without hook ${without.toFixed(1)} µs  with redaction hook ${withHook.toFixed(1)} µs  ratio ${(withHook / without).toFixed(2)}`,
  );

  console.log('redactText time per KB, 64 KB input against 4 KB input (ratio ≈ 1: linear)');
  for (const [name, make] of Object.entries(hostile)) {
    const small = make(4 * 1024);
    const large = make(64 * 1024);
    const perKbSmall = measure(() => void redactText(small), 200) / (small.length / 1024);
    const perKbLarge = measure(() => void redactText(large), 20) / (large.length / 1024);
    console.log(
      `  ${name.padEnd(20)} 4 KB ${perKbSmall.toFixed(2).padStart(7)} µs/KB  64 KB ${perKbLarge.toFixed(2).padStart(7)} µs/KB  ratio ${(perKbLarge / perKbSmall).toFixed(2)}`,
    );
  }
}
