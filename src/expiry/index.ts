/** Disappearing messages: a room's lifetime setting, applied by sweeping every log held (issue 21). */
export { formatExpire, parseExpire } from './duration.js'
export { ExpiryRunner, SWEEP_INTERVAL_MS, type ExpiryOptions } from './runner.js'
export { KEPT_TYPES, runs, sweepLog } from './sweep.js'
export { horizonOf, type RoomExpiry } from '../moderation/room-settings.js'
