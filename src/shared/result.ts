/**
 * The value-or-typed-error shape every boundary returns instead of throwing, so callers must handle
 * the failure branch and the error's code stays a closed union the compiler can check.
 */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });

export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({
  ok: false,
  error,
});
