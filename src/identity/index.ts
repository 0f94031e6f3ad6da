/** Identity: key pair, nickname, fingerprints. */
export * from './identity.js'
export { shortFingerprint, fingerprintWords } from './fingerprint.js'
