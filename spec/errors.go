package spec

import (
	"errors"
	"fmt"
)

// Errors of the state transition. Every error returned by a processing
// function wraps one of these sentinels, so a caller can tell a block that
// breaks the rules (ErrInvalid, ErrBadSignature) from a payload the
// execution engine rejected (ErrExecutionInvalid) or from a step that this
// library does not implement (ErrNotImplemented), with errors.Is.
var (
	// ErrInvalid is wrapped by every failed assertion of the spec: the
	// input (block, operation, slot) is not valid on this state.
	ErrInvalid = errors.New("invalid")
	// ErrBadSignature is wrapped when a BLS signature that the spec asserts
	// does not verify. It also wraps ErrInvalid.
	ErrBadSignature = fmt.Errorf("%w: bad signature", ErrInvalid)
	// ErrExecutionInvalid is wrapped when the execution engine says the
	// payload is not valid. It also wraps ErrInvalid.
	ErrExecutionInvalid = fmt.Errorf("%w: execution payload rejected by the execution engine", ErrInvalid)
	// ErrNotImplemented is returned by a step that is not written yet.
	ErrNotImplemented = errors.New("not implemented")
)

// OperationError says which operation of a block failed, at which index of
// its list, and why. Operation is the spec's function name, for example
// "process_attestation"; Index is -1 for steps that are not in a list
// (process_block_header, process_randao, ...).
type OperationError struct {
	Operation string
	Index     int
	Err       error
}

func (e *OperationError) Error() string {
	if e.Index < 0 {
		return e.Operation + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s[%d]: %s", e.Operation, e.Index, e.Err)
}

func (e *OperationError) Unwrap() error { return e.Err }

// invalidf returns an error wrapping ErrInvalid: an assert of the spec that
// did not hold, with the reason.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// opError wraps err as the failure of operation op at index i (-1: not in a
// list). A nil err stays nil.
func opError(op string, i int, err error) error {
	if err == nil {
		return nil
	}
	return &OperationError{Operation: op, Index: i, Err: err}
}

// notImplemented is what a step that is not written yet returns.
func notImplemented(name string) error {
	return fmt.Errorf("%s: %w", name, ErrNotImplemented)
}
