package forkchoice

import (
	"bytes"
	"encoding/binary"
	"slices"

	"github.com/quetzal-eth/quetzal/spec"
)

// The proto-array behind Fast: the blocks of the store in an array, each
// after its parent, with the weight of each block kept up to date from
// balance deltas, and the best child and best descendant of each block
// recomputed in one backward pass. Votes are tracked per validator, so
// that only the votes that changed since the last pass move weight.
//
// It computes what get_head, get_weight and get_filtered_block_tree of
// phase0 fork-choice.md compute:
//
//   - The weight of a block is the balance, in the justified checkpoint's
//     state, of the validators whose latest message names the block or a
//     descendant, plus the proposer boost if the block is the boosted block
//     or an ancestor of it. Votes of equivocating validators and votes for
//     blocks whose payload was invalidated count for nothing.
//   - A block is viable (in the filtered block tree) if it has children
//     that are not invalidated and one of them is viable, or else, as a
//     leaf, its voting source and its checkpoint block of the finalized
//     epoch agree with the store's checkpoints (filter_node_tree).
//   - The best child of a block is its viable child with the greatest
//     (weight, root); following best children from the justified
//     checkpoint's block leads to the head.
//
// Sums are in uint64 arithmetic modulo 2**64, as the reference's: adding
// and removing balances in any order gives the same weights as summing
// them.

// noNode is the index of no node: a parent outside the array, a vote for a
// block the array does not hold.
const noNode int32 = -1

// equivocated is the vote.next of an equivocating validator, whose votes
// no longer count.
const equivocated int32 = -2

// Node flags.
const (
	// nodeInvalid: the execution engine invalidated the block's payload
	// (or an ancestor's); it is no child in get_node_children.
	nodeInvalid uint8 = 1 << iota
	// nodeFinalizedOK: the block's chain has the finalized block as its
	// checkpoint block of the finalized epoch.
	nodeFinalizedOK
	// nodeLeafViable: as a leaf, the block would be viable.
	nodeLeafViable
	// Results of the backward pass:
	// nodeViable: the block is in the filtered block tree.
	nodeViable
	// nodeHasChild: the block has a child that is not invalidated.
	nodeHasChild
	// Set by a node's children during the pass, and cleared when the
	// pass reaches the node, ready for the next:
	// childSeen: the node has a child that is not invalidated.
	childSeen
	// viableChildSeen: one of those children is viable.
	viableChildSeen

	passResults = nodeViable | nodeHasChild
	passScratch = childSeen | viableChildSeen
)

// vote is a validator's latest message as the array keeps it: small, as
// attestations reach it in random order.
type vote struct {
	// epoch1 is the target epoch of the latest message plus one, 0 if
	// the validator has not voted, bigEpoch if it is in
	// protoArray.bigEpochs.
	epoch1 uint32
	// next is the node of the latest message's block: noNode if it is not
	// in the array, equivocated if the validator equivocated.
	next int32
}

// bigEpoch is the vote.epoch1 of an epoch too large for it.
const bigEpoch = ^uint32(0)

