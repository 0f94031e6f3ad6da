/** Message commands: send and log. */
import type { Command } from './types.js'
import { optInt, str } from './args.js'
import { roomArg } from './room.js'

/** `send ROOM TEXT`: resolves once the message is stored. */
export const send: Command = {
  name: 'send',
  summary: 'send a message to a room',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const sent = await tt.send(room, str(args, 'text'))
    return { room: room.name, ...sent }
  }
}

/** `log ROOM [--limit N | --all]`: the timeline, oldest first. */
export const log: Command = {
  name: 'log',
  summary: 'show the messages of a room',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const timeline = await tt.timeline(room, { showHidden: args.showHidden === true })
    if (args.all === true) {
      const items = []
      for await (const item of timeline.all()) items.push(item)
      return items
    }
    return await timeline.page({ limit: optInt(args, 'limit') ?? 50 })
  }
}
