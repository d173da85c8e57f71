import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InviteTarget } from '../../../src/main/intake/invite-target';
import { LinkIntake } from '../../../src/main/intake/link-intake';
import { defaultInviteLinkConfig } from '../../../src/shared/invite-link';
import { RecordingLogger } from './recording-logger';

const handles = [
  'd7853aa1-6500-4fa8-a744-e093e77a4ba8',
  '0f3c12ab-1111-4222-8333-944455556666',
  'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
];
const link = (handle: string) =>
  `rallypoint://inviteHandleAccept?handle=${handle}&invitedXuid=1&senderXuid=2`;

type Step =
  | {
      readonly type: 'link';
      readonly handle: number;
      readonly valid: boolean;
      readonly viaArgv: boolean;
    }
  | { readonly type: 'attach' }
  | { readonly type: 'detach' }
  | { readonly type: 'finish' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('link' as const),
      handle: fc.integer({ min: 0, max: handles.length - 1 }),
      valid: fc.boolean(),
      viaArgv: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'attach' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'detach' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'finish' as const }) },
);

describe('link intake over any sequence of arrivals, windows and joins', () => {
  it('accounts for every link exactly once, in arrival order, deduplicating only the join in flight', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const intake = new LinkIntake({
          config: defaultInviteLinkConfig,
          logger: new RecordingLogger(),
        });
        // The join flow outlives windows: every target shares it.
        let inFlight: string | undefined;
        const outcomes: string[] = [];
        const target = (): InviteTarget => ({
          submit: (invite) => {
            outcomes.push(`submit:${invite.handleId}`);
            inFlight = invite.handleId;
          },
          inFlightHandleId: () => inFlight,
          rejectLink: (error) => outcomes.push(`reject:${error.code}`),
          revealWindow: () => undefined,
        });

        // A reference model of the promised behaviour.
        const expected: string[] = [];
        let modelInFlight: string | undefined;
        let modelAttached = false;
        const waiting: { handle: string; valid: boolean }[] = [];
        const drain = () => {
          while (modelAttached && waiting.length > 0) {
            const next = waiting.shift()!;
            if (!next.valid) expected.push('reject:invalid-handle');
            else if (modelInFlight === next.handle) expected.push(`ignored:${next.handle}`);
            else {
              expected.push(`submit:${next.handle}`);
              modelInFlight = next.handle;
            }
          }
        };

        let detach: (() => void) | undefined;
        let links = 0;
        const run = (current: Step) => {
          switch (current.type) {
            case 'link': {
              links++;
              const handle = handles[current.handle]!;
              const raw = link(current.valid ? handle : `${handle}x`);
              if (current.viaArgv)
                intake.receiveArgv(['/opt/rallypoint', '--', raw], 'second-instance');
              else intake.receiveUrl(raw, 'open-url');
              waiting.push({ handle, valid: current.valid });
              drain();
              return;
            }
            case 'attach':
              detach?.();
              detach = intake.attach(target());
              modelAttached = true;
              drain();
              return;
            case 'detach':
              detach?.();
              detach = undefined;
              modelAttached = false;
              return;
            case 'finish':
              inFlight = undefined;
              modelInFlight = undefined;
              return;
          }
        };
        for (const current of steps) run(current);
        run({ type: 'attach' });

        expect(outcomes).toEqual(expected.filter((outcome) => !outcome.startsWith('ignored:')));
        expect(expected).toHaveLength(links);
        expect(intake.pendingCount).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
