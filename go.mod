module github.com/quetzal-eth/quetzal

go 1.26

require (
	github.com/crate-crypto/go-eth-kzg v1.5.0
	github.com/golang/snappy v1.0.0
	github.com/protolambda/zrnt v0.34.1
	github.com/protolambda/ztyp v0.2.2
	github.com/prysmaticlabs/gohashtree v0.0.4-beta
	github.com/supranational/blst v0.3.17
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/bits-and-blooms/bitset v1.20.0 // indirect
	github.com/consensys/gnark-crypto v0.19.2 // indirect
	github.com/holiman/uint256 v1.2.0 // indirect
	github.com/kilic/bls12-381 v0.1.0 // indirect
	github.com/klauspost/cpuid/v2 v2.0.9 // indirect
	github.com/minio/sha256-simd v1.0.0 // indirect
	github.com/protolambda/bls12-381-util v0.1.0 // indirect
	golang.org/x/sync v0.11.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
)
