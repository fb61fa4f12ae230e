// The libcrypto (OpenSSL) functions oddsctl calls, SHA-256 only, loaded on first use (see
// lazy_lib.hpp): commands that hash nothing do not map libcrypto.
//
// Only built when CMake found a shared libcrypto (ODDSCTL_LAZY_CRYPTO names its soname). A
// function not defined here still links, against the real library, loaded at start-up again.
#ifdef ODDSCTL_LAZY_CRYPTO

#include <openssl/evp.h>

#include "util/lazy_lib.hpp"

extern "C" {

ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CRYPTO, const EVP_MD*, EVP_sha256, (void), ())
ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CRYPTO, int, EVP_Digest,
                     (const void* data, size_t count, unsigned char* md, unsigned int* size, const EVP_MD* type,
                      ENGINE* impl),
                     (data, count, md, size, type, impl))
ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CRYPTO, EVP_MD_CTX*, EVP_MD_CTX_new, (void), ())
ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CRYPTO, void, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))
ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CRYPTO, int, EVP_DigestInit_ex, (EVP_MD_CTX * ctx, const EVP_MD* type, ENGINE* impl),
                     (ctx, type, impl))
ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CRYPTO, int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void* data, size_t count),
                     (ctx, data, count))
ODDSCTL_LAZY_FORWARD(ODDSCTL_LAZY_CRYPTO, int, EVP_DigestFinal_ex,
                     (EVP_MD_CTX * ctx, unsigned char* md, unsigned int* size), (ctx, md, size))

}  // extern "C"

#endif  // ODDSCTL_LAZY_CRYPTO
