/**
 * One namespace-LAN harness for the tests and the benchmarks, the way hyperdht's testnet
 * serves hyperswarm's: LAN building (lan.ts, layout.ts, namespaces.ts), link impairment
 * (impair.ts), processes inside namespaces (processes.ts, event-log.ts) and one teardown
 * registry (teardown.ts). tsc compiles it for the benches; tap runs it as TypeScript.
 * Traffic stays inside the namespaces it creates: no host has a default route.
 */
export { createLan, Lan, type LanOptions } from './lan.js'
export type { Host, LanSpec } from './layout.js'
export { cleanupStale, lanSupport, type Support } from './namespaces.js'
export { impairMissing, type ImpairOptions, type Impairment, type ImpairStats } from './impair.js'
export { killGroup, run, type ExecOptions, type ExecResult } from './processes.js'
export { EventLog, type Event } from './event-log.js'
