/**
 * A value that is here now or will be. The in-memory store answers at once and a shared store
 * (Redis, say) answers with a promise; code that goes on with `andThen` runs on in the same call
 * when the value is already here. Every `await` costs a trip through the microtask queue even for
 * a value that is ready, and on a join served from memory those trips, with the promises and async
 * frames around them, cost more than the write itself (docs/directory.md, "Design").
 */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * Whether `value` is still to come. Tested by `then`, as promises are adopted, so a store built on
 * another promise library works too; no value a store or the service hands back has a `then`.
 */
export function isPending<T>(value: Awaitable<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Runs `next` on `value`: at once when it is here (and so a throw in `next` throws to the caller),
 * or once it comes (and then a throw rejects the promise returned).
 */
export function andThen<T, U>(value: Awaitable<T>, next: (value: T) => Awaitable<U>): Awaitable<U> {
  return isPending(value) ? Promise.resolve(value).then(next) : next(value);
}