// protoArray is the block tree and the votes. It is not safe for
// concurrent use.
type protoArray struct {
	spec *spec.Spec

	// Nodes, by index; a node's parent has a smaller index.
	indices    map[spec.Root]int32
	roots      []spec.Root
	parents    []int32
	slots      []spec.Slot
	epochs     []spec.Epoch // epoch of the block's slot
	justified  []spec.Epoch // current_justified_checkpoint.epoch of the post-state
	unrealized []spec.Epoch // epoch of unrealized_justifications[root]
	flags      []uint8
	tieKeys    []uint64 // the first 8 bytes of the root, big-endian
	weights    []uint64
	deltas     []uint64 // pending changes of weights, added modulo 2**64
	// bestChild is the pass's scratch: a node's best child so far, noNode
	// outside the pass.
	bestChild      []int32
	bestDescendant []int32

	// Votes, by validator index: the latest messages, and the node whose
	// weight counts a validator's balance and that balance (noNode and 0
	// if none). bigEpochs holds the epochs plus one of latest messages
	// that do not fit in a vote, which no clock reaches in practice.
	votes     []vote
	current   []int32
	counted   []uint64
	bigEpochs map[uint64]uint64
	// balances are the balances votes count with, by validator index:
	// the effective balance in the justified checkpoint's state of the
	// active, unslashed validators, 0 for others.
	balances []uint64
	// dirty lists the validators whose vote changed since the last pass;
	// dirtyMark has their bits. If allDirty, every vote is looked at.
	dirty     []uint64
	dirtyMark []uint64
	allDirty  bool

	// The store's view, as last given to setCheckpoints.
	justifiedCheckpoint spec.Checkpoint
	finalizedCheckpoint spec.Checkpoint
	finalizedSlot       spec.Slot // start slot of the finalized epoch
	currentEpoch        spec.Epoch
	justifiedIndex      int32
	finalizedIndex      int32

	// The proposer boost wanted (root, amount) and the one counted in the
	// weights (node, amount).
	boostRoot        spec.Root
	boostAmount      uint64
	boostNode        int32
	boostNodeApplied int32
	boostApplied     uint64

	// changed: the best children must be recomputed. leafDirty: so must
	// every node's leaf viability; finalizedDirty: and nodeFinalizedOK.
	changed        bool
	leafDirty      bool
	finalizedDirty bool
	// head is the best descendant of the justified block after the last
	// pass.
	head int32
}

func newProtoArray(s *spec.Spec) *protoArray {
	return &protoArray{
		spec:             s,
		indices:          map[spec.Root]int32{},
		justifiedIndex:   noNode,
		finalizedIndex:   noNode,
		boostNode:        noNode,
		boostNodeApplied: noNode,
		head:             noNode,
		changed:          true,
	}
}

// nodeIndex is the node of root, noNode if the array does not hold it.
func (pa *protoArray) nodeIndex(root spec.Root) int32 {
	if i, ok := pa.indices[root]; ok {
		return i
	}
	return noNode
}

// addBlock adds a block whose parent block is parent (which need not be
// in the array), with the epochs of its post-state's justified checkpoint
// and its unrealized justification. A block already held is left alone.
func (pa *protoArray) addBlock(root, parent spec.Root, slot spec.Slot, justified, unrealized spec.Epoch, invalid bool) {
	if _, ok := pa.indices[root]; ok {
		return
	}
	i := int32(len(pa.roots))
	pa.indices[root] = i
	pa.roots = append(pa.roots, root)
	pa.parents = append(pa.parents, pa.nodeIndex(parent))
	pa.slots = append(pa.slots, slot)
	pa.epochs = append(pa.epochs, pa.spec.ComputeEpochAtSlot(slot))
	pa.justified = append(pa.justified, justified)
	pa.unrealized = append(pa.unrealized, unrealized)
	var f uint8
	if invalid {
		f |= nodeInvalid
	}
	pa.flags = append(pa.flags, f)
	pa.tieKeys = append(pa.tieKeys, binary.BigEndian.Uint64(root[:8]))
	pa.weights = append(pa.weights, 0)
	pa.deltas = append(pa.deltas, 0)
	pa.bestChild = append(pa.bestChild, noNode)
	pa.bestDescendant = append(pa.bestDescendant, i)

	// A block may be the checkpoint, the boosted block or the block of
	// votes the array took before it held it.
	if root == pa.justifiedCheckpoint.Root {
		pa.justifiedIndex = i
	}
	if root == pa.finalizedCheckpoint.Root {
		pa.finalizedIndex = i
		pa.finalizedDirty = true
	}
	if root == pa.boostRoot && pa.boostAmount != 0 {
		pa.boostNode = i
	}
	if !pa.finalizedDirty && pa.finalizedOK(i) {
		pa.flags[i] |= nodeFinalizedOK
	}
	if pa.leafViable(i) {
		pa.flags[i] |= nodeLeafViable
	}
	pa.changed = true
}

