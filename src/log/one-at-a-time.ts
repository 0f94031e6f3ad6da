/**
 * Runs tasks one after the other, in the order they were given, whatever each one does:
 * a writer that checks a block against the log's length, then appends it, must not let
 * a second task check the same length in between.
 */
export class OneAtATime {
  private queue: Promise<unknown> = Promise.resolve()

  /** Run `fn` once every task given before it has settled. */
  async run<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return await run
  }

  /** Wait for every task given so far. */
  async idle (): Promise<void> {
    await this.queue
  }
}
