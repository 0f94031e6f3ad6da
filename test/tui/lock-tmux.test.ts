/**
 * The app on a locked home, in a real terminal (tmux): the passphrase is asked without echo,
 * three wrong tries end the run with a clear error and lock nobody out, the right one opens
 * the rooms, and `/panic` typed twice wipes the home and ends the app.
 */
import t from 'tap'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { cli, passphrases } from '../helpers/cli.js'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { tempDir } from '../helpers/peers.js'
import { appCommand, skipUnlessTmux, Tmux } from '../helpers/tmux.js'

const PASS = 'sous le manguier'

t.test('the app asks the passphrase without echo, survives wrong tries, opens, and /panic wipes', async (t) => {
  if (!skipUnlessTmux(t) || !skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a'] } })
  t.teardown(() => lan.destroy())
  const home = path.join(tempDir(t), 'home')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa', '--passphrase'], passphrases(PASS))).code, 0)
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'], passphrases(PASS))).code, 0)
  const command = appCommand({ netns: lan.host('a').ns, args: ['--home', home, 'tui', '--lan-only'] })

  const wrong = await Tmux.start(t, command)
  for (let i = 0; i < 3; i++) {
    t.ok(await wrong.waitFor(i === 0 ? /Passphrase for/ : new RegExp(`Wrong passphrase \\(${i}/3\\)`), 15_000), `asked (try ${i + 1})`)
    await wrong.line(`faux-${i}-secret`)
  }
  t.equal(await wrong.exitCode(15_000), 1, 'three wrong tries end the run')
  const screen = await wrong.screen()
  t.match(screen, /PASSPHRASE_WRONG|wrong passphrase/i, 'with the coded error')
  t.notMatch(screen, /faux-\d-secret/, 'nothing typed was echoed')

  const right = await Tmux.start(t, command)
  t.ok(await right.waitFor(/Passphrase for/, 15_000), 'asked again: no lockout')
  await right.line(PASS)
  t.ok(await right.waitFor(/atelier/, 20_000), 'the right passphrase opens the rooms')
  t.notMatch(await right.screen(), /manguier/, 'the passphrase was not echoed')
  await right.line('/panic')
  t.ok(await right.waitFor(/again within 10 s/, 5_000), 'the first /panic asks for confirmation')
  t.ok(existsSync(path.join(home, 'lock.json')), 'nothing wiped yet')
  await right.line('/panic')
  t.equal(await right.exitCode(15_000), 0, 'the second one wipes and the app ends')
  for (const file of ['lock.json', 'identity.json', 'rooms.json']) t.notOk(existsSync(path.join(home, file)), `${file} is gone`)
})