// finalizedOK reports whether the checkpoint block of the finalized epoch
// in i's chain is the finalized block, from the flag of i's parent: as
// get_ancestor walks, the chain stops at a block of the finalized epoch's
// start slot or earlier, or at the oldest block the array holds.
func (pa *protoArray) finalizedOK(i int32) bool {
	p := pa.parents[i]
	if pa.slots[i] <= pa.finalizedSlot || p == noNode {
		return i == pa.finalizedIndex
	}
	return pa.flags[p]&nodeFinalizedOK != 0
}

// leafViable is the test filter_node_tree applies to a leaf: its voting
// source (get_voting_source) agrees with the justified checkpoint, or is
// recent, and its chain holds the finalized checkpoint.
func (pa *protoArray) leafViable(i int32) bool {
	justifiedEpoch := pa.justifiedCheckpoint.Epoch
	votingSource := pa.justified[i]
	if pa.currentEpoch > pa.epochs[i] {
		// A block of an earlier epoch votes with its pulled-up source.
		votingSource = pa.unrealized[i]
	}
	correctJustified := justifiedEpoch == spec.GenesisEpoch ||
		votingSource == justifiedEpoch ||
		votingSource+2 >= pa.currentEpoch
	correctFinalized := pa.finalizedCheckpoint.Epoch == spec.GenesisEpoch ||
		pa.flags[i]&nodeFinalizedOK != 0
	return correctJustified && correctFinalized
}

// setCheckpoints gives the store's justified and finalized checkpoints and
// current epoch, on which viability depends.
func (pa *protoArray) setCheckpoints(justified, finalized spec.Checkpoint, currentEpoch spec.Epoch) {
	if justified != pa.justifiedCheckpoint {
		if justified.Epoch != pa.justifiedCheckpoint.Epoch {
			pa.leafDirty = true
		}
		pa.justifiedCheckpoint = justified
		pa.justifiedIndex = pa.nodeIndex(justified.Root)
		pa.changed = true
	}
	if finalized != pa.finalizedCheckpoint {
		pa.finalizedCheckpoint = finalized
		pa.finalizedSlot = pa.spec.ComputeStartSlotAtEpoch(finalized.Epoch)
		pa.finalizedIndex = pa.nodeIndex(finalized.Root)
		pa.finalizedDirty = true
	}
	if currentEpoch != pa.currentEpoch {
		pa.currentEpoch = currentEpoch
		pa.leafDirty = true
	}
}

// setBalances replaces the balances votes count with, for a new justified
// checkpoint. The array keeps balances.
func (pa *protoArray) setBalances(balances []uint64) {
	pa.balances = balances
	pa.allDirty = true
}

// setProposerBoost gives the boosted block (zero for none) and the
// proposer score.
func (pa *protoArray) setProposerBoost(root spec.Root, amount uint64) {
	if root == pa.boostRoot && amount == pa.boostAmount {
		return
	}
	pa.boostRoot, pa.boostAmount = root, amount
	pa.boostNode = noNode
	if root != (spec.Root{}) && amount != 0 {
		pa.boostNode = pa.nodeIndex(root)
	}
}

// setInvalid marks the block invalidated: it leaves get_node_children,
// and votes for it no longer count.
func (pa *protoArray) setInvalid(root spec.Root) {
	i := pa.nodeIndex(root)
	if i == noNode || pa.flags[i]&nodeInvalid != 0 {
		return
	}
	pa.flags[i] |= nodeInvalid
	pa.allDirty = true
	pa.changed = true
}

// growVotes makes room for the vote of validator index.
func (pa *protoArray) growVotes(index uint64) {
	if index < uint64(len(pa.votes)) {
		return
	}
	n := max(index+1, uint64(len(pa.votes))*5/4)
	old := len(pa.votes)
	pa.votes = slices.Grow(pa.votes, int(n)-old)[:n]
	pa.current = slices.Grow(pa.current, int(n)-old)[:n]
	pa.counted = slices.Grow(pa.counted, int(n)-old)[:n]
	for i := old; i < int(n); i++ {
		pa.votes[i] = vote{next: noNode}
		pa.current[i], pa.counted[i] = noNode, 0
	}
	pa.dirtyMark = slices.Grow(pa.dirtyMark, int(n+63)/64-len(pa.dirtyMark))[:(n+63)/64]
}

