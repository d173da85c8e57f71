/**
 * The live "next try in N seconds" line while the join waits to retry. It ticks four times a
 * second so the number changes on time, and stops itself when the view moves on.
 */
import { setText } from './dom';

export interface CountdownText {
  /** Text while `seconds` (≥ 1) remain. */
  remaining(seconds: number): string;
  /** Text once the deadline has passed but the next attempt has not been reported yet. */
  due(): string;
}

export function startCountdown(
  target: Element,
  until: number,
  text: CountdownText,
  now: () => number = Date.now,
): () => void {
  const tick = (): void => {
    const seconds = Math.ceil((until - now()) / 1000);
    setText(target, seconds >= 1 ? text.remaining(seconds) : text.due());
  };
  tick();
  const timer = setInterval(tick, 250);
  return () => clearInterval(timer);
}
