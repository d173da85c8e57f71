/**
 * Seeded fault injection: decides, per request to the handle and session API, whether to answer
 * with an error, drop the connection before or after applying the request, or add latency. Every
 * fault is logged so a resilience test can count what it survived.
 */
import type { FaultKind, FaultLog, FaultOptions, FaultRecord } from './directory-options';
import { seededRandom, type RandomSource } from './seeded-random';

/** The decision for one request; `none` lets it through untouched. */
export type FaultDecision = FaultKind | 'none';

/** Decides faults and is the `faultLog` a running directory exposes. */
export class FaultInjector implements FaultLog {
  readonly #random: RandomSource;
  readonly #options: FaultOptions;
  readonly #entries: FaultRecord[] = [];
  readonly #counts = new Map<FaultKind, number>();
  /** Options are fixed at construction, so whether anything is configured is decided once. */
  readonly #enabled: boolean;

  constructor(options: FaultOptions | undefined) {
    this.#options = options ?? {};
    this.#random = seededRandom(this.#options.seed ?? 1);
    const o = this.#options;
    this.#enabled =
      this.latencyMs > 0 ||
      [
        o.fraction503,
        o.fraction500,
        o.fraction429,
        o.fractionResetBeforeApply,
        o.fractionResetAfterApply,
      ].some((fraction) => (fraction ?? 0) > 0);
  }

  get entries(): readonly FaultRecord[] {
    return this.#entries;
  }

  get latencyMs(): number {
    return Math.max(0, this.#options.latencyMs ?? 0);
  }

  get retryAfterSeconds(): number {
    return Math.max(0, Math.round(this.#options.retryAfterSeconds ?? 1));
  }

  /** True when any fault or latency is configured; lets the server skip the work otherwise. */
  get enabled(): boolean {
    return this.#enabled;
  }

  count(kind?: FaultKind): number {
    if (kind === undefined) return this.#entries.length;
    return this.#counts.get(kind) ?? 0;
  }

  /** Draws one number and maps it onto the configured fractions, in a fixed order. */
  decide(method: string, path: string, now: number): FaultDecision {
    if (!this.enabled) return 'none';
    const o = this.#options;
    const draw = this.#random();
    const bands: Array<[FaultKind, number | undefined]> = [
      ['503', o.fraction503],
      ['500', o.fraction500],
      ['429', o.fraction429],
      ['reset-before-apply', o.fractionResetBeforeApply],
      ['reset-after-apply', o.fractionResetAfterApply],
    ];
    let upper = 0;
    for (const [kind, fraction] of bands) {
      upper += clampFraction(fraction);
      if (draw < upper) {
        this.#entries.push({ kind, method, path, at: now });
        this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
        return kind;
      }
    }
    return 'none';
  }
}

function clampFraction(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

const faultKinds: readonly FaultKind[] = [
  '503',
  '500',
  '429',
  'reset-before-apply',
  'reset-after-apply',
];

/**
 * One line saying which faults a directory injected, by kind (`injected 12 faults: 503 4, 429 2,
 * …`), printed when it closes: with `--workers` each process keeps its own log, so this line is how
 * a test or an operator adds them up. Undefined when nothing was injected.
 */
export function describeFaults(log: FaultLog): string | undefined {
  const total = log.count();
  if (total === 0) return undefined;
  const kinds = faultKinds
    .filter((kind) => log.count(kind) > 0)
    .map((kind) => `${kind} ${log.count(kind)}`);
  return `injected ${total} faults: ${kinds.join(', ')}`;
}