// markDirty notes that validator index's vote changed.
func (pa *protoArray) markDirty(index uint64) {
	if pa.allDirty {
		return
	}
	word, bit := index/64, uint64(1)<<(index%64)
	if pa.dirtyMark[word]&bit != 0 {
		return
	}
	pa.dirtyMark[word] |= bit
	pa.dirty = append(pa.dirty, index)
	// Past a fraction of the validators a sweep of all votes is faster
	// than following the list.
	if len(pa.dirty) > len(pa.votes)/8+64 {
		pa.allDirty = true
	}
}

// processAttestation is update_latest_messages: the validators of
// indices vote for root with a target of epoch, unless they equivocated
// or already voted with a target as late. Votes for a block the array
// does not hold count for nothing, even if it is added later: the store
// takes attestations only for blocks it holds, and never takes back a
// block it dropped. epoch is below 2**64 - 1, as every epoch of a slot.
func (pa *protoArray) processAttestation(indices []spec.ValidatorIndex, root spec.Root, epoch spec.Epoch) {
	if len(indices) == 0 {
		return
	}
	node := pa.nodeIndex(root)
	pa.growVotes(uint64(slices.Max(indices)))
	epoch1 := uint64(epoch) + 1
	small := epoch1 < uint64(bigEpoch)
	votes := pa.votes
	for _, index := range indices {
		v := &votes[index]
		if v.next == equivocated {
			continue
		}
		if v.epoch1 != bigEpoch {
			if uint64(v.epoch1) >= epoch1 {
				continue
			}
		} else if pa.bigEpochs[uint64(index)] >= epoch1 {
			continue
		}
		if small {
			v.epoch1 = uint32(epoch1)
		} else {
			v.epoch1 = bigEpoch
			if pa.bigEpochs == nil {
				pa.bigEpochs = map[uint64]uint64{}
			}
			pa.bigEpochs[uint64(index)] = epoch1
		}
		if v.next != node {
			v.next = node
			pa.markDirty(uint64(index))
		}
	}
}

// setEquivocating puts validator index in equivocating_indices: its votes
// no longer count.
func (pa *protoArray) setEquivocating(index spec.ValidatorIndex) {
	pa.growVotes(uint64(index))
	v := &pa.votes[index]
	if v.next != equivocated {
		v.next = equivocated
		pa.markDirty(uint64(index))
	}
}

// applyVote moves validator i's balance to the node and balance its vote
// counts with now.
func (pa *protoArray) applyVote(i uint64) {
	node := pa.votes[i].next
	var balance uint64
	if node >= 0 && pa.flags[node]&nodeInvalid == 0 && i < uint64(len(pa.balances)) {
		balance = pa.balances[i]
	}
	if balance == 0 {
		node = noNode
	}
	current, counted := pa.current[i], pa.counted[i]
	if node == current && balance == counted {
		return
	}
	if current != noNode {
		pa.deltas[current] -= counted
	}
	if node != noNode {
		pa.deltas[node] += balance
	}
	pa.current[i], pa.counted[i] = node, balance
	pa.changed = true
}

// computeDeltas turns the changed votes into deltas of node weights.
func (pa *protoArray) computeDeltas() {
	if pa.allDirty {
		// applyVote for every validator, in one loop over the arrays.
		votes, current, counted := pa.votes, pa.current[:len(pa.votes)], pa.counted[:len(pa.votes)]
		balances, flags, deltas := pa.balances, pa.flags, pa.deltas
		for i := range votes {
			node := votes[i].next
			var balance uint64
			if node >= 0 && flags[node]&nodeInvalid == 0 && i < len(balances) {
				balance = balances[i]
			}
			if balance == 0 {
				node = noNode
			}
			if node == current[i] && balance == counted[i] {
				continue
			}
			if c := current[i]; c != noNode {
				deltas[c] -= counted[i]
			}
			if node != noNode {
				deltas[node] += balance
			}
			current[i], counted[i] = node, balance
			pa.changed = true
		}
		clear(pa.dirtyMark)
	} else {
		for _, i := range pa.dirty {
			pa.applyVote(i)
			pa.dirtyMark[i/64] = 0
		}
	}
	pa.dirty = pa.dirty[:0]
	pa.allDirty = false

	if pa.boostNode != pa.boostNodeApplied || (pa.boostNode != noNode && pa.boostAmount != pa.boostApplied) {
		if pa.boostNodeApplied != noNode {
			pa.deltas[pa.boostNodeApplied] -= pa.boostApplied
		}
		pa.boostNodeApplied, pa.boostApplied = pa.boostNode, 0
		if pa.boostNode != noNode {
			pa.deltas[pa.boostNode] += pa.boostAmount
			pa.boostApplied = pa.boostAmount
		}
		pa.changed = true
	}
}

