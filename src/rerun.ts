/**
 * An async task that never overlaps itself and never answers a caller with a stale pass.
 * A call while the task runs gets one more run after it, shared by every such call: the
 * running pass may have read its input before what the caller was told of arrived. Without
 * this, a log that grew during a sweep waited for the next timer (found under CI load).
 */
export function rerunning<T> (task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null
  let queued: Promise<T> | null = null
  const call = async (): Promise<T> => {
    if (running === null) {
      running = task().finally(() => { running = null })
      return await running
    }
    const again = async (): Promise<T> => { queued = null; return await call() }
    queued ??= running.then(again, again)
    return await queued
  }
  return call
}
