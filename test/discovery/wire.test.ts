// The beacon wire format (docs/protocol.md section 7) and the interface helpers: pure functions, table-driven.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import {
  encodeBeacon, decodeBeacon, broadcastAddress, lanAddresses,
  BEACON_SIZE, BEACON_VERSION, BEACON_MAGIC
} from '../../src/discovery/index.js'

const instanceId = Buffer.alloc(16, 0xab)
const publicKey = Buffer.alloc(32, 0xcd)
const valid = encodeBeacon({ port: 4242, instanceId, publicKey })

/** `valid` with some bytes overwritten at `offset`. */
function patched (offset: number, bytes: number[]): Buffer {
  const b = Buffer.from(valid)
  b.set(bytes, offset)
  return b
}

t.test('encodes the exact version 1 layout', async (t) => {
  t.equal(valid.length, BEACON_SIZE, '56 bytes')
  t.equal(valid.subarray(0, 4).toString('ascii'), BEACON_MAGIC, 'magic TTBC')
  t.equal(valid[4], BEACON_VERSION, 'version 1')
  t.equal(valid[5], 0, 'flags 0')
  t.equal(valid.readUInt16BE(6), 4242, 'port, big-endian')
  t.same(valid.subarray(8, 24), instanceId, 'instance id at 8')
  t.same(valid.subarray(24, 56), publicKey, 'public key at 24')
  // A fixed vector, so another implementation can check itself against this one.
  t.equal(encodeBeacon({ port: 0x1234, instanceId: Buffer.alloc(16, 1), publicKey: Buffer.alloc(32, 2) }).toString('hex'),
    '54544243' + '01' + '00' + '1234' + '01'.repeat(16) + '02'.repeat(32), 'test vector')
})

t.test('round-trips', async (t) => {
  for (const port of [1, 80, 49737, 65535]) {
    const fields = { port, instanceId: randomBytes(16), publicKey: randomBytes(32) }
    t.same(decodeBeacon(encodeBeacon(fields)), { version: 1, flags: 0, ...fields }, `port ${port}`)
  }
})

t.test('decode refuses what is not a beacon, without throwing', async (t) => {
  const cases: Array<[string, Uint8Array]> = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([0x54])],
    ['just the magic', Buffer.from('TTBC')],
    ['truncated by one byte', valid.subarray(0, 55)],
    ['version 1 with a trailing byte (v1 is exactly 56)', Buffer.concat([valid, Buffer.from([0])])],
    ['wrong magic', patched(0, [0x54, 0x54, 0x42, 0x44])],
    ['magic in lower case', patched(0, [0x74, 0x74, 0x62, 0x63])],
    ['version 0', patched(4, [0])],
    ['port 0', patched(6, [0, 0])],
    ['56 zero bytes', Buffer.alloc(56)],
    ['56 random bytes', Buffer.concat([Buffer.from('XXXX'), randomBytes(52)])],
    ['a 64 KiB datagram of zeros', Buffer.alloc(65507)],
    ['text', Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n')]
  ]
  for (const [name, buf] of cases) t.equal(decodeBeacon(buf), null, name)
  // A burst of random garbage: never a throw, never a beacon (the magic makes a false positive vanishingly rare).
  let accepted = 0
  for (let i = 0; i < 5000; i++) if (decodeBeacon(randomBytes(i % 100)) !== null) accepted++
  t.equal(accepted, 0, '5000 random datagrams all refused')
})

t.test('decode reads the version 1 fields of a later version (forward compatible)', async (t) => {
  const cases: Array<[string, Buffer, number]> = [
    // A v2 sender appends fields after the v1 ones; an old node must still find it.
    ['version 2 with 20 extra bytes', Buffer.concat([patched(4, [2]), randomBytes(20)]), 2],
    ['version 2 of exactly 56 bytes', patched(4, [2]), 2],
    ['version 255 with flags set', Buffer.concat([patched(4, [255, 0x81]), Buffer.alloc(100)]), 255]
  ]
  for (const [name, buf, version] of cases) {
    const d = decodeBeacon(buf)
    t.equal(d?.version, version, `${name}: version`)
    t.equal(d?.port, 4242, `${name}: port`)
    t.same(d?.publicKey, publicKey, `${name}: public key`)
    t.same(d?.instanceId, instanceId, `${name}: instance id`)
  }
  t.equal(decodeBeacon(Buffer.concat([patched(4, [2]), Buffer.alloc(4)]).subarray(0, 40)), null, 'a later version shorter than 56 bytes is refused')
  t.equal(decodeBeacon(patched(5, [0x01]))?.flags, 1, 'unknown flags in version 1 are read, not refused')
})

t.test('decode copies the keys out of the datagram', async (t) => {
  const buf = Buffer.from(valid)
  const d = decodeBeacon(buf)
  buf.fill(0)
  t.same(d?.publicKey, publicKey, 'the decoded key does not alias the datagram buffer')
})

t.test('encode refuses bad fields (a programmer error)', async (t) => {
  const cases: Array<[string, Parameters<typeof encodeBeacon>[0]]> = [
    ['port 0', { port: 0, instanceId, publicKey }],
    ['port 65536', { port: 65536, instanceId, publicKey }],
    ['port 1.5', { port: 1.5, instanceId, publicKey }],
    ['short instance id', { port: 1, instanceId: Buffer.alloc(15), publicKey }],
    ['long public key', { port: 1, instanceId, publicKey: Buffer.alloc(33) }],
    ['flags 256', { port: 1, instanceId, publicKey, flags: 256 }]
  ]
  for (const [name, fields] of cases) t.throws(() => encodeBeacon(fields), RangeError, name)
})

t.test('broadcastAddress', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['192.168.1.37', '255.255.255.0', '192.168.1.255'],
    ['10.0.0.7', '255.0.0.0', '10.255.255.255'],
    ['172.16.5.4', '255.255.240.0', '172.16.15.255'],
    ['10.1.2.3', '255.255.255.255', '10.1.2.3'], // /32: the address itself
    ['10.1.2.3', '0.0.0.0', '255.255.255.255'],
    ['192.168.1.128', '255.255.255.128', '192.168.1.255']
  ]
  for (const [address, netmask, expected] of cases) t.equal(broadcastAddress(address, netmask), expected, `${address} ${netmask}`)
  for (const bad of ['', '10.0.0', '10.0.0.256', 'fe80::1', '1.2.3.4.5']) {
    t.throws(() => broadcastAddress(bad, '255.255.255.0'), /not an IPv4 address/, `refuses ${JSON.stringify(bad)}`)
  }
})

t.test('lanAddresses lists only non-internal IPv4', async (t) => {
  const list = lanAddresses()
  for (const a of list) {
    t.match(a.address, /^\d+\.\d+\.\d+\.\d+$/, `${a.name} ${a.address} is IPv4`)
    t.not(a.address, '127.0.0.1', 'no loopback')
    t.match(a.netmask, /^\d+\.\d+\.\d+\.\d+$/, 'has an IPv4 netmask')
  }
  t.ok(Array.isArray(list), `found ${list.length} address(es)`)
})