// update brings the weights, the best children and the head up to date.
func (pa *protoArray) update() {
	if pa.allDirty || len(pa.dirty) > 0 || pa.boostNode != pa.boostNodeApplied ||
		(pa.boostNode != noNode && pa.boostAmount != pa.boostApplied) {
		pa.computeDeltas()
	}
	if pa.finalizedDirty {
		for i := range int32(len(pa.roots)) {
			if pa.finalizedOK(i) {
				pa.flags[i] |= nodeFinalizedOK
			} else {
				pa.flags[i] &^= nodeFinalizedOK
			}
		}
		pa.finalizedDirty = false
		pa.leafDirty = true
	}
	if pa.leafDirty {
		for i := range int32(len(pa.roots)) {
			if pa.leafViable(i) {
				pa.flags[i] |= nodeLeafViable
			} else {
				pa.flags[i] &^= nodeLeafViable
			}
		}
		pa.leafDirty = false
		pa.changed = true
	}
	if !pa.changed {
		return
	}
	pa.pass()
	pa.changed = false
}

// pass applies the deltas and recomputes viability, best children and
// best descendants, from the last node to the first: every child comes
// after its parent, so a node is complete when the pass reaches it.
func (pa *protoArray) pass() {
	n := len(pa.roots)
	flags, parents, weights, deltas := pa.flags[:n], pa.parents[:n], pa.weights[:n], pa.deltas[:n]
	bestChild, bestDescendant, tieKeys := pa.bestChild[:n], pa.bestDescendant[:n], pa.tieKeys[:n]
	for i := n - 1; i >= 0; i-- {
		p := parents[i]
		if d := deltas[i]; d != 0 {
			weights[i] += d
			deltas[i] = 0
			if p != noNode {
				deltas[p] += d
			}
		}
		f := flags[i]
		// filter_node_tree: a block with children is viable through
		// them, a leaf by its checkpoints.
		viable := f&nodeLeafViable != 0
		result := f &^ (passResults | passScratch)
		if f&childSeen != 0 {
			viable = f&viableChildSeen != 0
			result |= nodeHasChild
		}
		if viable {
			result |= nodeViable
		}
		flags[i] = result
		if c := bestChild[i]; c != noNode {
			bestDescendant[i] = bestDescendant[c]
			bestChild[i] = noNode
		} else {
			bestDescendant[i] = int32(i)
		}
		if p == noNode || f&nodeInvalid != 0 {
			continue
		}
		if !viable {
			flags[p] |= childSeen
			continue
		}
		flags[p] |= childSeen | viableChildSeen
		// The greatest (weight, root) among viable children.
		b := bestChild[p]
		if b == noNode || weights[i] > weights[b] ||
			weights[i] == weights[b] && (tieKeys[i] > tieKeys[b] ||
				tieKeys[i] == tieKeys[b] && bytes.Compare(pa.roots[i][:], pa.roots[b][:]) > 0) {
			bestChild[p] = int32(i)
		}
	}
	pa.head = noNode
	if pa.justifiedIndex != noNode {
		pa.head = bestDescendant[pa.justifiedIndex]
	}
}

// findHead is get_head; ok is false if the justified block is not in the
// array.
func (pa *protoArray) findHead() (spec.Root, bool) {
	pa.update()
	if pa.head == noNode {
		return spec.Root{}, false
	}
	return pa.roots[pa.head], true
}

