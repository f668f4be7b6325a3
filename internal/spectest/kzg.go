package spectest

// Handlers for the kzg runner (tests/general/deneb/kzg/<handler>/kzg-mainnet/
// and tests/general/fulu/kzg/<handler>/kzg-mainnet/). The formats are
// described in the consensus-specs repository under tests/formats/kzg_4844/
// and tests/formats/kzg_7594/ (up to v1.7.0-alpha.12; the KZG specs,
// formats and vectors were dropped from that repository after it, so newer
// spec-test releases may hold no kzg cases). Every case is one data.yaml
// with an input mapping and an output; byte strings are hex with a 0x
// prefix, and an output of null means the call must fail.
//
// The formats also name compute_challenge and
// compute_verify_cell_kzg_proof_batch_challenge, checks of internal helpers
// that spec/kzg does not export; their cases report as not implemented.
//
// Inputs that cannot be what the function takes (a blob of the wrong
// length, bad hex, a negative cell index) make the call fail, as the
// vectors expect: they are part of what is tested. A key missing from the
// input is a broken vector and fails the case whatever the output.

import (
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/quetzal-eth/quetzal/spec/kzg"
	"gopkg.in/yaml.v3"
)

func init() {
	for name, op := range map[string]kzgOp{
		"blob_to_kzg_commitment":       kzgBlobToCommitment,
		"compute_kzg_proof":            kzgComputeKZGProof,
		"verify_kzg_proof":             kzgVerifyKZGProof,
		"compute_blob_kzg_proof":       kzgComputeBlobKZGProof,
		"verify_blob_kzg_proof":        kzgVerifyBlobKZGProof,
		"verify_blob_kzg_proof_batch":  kzgVerifyBlobKZGProofBatch,
		"compute_cells":                kzgComputeCells,
		"compute_cells_and_kzg_proofs": kzgComputeCellsAndKZGProofs,
		"verify_cell_kzg_proof_batch":  kzgVerifyCellKZGProofBatch,
		"recover_cells_and_kzg_proofs": kzgRecoverCellsAndKZGProofs,
	} {
		Register("kzg", name, kzgHandler(op))
	}
}

// kzgOp runs one function on a case's input. Its result is built from
// bool, 0x-hex strings and []any, the shapes the YAML output decodes to.
type kzgOp func(in kzgInput) (any, error)

func kzgBlobToCommitment(in kzgInput) (any, error) {
	blob, err := in.blob("blob")
	if err != nil {
		return nil, err
	}
	c, err := kzg.BlobToKZGCommitment(blob)
	return kzgHex(c[:]), err
}

func kzgComputeKZGProof(in kzgInput) (any, error) {
	blob, err := in.blob("blob")
	if err != nil {
		return nil, err
	}
	var z kzg.FieldElement
	if err := in.fixed("z", z[:]); err != nil {
		return nil, err
	}
	p, y, err := kzg.ComputeKZGProof(blob, z)
	return []any{kzgHex(p[:]), kzgHex(y[:])}, err
}

func kzgVerifyKZGProof(in kzgInput) (any, error) {
	var c kzg.Commitment
	var z, y kzg.FieldElement
	var p kzg.Proof
	for _, f := range []struct {
		key string
		dst []byte
	}{{"commitment", c[:]}, {"z", z[:]}, {"y", y[:]}, {"proof", p[:]}} {
		if err := in.fixed(f.key, f.dst); err != nil {
			return nil, err
		}
	}
	return kzg.VerifyKZGProof(c, z, y, p)
}

func kzgComputeBlobKZGProof(in kzgInput) (any, error) {
	blob, err := in.blob("blob")
	if err != nil {
		return nil, err
	}
	var c kzg.Commitment
	if err := in.fixed("commitment", c[:]); err != nil {
		return nil, err
	}
	p, err := kzg.ComputeBlobKZGProof(blob, c)
	return kzgHex(p[:]), err
}

func kzgVerifyBlobKZGProof(in kzgInput) (any, error) {
	blob, err := in.blob("blob")
	if err != nil {
		return nil, err
	}
	var c kzg.Commitment
	var p kzg.Proof
	if err := in.fixed("commitment", c[:]); err != nil {
		return nil, err
	}
	if err := in.fixed("proof", p[:]); err != nil {
		return nil, err
	}
	return kzg.VerifyBlobKZGProof(blob, c, p)
}

