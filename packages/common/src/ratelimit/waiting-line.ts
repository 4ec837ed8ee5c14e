/**
 * Calls waiting for dispatch, in dispatch order: higher `priority` first, first come first
 * served within equal priority.
 */
export class WaitingLine<T extends { readonly priority: number }> {
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  /** Queues `item` behind every item of the same or higher priority. */
  add(item: T): void {
    const firstLower = this.#items.findIndex((queued) => queued.priority < item.priority);
    if (firstLower === -1) this.#items.push(item);
    else this.#items.splice(firstLower, 0, item);
  }

  /** The first item in dispatch order that satisfies `predicate`. */
  find(predicate: (item: T) => boolean): T | undefined {
    return this.#items.find(predicate);
  }

  /** Whether any item satisfies `predicate`. */
  some(predicate: (item: T) => boolean): boolean {
    return this.#items.some(predicate);
  }

  /** Removes `item`; returns false if it was not waiting. */
  remove(item: T): boolean {
    const index = this.#items.indexOf(item);
    if (index === -1) return false;
    this.#items.splice(index, 1);
    return true;
  }

  /** Removes and returns every item, in dispatch order. */
  removeAll(): T[] {
    return this.#items.splice(0, this.#items.length);
  }
}
