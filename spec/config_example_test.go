package spec_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// A custom network is its config.yaml on top of a preset; keys the file does
// not give keep the values of the preset's default config.
func ExampleLoadConfig() {
	configYAML := []byte(`
PRESET_BASE: 'minimal'
CONFIG_NAME: 'local-devnet'
GENESIS_FORK_VERSION: 0x10000001
ALTAIR_FORK_EPOCH: 0
BELLATRIX_FORK_EPOCH: 0
CAPELLA_FORK_EPOCH: 0
DENEB_FORK_EPOCH: 0
ELECTRA_FORK_EPOCH: 1
FULU_FORK_EPOCH: 2
BLOB_SCHEDULE:
  - EPOCH: 4
    MAX_BLOBS_PER_BLOCK: 12
`)
	s, err := spec.LoadConfig(configYAML, spec.MinimalPreset())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.ConfigName, s.SlotsPerEpoch, s.SlotDurationMS)
	fmt.Println(s.ForkAtEpoch(1), s.ForkAtEpoch(2))
	fmt.Println(s.MaxBlobsPerBlockAtEpoch(3), s.MaxBlobsPerBlockAtEpoch(4))
	// Output:
	// local-devnet 8 6000
	// electra fulu
	// 9 12
}

// Mainnet and minimal are separate values and can be used side by side.
func ExampleMainnet() {
	mainnet, minimal := spec.Mainnet(), spec.Minimal()
	fmt.Println(mainnet.SlotsPerEpoch, minimal.SlotsPerEpoch)
	fmt.Println(mainnet.ForkAtEpoch(400000), mainnet.ComputeForkVersion(400000))
	// Output:
	// 32 8
	// electra 0x05000000
}

func ExampleSpec_ComputeForkDigest() {
	s := spec.Mainnet()
	var genesisValidatorsRoot spec.Root
	_ = genesisValidatorsRoot.UnmarshalText([]byte("0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"))
	for _, epoch := range []spec.Epoch{s.DenebForkEpoch, s.FuluForkEpoch, 419072} {
		digest := s.ComputeForkDigest(genesisValidatorsRoot, epoch)
		fmt.Printf("/eth2/%x/beacon_block/ssz_snappy\n", digest[:])
	}
	// Output:
	// /eth2/6a95a1a9/beacon_block/ssz_snappy
	// /eth2/cc2c5cdb/beacon_block/ssz_snappy
	// /eth2/8c9f62fe/beacon_block/ssz_snappy
}
