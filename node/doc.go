// Package node will hold the thin beacon node around the spec library:
// clock, LevelDB storage, the chain service that sequences blocks into spec
// and forkchoice, the Engine API client, the Beacon API server, libp2p
// networking, sync, validator duties and metrics. It has no code yet.
package node
