/**
 * `/web` in the app (issue 20): the app's own node starts serving phones, and the app shows
 * the room's phone link (the served address, #, the invite) and its QR code. The served
 * page answers over real HTTP.
 */
import t from 'tap'
import { appInRoom } from '../helpers/tui-app.js'

t.test('/web starts serving phones and shows the room\'s link and QR code', async (t) => {
  const { model, node } = await appInRoom(t, { webLater: { port: 0, host: '127.0.0.1' } })
  t.equal(node.web, null, 'the app serves no phones before /web')
  const qrs: string[] = []
  model.on('qr', (text: string) => qrs.push(text))
  await model.submit('/invite')
  const invite = /(tamtam1\S+)/.exec(model.state.notices.join('\n'))?.[1]
  t.ok(invite !== undefined, 'the room has an invite')
  await model.submit('/web')
  t.not(node.web, null, '/web started the web server')
  const link = /(http:\/\/127\.0\.0\.1:\d+\/#tamtam1\S+)/.exec(model.state.notices.join('\n'))?.[1]
  t.ok(link !== undefined, 'the app shows the phone link', { notices: model.state.notices })
  t.ok(link?.includes(`#${String(invite)}`) === true, 'with the room\'s invite after #', { link, invite })
  t.equal(qrs.length, 1, 'and its QR code')
  const page = await fetch(String(link).split('#')[0])
  t.equal(page.status, 200, 'the served page answers')
  await model.submit('/web')
  t.equal(qrs.length, 2, 'a second /web shows the link again')
  t.match(model.state.notices.join('\n'), /http:\/\/127\.0\.0\.1:\d+\/#/, 'from the same server')
})
