package spec

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// A transaction is a bare ByteList[MAX_BYTES_PER_TRANSACTION]: its root is
// the packed bytes merkleized to the limit's chunk count, with the length
// mixed in, and it encodes to its bytes with no offset of its own.
func TestTransactionIsBareByteList(t *testing.T) {
	s := Mainnet().Schema(Bellatrix)
	tx := Transaction(bytes.Repeat([]byte{0xab, 0xcd, 0xef}, 20)) // 60 bytes, two chunks
	root, err := HashTreeRoot(s, &tx)
	if err != nil {
		t.Fatal(err)
	}
	var chunks [2][32]byte
	copy(chunks[0][:], tx[:32])
	copy(chunks[1][:], tx[32:])
	want := ssz.MixInLength(ssz.Merkleize(chunks[:], s.MaxBytesPerTransaction/32), uint64(len(tx)))
	if [32]byte(root) != want {
		t.Errorf("transaction root %x, want %x", root, want)
	}
	enc, err := Marshal(s, &tx)
	if err != nil || !bytes.Equal(enc, tx) {
		t.Errorf("transaction encodes to %x (err %v), want its bytes", enc, err)
	}

	// In a payload, the transactions list is a list of offsets followed by
	// the transactions' bytes.
	p := ExecutionPayload{
		LogsBloom:    make([]byte, s.BytesPerLogsBloom),
		Transactions: []Transaction{{1, 2}, {}, {3}},
	}
	enc, err = Marshal(s, &p)
	if err != nil {
		t.Fatal(err)
	}
	const fixed = 32 + 20 + 32 + 32 + 256 + 32 + 4*8 + 4 + 32 + 32 + 4
	txOffset := binary.LittleEndian.Uint32(enc[fixed-4:])
	wantTxs := []byte{12, 0, 0, 0, 14, 0, 0, 0, 14, 0, 0, 0, 1, 2, 3}
	if int(txOffset) != fixed || !bytes.Equal(enc[txOffset:], wantTxs) {
		t.Errorf("transactions encode to %x at %d, want %x at %d", enc[txOffset:], txOffset, wantTxs, fixed)
	}
	var back ExecutionPayload
	if err := Unmarshal(s, enc, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Transactions) != 3 || !bytes.Equal(back.Transactions[0], []byte{1, 2}) || len(back.Transactions[1]) != 0 {
		t.Errorf("decoded transactions %x", back.Transactions)
	}
}

// A header's transactions_root and withdrawals_root are the roots of the
// payload's lists, so a header built from a payload has the payload's
// root (bellatrix and capella process_execution_payload).
func TestExecutionPayloadHeaderMatchesPayloadRoot(t *testing.T) {
	for _, f := range []ForkName{Bellatrix, Capella, Deneb, Electra} {
		s := Minimal().Schema(f)
		p := blockTestSignedBlock(s, 1).Message.Body.ExecutionPayload
		h := ExecutionPayloadHeader{
			ParentHash: p.ParentHash, FeeRecipient: p.FeeRecipient, StateRoot: p.StateRoot,
			ReceiptsRoot: p.ReceiptsRoot, LogsBloom: p.LogsBloom, PrevRandao: p.PrevRandao,
			BlockNumber: p.BlockNumber, GasLimit: p.GasLimit, GasUsed: p.GasUsed,
			Timestamp: p.Timestamp, ExtraData: p.ExtraData, BaseFeePerGas: p.BaseFeePerGas,
			BlockHash: p.BlockHash, BlobGasUsed: p.BlobGasUsed, ExcessBlobGas: p.ExcessBlobGas,
		}
		txs := make([][32]byte, len(p.Transactions))
		for i := range p.Transactions {
			r, err := HashTreeRoot(s, &p.Transactions[i])
			if err != nil {
				t.Fatal(err)
			}
			txs[i] = r
		}
		h.TransactionsRoot = ssz.MixInLength(ssz.Merkleize(txs, s.MaxTransactionsPerPayload), uint64(len(txs)))
		ws := make([][32]byte, len(p.Withdrawals))
		for i := range p.Withdrawals {
			r, err := HashTreeRoot(s, &p.Withdrawals[i])
			if err != nil {
				t.Fatal(err)
			}
			ws[i] = r
		}
		h.WithdrawalsRoot = ssz.MixInLength(ssz.Merkleize(ws, s.MaxWithdrawalsPerPayload), uint64(len(ws)))
		pr, err := HashTreeRoot(s, &p)
		if err != nil {
			t.Fatal(err)
		}
		hr, err := HashTreeRoot(s, &h)
		if err != nil {
			t.Fatal(err)
		}
		if pr != hr {
			t.Errorf("%s: payload root %s, header root %s", f, pr, hr)
		}
	}
}
