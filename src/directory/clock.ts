/** A source of the current time in epoch milliseconds; tests inject one to move timers forward. */
export interface Clock {
  now(): number;
}
