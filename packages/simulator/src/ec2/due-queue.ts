interface DueTask {
  at: number;
  order: number;
  run: () => void;
}

/**
 * Work that falls due at a time of the simulator's clock (an instance done shutting down, a
 * terminated instance to forget), run by `runDue(now)` at the start of every call instead of
 * by a timer per resource. A binary min-heap on the due time; ties run in scheduling order.
 */
export class DueQueue {
  private readonly heap: DueTask[] = [];
  private scheduled = 0;

  schedule(at: number, run: () => void): void {
    this.heap.push({ at, order: this.scheduled++, run });
    this.siftUp(this.heap.length - 1);
  }

  /** Runs every task due at or before `now`, including those that due tasks schedule. */
  runDue(now: number): void {
    for (let top = this.heap[0]; top && top.at <= now; top = this.heap[0]) {
      const last = this.heap.pop();
      if (last && this.heap.length > 0) {
        this.heap[0] = last;
        this.siftDown(0);
      }
      top.run();
    }
  }

  private at(index: number): DueTask {
    return this.heap[index] as DueTask;
  }

  private before(a: number, b: number): boolean {
    const x = this.at(a);
    const y = this.at(b);
    return x.at < y.at || (x.at === y.at && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const x = this.at(a);
    this.heap[a] = this.at(b);
    this.heap[b] = x;
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let first = index;
      if (left < this.heap.length && this.before(left, first)) first = left;
      if (right < this.heap.length && this.before(right, first)) first = right;
      if (first === index) return;
      this.swap(index, first);
      index = first;
    }
  }
}
