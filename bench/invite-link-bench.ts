/**
 * Invite-link parsing cost, as ratios against a baseline measured in the same process: WHATWG
 * `new URL()` plus `URLSearchParams` reading the same fields, which is what a naive parser would
 * do. Hostile inputs (2048 characters of escapes, ampersands or digits) show the parser stays
 * linear: its time per call should stay within a small factor of the baseline on the same input.
 */
import { performance } from 'node:perf_hooks';
import {
  defaultInviteLinkConfig,
  findInviteLinkInArgv,
  parseInviteLink,
} from '../src/shared/invite-link';

const handle = 'd7853aa1-6500-4fa8-a744-e093e77a4ba8';
const typical = `ms-xbl-multiplayer://inviteHandleAccept?handle=${handle}&invitedXuid=2814616402722312&senderXuid=2814650950488554&context=squad%20up`;
const prefix = `rallypoint://inviteHandleAccept?handle=${handle}&invitedXuid=1&senderXuid=2&context=`;
const hostile: Record<string, string> = {
  'typical link': typical,
  '2048 chars of escapes': prefix + '%41'.repeat(Math.floor((2048 - prefix.length) / 3)),
  '2048 chars of "&"': prefix + '&'.repeat(2048 - prefix.length),
  '2048-digit xuid': `rallypoint://inviteHandleAccept?handle=${handle}&senderXuid=2&invitedXuid=${'9'.repeat(1900)}`,
};

/** The naive reading the parser replaces; it validates far less, so it is a floor, not a rival. */
function baseline(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    const query = new URLSearchParams(url.search);
    return `${url.hostname}${query.get('handle')}${query.get('invitedXuid')}${query.get('senderXuid')}`;
  } catch {
    return undefined;
  }
}

/** Median nanoseconds per call over several rounds, after a warm-up. */
function measure(work: () => unknown, calls: number): number {
  for (let index = 0; index < calls; index++) work();
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = performance.now();
    for (let index = 0; index < calls; index++) work();
    rounds.push(((performance.now() - start) * 1e6) / calls);
  }
  rounds.sort((a, b) => a - b);
  return rounds[3] ?? Number.NaN;
}

export default async function bench(): Promise<void> {
  console.log(
    'parseInviteLink vs new URL() + URLSearchParams (median ns per call; ratio < 1 is faster)',
  );
  for (const [name, raw] of Object.entries(hostile)) {
    const ours = measure(() => parseInviteLink(raw, defaultInviteLinkConfig), 20_000);
    const theirs = measure(() => baseline(raw), 20_000);
    console.log(
      `  ${name.padEnd(24)} ours ${ours.toFixed(0).padStart(7)} ns  baseline ${theirs.toFixed(0).padStart(7)} ns  ratio ${(ours / theirs).toFixed(2)}`,
    );
  }

  // A second launch's argv is capped at 32 MB by Electron; scanning it must stay linear.
  const switches = Array.from({ length: 10_000 }, (_, index) => `--switch-${index}=${index}`);
  const argv = ['/opt/Rallypoint/rallypoint', ...switches, '--', typical];
  const scan = measure(() => findInviteLinkInArgv(argv, defaultInviteLinkConfig), 50);
  const floor = measure(() => argv.filter((arg) => arg.startsWith('ms-xbl-multiplayer:')), 50);
  console.log(
    `findInviteLinkInArgv, 10 002 arguments: ${(scan / 1e3).toFixed(0)} µs vs startsWith filter ${(floor / 1e3).toFixed(0)} µs, ratio ${(scan / floor).toFixed(2)}`,
  );
}
