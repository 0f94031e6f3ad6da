/** Shutdown drills: probes, automatic acknowledgements, reports and simulations. */
export { Drills, type DrillSummary } from './drills.js'
export { DrillResponder, type PeerView } from './responder.js'
export { drillAckOn } from '../room/settings.js'
export { checkPlan, DEFAULT_PLAN, DrillRunner, type DrillPlan, type StartedDrill } from './runner.js'
export { buildReport, distribution, METHOD } from './report.js'
export { DrillScan } from './scan.js'
export type * from './types.js'
