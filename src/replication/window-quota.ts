/** A count in fixed windows: `take` is false once more than `limit` fell in the current one. */
export class WindowQuota {
  private start = 0
  private count = 0
  constructor (private readonly limit: number, private readonly windowMs: number) {}

  take (now: number): boolean {
    if (now - this.start >= this.windowMs) {
      this.start = now
      this.count = 0
    }
    return ++this.count <= this.limit
  }
}
