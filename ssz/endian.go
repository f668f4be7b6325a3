//go:build armbe || arm64be || m68k || mips || mips64 || mips64p32 || ppc || ppc64 || s390 || s390x || shbe || sparc || sparc64

package ssz

// Lists of basic values are encoded by viewing their memory as bytes,
// which is their SSZ encoding only on little-endian CPUs. Refuse to build
// elsewhere rather than encode wrongly.
var _ = "ssz requires a little-endian CPU"[100]
