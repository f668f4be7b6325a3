package ssz

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/golang/snappy"
)

// ErrTooLarge reports a compressed message whose decoded size exceeds the
// limit the caller allows.
var ErrTooLarge = errors.New("ssz: decoded message too large")

// SnappyEncode compresses data in the snappy block format, as gossip
// messages and .ssz_snappy test files use it.
func SnappyEncode(data []byte) []byte { return snappy.Encode(nil, data) }

// SnappyDecode decompresses a snappy block, refusing (before allocating)
// any whose declared length exceeds limit bytes.
func SnappyDecode(data []byte, limit int) ([]byte, error) {
	n, err := snappy.DecodedLen(data)
	if err != nil {
		return nil, fmt.Errorf("ssz: snappy block: %w", err)
	}
	if n > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, limit)
	}
	out, err := snappy.Decode(nil, data)
	if err != nil {
		return nil, fmt.Errorf("ssz: snappy block: %w", err)
	}
	return out, nil
}

// SnappyFramedEncode compresses data in the snappy framing format, as
// req/resp streams carry it.
func SnappyFramedEncode(data []byte) []byte {
	var buf bytes.Buffer
	w := snappy.NewBufferedWriter(&buf)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = w.Write(data)
	_ = w.Close()
	return buf.Bytes()
}

// SnappyFramedDecode reads exactly n decoded bytes of a snappy framed
// stream from r, as req/resp does after reading the length prefix; n must
// not exceed limit. It does not read past what it needs.
func SnappyFramedDecode(r io.Reader, n, limit int) ([]byte, error) {
	if n > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, limit)
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(snappy.NewReader(r), out); err != nil {
		return nil, fmt.Errorf("ssz: snappy frames: %w", err)
	}
	return out, nil
}