func kzgVerifyBlobKZGProofBatch(in kzgInput) (any, error) {
	blobs, err := kzgList(in, "blobs", kzgBlobBytes)
	if err != nil {
		return nil, err
	}
	commitments, err := kzgList(in, "commitments", kzgCommitmentBytes)
	if err != nil {
		return nil, err
	}
	proofs, err := kzgList(in, "proofs", kzgProofBytes)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*kzg.Blob, len(blobs))
	for i := range blobs {
		ptrs[i] = &blobs[i]
	}
	return kzg.VerifyBlobKZGProofBatch(ptrs, commitments, proofs)
}

func kzgComputeCells(in kzgInput) (any, error) {
	blob, err := in.blob("blob")
	if err != nil {
		return nil, err
	}
	cells, err := kzg.ComputeCells(blob)
	return kzgHexList(cells, kzgCellBytes), err
}

func kzgComputeCellsAndKZGProofs(in kzgInput) (any, error) {
	blob, err := in.blob("blob")
	if err != nil {
		return nil, err
	}
	cells, proofs, err := kzg.ComputeCellsAndKZGProofs(blob)
	return []any{kzgHexList(cells, kzgCellBytes), kzgHexList(proofs, kzgProofBytes)}, err
}

func kzgVerifyCellKZGProofBatch(in kzgInput) (any, error) {
	commitments, err := kzgList(in, "commitments", kzgCommitmentBytes)
	if err != nil {
		return nil, err
	}
	indices, err := in.indices("cell_indices")
	if err != nil {
		return nil, err
	}
	cells, err := kzgList(in, "cells", kzgCellBytes)
	if err != nil {
		return nil, err
	}
	proofs, err := kzgList(in, "proofs", kzgProofBytes)
	if err != nil {
		return nil, err
	}
	return kzg.VerifyCellKZGProofBatch(commitments, indices, cells, proofs)
}

func kzgRecoverCellsAndKZGProofs(in kzgInput) (any, error) {
	indices, err := in.indices("cell_indices")
	if err != nil {
		return nil, err
	}
	cells, err := kzgList(in, "cells", kzgCellBytes)
	if err != nil {
		return nil, err
	}
	outCells, outProofs, err := kzg.RecoverCellsAndKZGProofs(indices, cells)
	return []any{kzgHexList(outCells, kzgCellBytes), kzgHexList(outProofs, kzgProofBytes)}, err
}

// kzgHandler wraps an op into a Handler that reads data.yaml and compares
// the op's result with the output.
func kzgHandler(op kzgOp) Handler {
	return func(c *Case) error {
		var d struct {
			Input  yaml.Node `yaml:"input"`
			Output yaml.Node `yaml:"output"`
		}
		if err := c.ReadYAML("data", &d); err != nil {
			return err
		}
		if d.Input.Kind != yaml.MappingNode {
			return errors.New("data.yaml: input is not a mapping")
		}
		if d.Output.Kind == 0 {
			return errors.New("data.yaml: no output")
		}
		in := kzgInput{}
		for i := 0; i+1 < len(d.Input.Content); i += 2 {
			in[d.Input.Content[i].Value] = d.Input.Content[i+1]
		}
		got, opErr := op(in)
		if errors.Is(opErr, errKZGMissingInput) {
			return opErr
		}
		return kzgCompare(c.Handler, got, opErr, &d.Output)
	}
}

func kzgCompare(op string, got any, opErr error, out *yaml.Node) error {
	if out.Kind == yaml.ScalarNode && out.Tag == "!!null" {
		if opErr == nil {
			return fmt.Errorf("%s returned %s, want failure", op, kzgShort(got))
		}
		return nil
	}
	var want any
	if err := out.Decode(&want); err != nil {
		return fmt.Errorf("data.yaml: output: %w", err)
	}
	want = kzgNormalize(want)
	if opErr != nil {
		return fmt.Errorf("%s failed (%v), want %s", op, opErr, kzgShort(want))
	}
	if path, g, w, same := kzgDiff("output", got, want); !same {
		return fmt.Errorf("%s: %s is %s, want %s", op, path, kzgShort(g), kzgShort(w))
	}
	return nil
}

