/** A home's passphrase, the panic wipe and the duress passphrase (issue 21; docs/security.md §4). */
export { unlockHome, setLock, changeLock, removeLock, isLocked, readLock, UNLOCK_TRIES } from './lock.js'
export { wipeHome, type WipeResult } from './wipe.js'
export { setPassphraseSource, askPassphrase, passphraseFdSet, environmentSource, type PassphraseSource, type PassphrasePurpose } from './passphrase.js'
export { homeKey, isWiped } from './keyring.js'
export { kdfDefaults } from './kdf.js'
