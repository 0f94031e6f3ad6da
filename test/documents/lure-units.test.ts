// Pure parts of the lure defence (issue 17, finding 14): which blocks a failed document may
// clear when other records use some of them, and reading a blobs core's header, which comes
// from peers and must never throw, whatever the bytes.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { uncovered } from '../../src/documents/documents.js'
import { blobsHeader, headerOwner } from '../../src/documents/room-blobs.js'
import type { Room } from '../../src/room/index.js'

const room = { id: 'ab'.repeat(32) } as unknown as Room
const other = { id: 'cd'.repeat(32) } as unknown as Room
const LOG = '12'.repeat(32)
const r = (blockOffset: number, blockLength: number): { blockOffset: number, blockLength: number } => ({ blockOffset, blockLength })

t.test('uncovered: the blocks of a failed document that no other record uses', async (t) => {
  // [start, end, kept ranges, expected, why]
  const cases: Array<[number, number, Array<ReturnType<typeof r>>, Array<[number, number]>, string]> = [
    [1, 5, [], [[1, 5]], 'no other record: all of it'],
    [1, 5, [r(1, 4)], [], 'a genuine record over the same blocks: nothing'],
    [1, 10, [r(3, 2)], [[1, 3], [5, 10]], 'a record in the middle keeps its blocks'],
    [1, 10, [r(0, 2), r(8, 5)], [[2, 8]], 'records overlapping both ends'],
    [1, 10, [r(4, 2), r(2, 3)], [[1, 2], [6, 10]], 'overlapping kept ranges, out of order'],
    [5, 8, [r(1, 2), r(20, 3)], [[5, 8]], 'ranges elsewhere do not matter'],
    [1, 5, [r(3, 0)], [[1, 5]], 'an empty range keeps nothing']
  ]
  for (const [start, end, kept, expected, why] of cases) t.same(uncovered(start, end, kept), expected, why)
})

t.test('headerOwner: only a header of this room names an owner; junk never throws', async (t) => {
  t.equal(headerOwner(room, blobsHeader(room, LOG)), LOG, 'our header names our log')
  t.equal(headerOwner(other, blobsHeader(room, LOG)), null, 'a header of another room names nobody')
  const cases: Array<[Buffer | null, string]> = [
    [null, 'no block'],
    [Buffer.from(''), 'empty'],
    [Buffer.from('{"type":"tamtam-blobs","v":2,"room":"' + room.id + '","log":"' + LOG + '"}'), 'a later version'],
    [Buffer.from('{"type":"tamtam-blobs","v":1,"room":"' + room.id + '","log":"' + 'AB'.repeat(32) + '"}'), 'a key that is not lowercase hex'],
    [Buffer.from('{"type":"tamtam-blobs","v":1,"room":"' + room.id + '","log":["' + LOG + '"]}'), 'a key that is not a string'],
    [Buffer.from('null'), 'JSON null'],
    [Buffer.from('[1,2]'), 'an array'],
    [Buffer.alloc(65536, 0x7b), 'a full 64 KiB block: document bytes, not a header']
  ]
  for (const [block, why] of cases) t.equal(headerOwner(room, block), null, why)
  for (let i = 0; i < 2000; i++) {
    const junk = randomBytes(Math.floor(Math.random() * 300))
    if (headerOwner(room, junk) !== null) t.fail(`random bytes named an owner: ${junk.toString('hex')}`)
  }
  t.pass('2000 random blocks name no owner and never throw')
})
