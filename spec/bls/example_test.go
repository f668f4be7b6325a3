package bls_test

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

func Example() {
	// A real key comes from a keystore; any 32 bytes below the group
	// order will do here.
	sk, err := bls.SecretKeyFromBytes(sha256.Sum256([]byte("example secret")))
	if err != nil {
		fmt.Println(err)
		return
	}
	pubkey := sk.PublicKey().Bytes()
	signingRoot := sha256.Sum256([]byte("a signing root"))

	sig := bls.Sign(sk, signingRoot)
	fmt.Println(bls.Verify(pubkey, signingRoot, sig))
	fmt.Println(bls.Verify(pubkey, sha256.Sum256([]byte("another root")), sig))
	// Output:
	// true
	// false
}

func ExampleBatchVerify() {
	var keys []*bls.SecretKey
	for _, seed := range []string{"alice", "bob", "carol"} {
		b := sha256.Sum256([]byte(seed))
		b[0] &= 0x3f // keep it below the group order
		sk, err := bls.SecretKeyFromBytes(b)
		if err != nil {
			fmt.Println(err)
			return
		}
		keys = append(keys, sk)
	}
	// Public keys are decompressed once and cached, for example per
	// validator index.
	cache := make([]*bls.PublicKey, len(keys))
	for i, sk := range keys {
		pk, err := bls.PublicKeyFromBytes(sk.PublicKey().Bytes())
		if err != nil {
			fmt.Println(err)
			return
		}
		cache[i] = pk
	}

	// Set 0: alice and bob both sign one root; set 1: carol signs another;
	// set 2: carol's signature is presented as alice's.
	root0, root1 := sha256.Sum256([]byte("root 0")), sha256.Sum256([]byte("root 1"))
	agg, err := bls.Aggregate([]bls.Signature{bls.Sign(keys[0], root0), bls.Sign(keys[1], root0)})
	if err != nil {
		fmt.Println(err)
		return
	}
	sets := []bls.SignatureSet{
		{Pubkeys: []*bls.PublicKey{cache[0], cache[1]}, Message: root0, Signature: agg},
		{Pubkeys: []*bls.PublicKey{cache[2]}, Message: root1, Signature: bls.Sign(keys[2], root1)},
		{Pubkeys: []*bls.PublicKey{cache[0]}, Message: root1, Signature: bls.Sign(keys[2], root1)},
	}
	err = bls.BatchVerify(sets)
	var batchErr *bls.BatchError
	if errors.As(err, &batchErr) {
		fmt.Println("invalid sets:", batchErr.Invalid)
	}
	// Output:
	// invalid sets: [2]
}
