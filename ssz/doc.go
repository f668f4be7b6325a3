// Package ssz implements SimpleSerialize, the encoding and merkleization
// of the Ethereum consensus layer: basic types, byte vectors and lists,
// bitvectors, bitlists, vectors, lists and containers; strict decoding;
// hash_tree_root; generalized indices and Merkle proofs; and the snappy
// block and framed formats used on the wire.
//
// A type describes its schema once, in a DefineSSZ method that lists its
// fields in order with this package's field functions:
//
//	func (c *Checkpoint) DefineSSZ(codec *ssz.Codec) {
//		ssz.Uint64(codec, &c.Epoch)
//		ssz.Bytes(codec, c.Root[:])
//	}
//
// The same description drives Size, Marshal, Unmarshal, HashTreeRoot and
// Prove. Lengths and limits that are only known at run time (they differ
// between the mainnet and minimal presets) are read from the context value
// the caller passes in, which this package hands to DefineSSZ untouched
// (Codec.Context); the package itself knows nothing about Ethereum.
//
// Values are plain Go structs and slices. Decoding rejects every malformed
// input with an error (wrong sizes, bad offsets, exceeded limits, trailing
// bytes, non-canonical booleans and bitfields) and never panics.
package ssz
