package ssz

import "encoding/binary"

func appendUint32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }

func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

func putUint64(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) }
