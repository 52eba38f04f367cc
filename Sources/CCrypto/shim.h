#ifndef TIDTAM_CCRYPTO_SHIM_H
#define TIDTAM_CCRYPTO_SHIM_H
// OpenSSL's libcrypto, which libpq already links: its one-shot SHA-256, for the checksums of
// imported files, and HMAC-SHA256, for webhooks' signatures (libssl-dev comes with libpq-dev).
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#endif