// kzgNormalize lower-cases the hex strings of a decoded output so that the
// comparison does not depend on the vectors' letter case.
func kzgNormalize(v any) any {
	switch v := v.(type) {
	case string:
		return strings.ToLower(v)
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = kzgNormalize(v[i])
		}
		return out
	}
	return v
}

// kzgDiff finds the first place where got and want differ.
func kzgDiff(path string, got, want any) (string, any, any, bool) {
	g, gok := got.([]any)
	w, wok := want.([]any)
	if gok && wok {
		if len(g) != len(w) {
			return path + " length", len(g), len(w), false
		}
		for i := range g {
			if p, gi, wi, same := kzgDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); !same {
				return p, gi, wi, false
			}
		}
		return "", nil, nil, true
	}
	return path, got, want, reflect.DeepEqual(got, want)
}

// kzgShort prints a value for a failure message, cutting long hex.
func kzgShort(v any) string {
	switch v := v.(type) {
	case string:
		if len(v) > 2+2*48 {
			return fmt.Sprintf("%s...(%d bytes)", v[:2+2*16], (len(v)-2)/2)
		}
		return v
	case []any:
		return fmt.Sprintf("a list of %d", len(v))
	}
	return fmt.Sprint(v)
}

func kzgHex(b []byte) string { return "0x" + hex.EncodeToString(b) }

// kzgHexList turns fixed-size values into the []any of 0x-hex strings an
// output list decodes to.
func kzgHexList[T any](xs []T, bytes func(*T) []byte) []any {
	out := make([]any, len(xs))
	for i := range xs {
		out[i] = kzgHex(bytes(&xs[i]))
	}
	return out
}

func kzgCellBytes(c *kzg.Cell) []byte             { return c[:] }
func kzgProofBytes(p *kzg.Proof) []byte           { return p[:] }
func kzgBlobBytes(b *kzg.Blob) []byte             { return b[:] }
func kzgCommitmentBytes(c *kzg.Commitment) []byte { return c[:] }

var (
	// errKZGMissingInput marks a vector without an input it must have.
	errKZGMissingInput = errors.New("data.yaml: missing input")
	// errKZGBadInput marks an input that is not of the function's
	// argument type; the call counts as failed.
	errKZGBadInput = errors.New("input is not of the argument type")
)

// kzgInput is the input mapping of a data.yaml.
type kzgInput map[string]*yaml.Node

func (in kzgInput) node(key string) (*yaml.Node, error) {
	n := in[key]
	if n == nil {
		return nil, fmt.Errorf("%w: %s", errKZGMissingInput, key)
	}
	return n, nil
}

// fixed decodes the hex string under key into dst, which it must fill
// exactly.
func (in kzgInput) fixed(key string, dst []byte) error {
	n, err := in.node(key)
	if err != nil {
		return err
	}
	return kzgDecodeFixed(n, dst, key)
}

func (in kzgInput) blob(key string) (*kzg.Blob, error) {
	var b kzg.Blob
	if err := in.fixed(key, b[:]); err != nil {
		return nil, err
	}
	return &b, nil
}

func (in kzgInput) indices(key string) ([]uint64, error) {
	n, err := in.node(key)
	if err != nil {
		return nil, err
	}
	var out []uint64
	if err := n.Decode(&out); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errKZGBadInput, key, err)
	}
	return out, nil
}

// kzgList decodes the list of hex strings under key into fixed-size
// values.
func kzgList[T any](in kzgInput, key string, bytes func(*T) []byte) ([]T, error) {
	n, err := in.node(key)
	if err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%w: %s is not a list", errKZGBadInput, key)
	}
	out := make([]T, len(n.Content))
	for i, item := range n.Content {
		if err := kzgDecodeFixed(item, bytes(&out[i]), fmt.Sprintf("%s[%d]", key, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func kzgDecodeFixed(n *yaml.Node, dst []byte, what string) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("%w: %s: %v", errKZGBadInput, what, err)
	}
	if !strings.HasPrefix(s, "0x") {
		return fmt.Errorf("%w: %s: no 0x prefix", errKZGBadInput, what)
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return fmt.Errorf("%w: %s: %v", errKZGBadInput, what, err)
	}
	if len(b) != len(dst) {
		return fmt.Errorf("%w: %s: %d bytes, want %d", errKZGBadInput, what, len(b), len(dst))
	}
	copy(dst, b)
	return nil
}
