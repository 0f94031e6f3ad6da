/**
 * `drill sim` as a command. It is not in the command table: the node never runs it (it is
 * heavy work that must stop with its own terminal), so `runCommand` runs it in the calling
 * process only. Keeping it out of the table also keeps the simulator, which builds nodes,
 * out of the node's own imports.
 */
import { emit, reportFormat } from '../commands/drills.js'
import { lang, optDuration, optInt, optPercent } from '../commands/args.js'
import { loadLang, translator } from '../i18n/index.js'
import type { Command } from '../commands/types.js'
import { simulate } from './simulation.js'

/** `drill sim --peers 50 --degree 3 [--loss 5%] [--partition 30s]` */
export const drillSim: Command = {
  name: 'drill.sim',
  summary: 'rehearse a drill: an in-process simulation over real stores and streams',
  run: async (_ctx, args, out) => {
    reportFormat(args)
    // The facilitator's name ends up in the report: in the language it is rendered in.
    const t = translator(await loadLang(lang(args)))
    // drill sim always runs in the CLI's own process (see runCommand): Ctrl-C aborts
    // the caller's signal and must stop it cleanly, or its temporary stores (gigabytes for
    // 100+ peers) stay behind.
    const result = await simulate({
      signal: out.signal,
      peers: optInt(args, 'peers') ?? 30,
      degree: optInt(args, 'degree') ?? 3,
      lossPct: optPercent(args, 'loss') ?? 0,
      partitionMs: optDuration(args, 'partition') ?? 0,
      probes: optInt(args, 'probes'),
      intervalMs: optDuration(args, 'interval'),
      seed: optInt(args, 'seed'),
      facilitator: t('drill.simFacilitator'),
      onProgress: (e) => out.progress?.({ event: 'sim', ...e })
    })
    return { ...(await emit(result.report, args)), stats: result.stats }
  }
}
