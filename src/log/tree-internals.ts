/**
 * The parts of Hypercore's Merkle tree the byte checks of room-logs.ts read: flat-tree
 * arithmetic and tree nodes, which are not in our hand-written types.
 */
import { requireCjs } from '../cjs.js'

export interface TreeNode { index: number, size: number }
/** The parts of a hypercore session the byte checks read. */
export interface TreeCore { state: { roots: TreeNode[] }, padding: number, seek: (bytes: number, opts: { wait: boolean, timeout: number }) => Promise<unknown>, clear: (start: number, end: number) => Promise<unknown> }

export const flat = requireCjs('flat-tree') as { spans: (i: number) => [number, number], leftChild: (i: number) => number, rightChild: (i: number) => number }
export const { MerkleTree } = requireCjs('hypercore/lib/merkle-tree.js') as { MerkleTree: { get: (state: unknown, index: number) => Promise<TreeNode | null> } }
