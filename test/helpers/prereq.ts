/**
 * What a test does when this machine lacks something it needs (root, `ip netns`, tmux, a
 * tmpfs mount, iptables). Every such check in test/ goes through here, so the rule lives
 * in one place: on a developer's machine the test is skipped with the reason; under
 * CI=true it FAILS, because CI is set up with all of them and a skip there would report a
 * test that never ran as if it had passed.
 */

/** Whether missing prerequisites fail the run (CI=true) rather than skip. Read on each call. */
export function prerequisitesRequired (): boolean {
  return process.env.CI === 'true'
}

/**
 * For a tap test `t`: true when `missing` is null (the test can run). Otherwise records a
 * failure under CI=true, or a SKIP with the reason elsewhere, and returns false. Use as
 * `if (!requirePrerequisite(t, 'tmux', tmuxMissing())) return`.
 */
export function requirePrerequisite (t: any, what: string, missing: string | null): boolean {
  if (missing === null) return true
  const message = `needs ${what}: ${missing}`
  if (prerequisitesRequired()) {
    t.fail(`${message} (CI=true: a missing prerequisite fails the run instead of skipping)`)
    return false
  }
  t.skip(message)
  return false
}

/**
 * For part of a test that only some machines can run (e.g. a firewall case): true when
 * `missing` is null. Otherwise fails under CI=true, or says in a comment what was not
 * exercised, and returns false.
 */
export function requirePartPrerequisite (t: any, part: string, missing: string | null): boolean {
  if (missing === null) return true
  if (prerequisitesRequired()) {
    t.fail(`${part}: ${missing} (CI=true: a missing prerequisite fails the run instead of skipping)`)
    return false
  }
  t.comment(`${part} not exercised here: ${missing}`)
  return false
}
