package gossip

import (
	"errors"
	"fmt"
)

// Kind is the outcome of gossip validation.
type Kind uint8

const (
	// Valid: the message passes every condition and is forwarded.
	Valid Kind = iota
	// Ignore: an [IGNORE] condition failed (the spec's GossipIgnore): the
	// message is dropped, and the peer is not blamed.
	Ignore
	// Reject: a [REJECT] condition failed (the spec's GossipReject): the
	// message is dropped, and the peer penalised.
	Reject
)

func (k Kind) String() string {
	switch k {
	case Valid:
		return "valid"
	case Ignore:
		return "ignore"
	case Reject:
		return "reject"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Error is a failed gossip condition: Kind is Ignore or Reject, Reason
// says which condition and with what values.
type Error struct {
	Kind   Kind
	Reason string
}

func (e *Error) Error() string { return e.Kind.String() + ": " + e.Reason }

func ignoref(format string, args ...any) error {
	return &Error{Kind: Ignore, Reason: fmt.Sprintf(format, args...)}
}

func rejectf(format string, args ...any) error {
	return &Error{Kind: Reject, Reason: fmt.Sprintf(format, args...)}
}

// KindOf returns the outcome that a Validator method's error stands for:
// Valid for nil, the Kind of an *Error, and Ignore for any other error, as
// a message that could not be judged must be neither forwarded nor held
// against its sender.
func KindOf(err error) Kind {
	if err == nil {
		return Valid
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Ignore
}
