/**
 * One run at a time of some work, however often it is asked for: a call while it runs
 * asks for one more run after it, and waits for that. Bursts of events cost one refresh.
 */
export class Coalescer {
  private readonly work: () => Promise<void>
  private running: Promise<void> | null = null
  private again = false

  constructor (work: () => Promise<void>) {
    this.work = work
  }

  /** Run the work until nobody asked again; true when this call started the run, false when it joined one. */
  async run (): Promise<boolean> {
    if (this.running !== null) {
      this.again = true
      await this.running
      return false
    }
    this.running = (async () => {
      do {
        this.again = false
        await this.work()
      } while (this.again)
    })().finally(() => { this.running = null })
    await this.running
    return true
  }
}
