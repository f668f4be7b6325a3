// Package zrntbench holds benchmarks of zrnt and ztyp, the Go consensus
// library quetzal is compared with, on a Deneb BeaconState with a million
// validators: cold hash_tree_root, the root after every balance changed
// (ztyp's cached tree), SSZ decode, and the heap one state takes. Run them
// in the same `go test -bench` invocation as spec's state benchmarks so
// that the figures are comparable, one package at a time (-p 1), or the
// two compete for the cores:
//
//	go test -p 1 -run XXX -bench 'State' -count 5 ./spec ./internal/zrntbench
//
// It also compares gohashtree with crypto/sha256 on this machine.
package zrntbench
