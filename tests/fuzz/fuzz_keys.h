/* fuzz_keys.h: a fixed Ed25519 key of office HN-PA05, for fuzzing and
 * seeds only (it protects nothing): fuzz-bundle's database trusts it and
 * make-bundle-seeds exports the seed bundles with it, so that seeds get
 * past the trust check into the chain and signature checks. */
#ifndef FUZZ_KEYS_H
#define FUZZ_KEYS_H

#define FUZZ_KEY_LINE                                                          \
	"scamdex-key-v1 HN-PA05 "                                              \
	"37f712bd524bd0566b9b0ba5058b58a0fe81c305a707f24c6da84d52b84a4c56"     \
	"16622f8311a655d8ee4f1b4e30f792b8eee7fcfe9c6d6d893b192072b248072f\n"

#endif
