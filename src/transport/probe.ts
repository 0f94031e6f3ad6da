/**
 * A bare TCP reachability probe (no Noise): used by the doctor to test our own port and by
 * dial-back to test someone else's view of it.
 */
import net from 'node:net'

/** Try a TCP connection; true once it connects, false on error or after `timeoutMs`. */
export async function canConnect (host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean): void => { clearTimeout(timer); socket.destroy(); resolve(ok) }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
