/** Throws a RangeError naming `what` unless `value` is a finite number greater than zero. */
export function assertPositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${what} must be a finite number greater than 0, got ${String(value)}`);
  }
}
