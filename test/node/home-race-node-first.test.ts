// Issue 16, bug 1: `up &` then `send` at once, 20 times: whoever takes the store first, the other waits.
import t from 'tap'
import { raceTest } from './home-race-helpers.js'

raceTest(t, true)
