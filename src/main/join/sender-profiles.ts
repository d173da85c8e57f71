/**
 * Who sent the invite, by name and picture, from the first frame: when an invite arrives the join
 * service asks for the sender's profile here, beside (never before) the session write. Answers are
 * kept per XUID, one lookup per sender, and every arrival is announced so the service can redraw
 * its view. A lookup that fails, is refused or never answers leaves the sender unnamed, and the
 * window says "a friend"; nothing here can delay or fail a join.
 */
import { allowedPictureUrl } from '../../shared/sender-picture';

/** What the window may show of a sender: untrusted text and a picture URL its CSP allows. */
export interface SenderProfile {
  readonly gamertag: string;
  readonly pictureUrl?: string;
}

/** One profile lookup: a profile, or undefined when the sender could not be named. */
export type LookUpSender = (xuid: string) => Promise<SenderProfile | undefined>;

export interface SenderProfilesOptions {
  readonly lookUp: LookUpSender;
  /** Origin of the profile service; a plain-http picture must come from it (the local directory). */
  readonly serviceOrigin?: string;
  /** Called when a sender's profile arrives. */
  readonly onNamed: (xuid: string) => void;
  readonly log?: (line: string) => void;
}

/** The profiles known so far, and the way to ask for one more. */
export interface SenderProfiles {
  /** Starts the lookup of `xuid` unless one is running or answered; returns at once. */
  request(xuid: string): void;
  /** Profiles that arrived, by XUID. */
  readonly known: ReadonlyMap<string, SenderProfile>;
  /** Settles when every lookup started so far has (tests and the bench wait on it). */
  idle(): Promise<void>;
}

/** Most senders remembered; a launcher sees a handful per session. */
const maxSenders = 256;

/**
 * A picture the window will load: allowed by the page's CSP, and when plain http, served by the
 * profile service's own origin (the local directory), not any other port on this machine.
 */
export function usableSenderPicture(
  value: string | undefined,
  serviceOrigin: string | undefined,
): string | undefined {
  const allowed = allowedPictureUrl(value);
  if (allowed === undefined) return undefined;
  const url = new URL(allowed);
  if (url.protocol === 'https:') return allowed;
  return serviceOrigin !== undefined && url.origin === serviceOrigin ? allowed : undefined;
}

/** Keeps sender lookups and their answers for one join service. */
export function createSenderProfiles(options: SenderProfilesOptions): SenderProfiles {
  const known = new Map<string, SenderProfile>();
  const started = new Set<string>();
  const pending = new Set<Promise<void>>();
  const log = options.log ?? (() => undefined);
  return {
    known,
    request(xuid) {
      if (started.has(xuid)) return;
      if (started.size >= maxSenders) {
        started.clear();
        known.clear();
      }
      started.add(xuid);
      log(`looking up the invite's sender beside the session write`);
      const lookup = (async () => {
        let profile: SenderProfile | undefined;
        try {
          profile = await options.lookUp(xuid);
        } catch (error) {
          log(`sender lookup failed unexpectedly (${String(error)}); shown as a friend`);
          started.delete(xuid);
          return;
        }
        if (profile === undefined || profile.gamertag.trim() === '') {
          log('the sender could not be named; shown as a friend');
          // The next invite from them asks again.
          started.delete(xuid);
          return;
        }
        const pictureUrl = usableSenderPicture(profile.pictureUrl, options.serviceOrigin);
        if (profile.pictureUrl !== undefined && pictureUrl === undefined) {
          log('the sender picture is not from an allowed origin; shown without it');
        }
        known.set(xuid, { gamertag: profile.gamertag, ...(pictureUrl ? { pictureUrl } : {}) });
        options.onNamed(xuid);
      })();
      pending.add(lookup);
      void lookup.finally(() => pending.delete(lookup));
    },
    async idle() {
      await Promise.all([...pending]);
    },
  };
}
