#ifndef TIDTAM_CCRYPTO_SHIM_H
#define TIDTAM_CCRYPTO_SHIM_H
// OpenSSL's libcrypto, which libpq already links: only its one-shot SHA-256, for the checksums
// of imported files (libssl-dev comes with libpq-dev).
#include <openssl/sha.h>
#endif