// weight is get_weight of root; ok is false if the array does not hold
// it.
func (pa *protoArray) weight(root spec.Root) (uint64, bool) {
	i := pa.nodeIndex(root)
	if i == noNode {
		return 0, false
	}
	pa.update()
	return pa.weights[i], true
}

// attestationScore is get_attestation_score of root: its weight without
// the proposer boost.
func (pa *protoArray) attestationScore(root spec.Root) (uint64, bool) {
	w, ok := pa.weight(root)
	if !ok {
		return 0, false
	}
	i := pa.indices[root]
	// The boost is counted in the weights of the boosted block and its
	// ancestors, which have smaller indices.
	for b := pa.boostNodeApplied; b >= i; b = pa.parents[b] {
		if b == i {
			return w - pa.boostApplied, true
		}
	}
	return w, true
}

// viableLeaves returns the leaves of the filtered block tree: viable
// blocks reached from the justified block through children that are not
// invalidated, with no such children.
func (pa *protoArray) viableLeaves() ([]spec.Root, bool) {
	pa.update()
	j := pa.justifiedIndex
	if j == noNode {
		return nil, false
	}
	var leaves []spec.Root
	in := make([]bool, len(pa.roots))
	for i := j; i < int32(len(pa.roots)); i++ {
		f := pa.flags[i]
		if i != j {
			p := pa.parents[i]
			if p == noNode || !in[p] || f&nodeInvalid != 0 {
				continue
			}
		}
		in[i] = true
		if f&nodeViable != 0 && f&nodeHasChild == 0 {
			leaves = append(leaves, pa.roots[i])
		}
	}
	return leaves, true
}

// prune keeps only the blocks keep says to keep. Votes for dropped blocks
// support nothing; weights are recounted from the votes at the next pass.
func (pa *protoArray) prune(keep func(spec.Root) bool) {
	n := len(pa.roots)
	newIndex := make([]int32, n)
	k := int32(0)
	for i := range n {
		if !keep(pa.roots[i]) {
			newIndex[i] = noNode
			delete(pa.indices, pa.roots[i])
			continue
		}
		newIndex[i] = k
		pa.indices[pa.roots[i]] = k
		p := pa.parents[i]
		if p != noNode {
			p = newIndex[p]
		}
		pa.roots[k] = pa.roots[i]
		pa.parents[k] = p
		pa.slots[k] = pa.slots[i]
		pa.epochs[k] = pa.epochs[i]
		pa.justified[k] = pa.justified[i]
		pa.unrealized[k] = pa.unrealized[i]
		pa.flags[k] = pa.flags[i] & nodeInvalid
		pa.tieKeys[k] = pa.tieKeys[i]
		k++
	}
	pa.roots = pa.roots[:k]
	pa.parents = pa.parents[:k]
	pa.slots = pa.slots[:k]
	pa.epochs = pa.epochs[:k]
	pa.justified = pa.justified[:k]
	pa.unrealized = pa.unrealized[:k]
	pa.flags = pa.flags[:k]
	pa.tieKeys = pa.tieKeys[:k]
	pa.weights = pa.weights[:k]
	pa.deltas = pa.deltas[:k]
	pa.bestChild = pa.bestChild[:k]
	pa.bestDescendant = pa.bestDescendant[:k]
	clear(pa.weights)
	clear(pa.deltas)
	for i := range pa.bestChild {
		pa.bestChild[i] = noNode
	}

	for i := range pa.votes {
		v := &pa.votes[i]
		if v.next >= 0 {
			v.next = newIndex[v.next]
		}
		pa.current[i], pa.counted[i] = noNode, 0
	}
	pa.allDirty = true
	pa.dirty = pa.dirty[:0]
	pa.boostNodeApplied, pa.boostApplied = noNode, 0
	pa.boostNode = noNode
	if pa.boostRoot != (spec.Root{}) && pa.boostAmount != 0 {
		pa.boostNode = pa.nodeIndex(pa.boostRoot)
	}
	pa.justifiedIndex = pa.nodeIndex(pa.justifiedCheckpoint.Root)
	pa.finalizedIndex = pa.nodeIndex(pa.finalizedCheckpoint.Root)
	pa.finalizedDirty = true
	pa.changed = true
}
